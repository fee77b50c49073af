from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no public address: they are served only by views that check access."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a checked view.")

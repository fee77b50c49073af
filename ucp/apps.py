from django.apps import AppConfig


class UcpConfig(AppConfig):
    name = "ucp"
    verbose_name = "UCP"

    def ready(self) -> None:
        from ucp.celery import announce_mode

        announce_mode()

from django.apps import AppConfig

from ucp.celery import announce_mode


class UcpConfig(AppConfig):
    name = "ucp"
    verbose_name = "UCP"

    def ready(self) -> None:
        announce_mode()

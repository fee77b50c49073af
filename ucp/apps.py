from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in

from ucp import sessions
from ucp.startup import announce_mode


class UcpConfig(AppConfig):
    name = "ucp"
    verbose_name = "UCP"

    def ready(self) -> None:
        announce_mode()
        user_logged_in.connect(sessions.start_clocks, dispatch_uid="ucp.sessions.start_clocks")

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Directorates and staff"

    def ready(self) -> None:
        # Imported here, not at the top: the module reads the user model, which is only
        # loaded once the apps are ready.
        from accounts import signals

        signals.connect()

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Directorate reporting"

    def ready(self) -> None:
        from reports import signals  # noqa: F401 - connects the summary's receivers

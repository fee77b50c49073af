from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Customers and cases"

    def ready(self) -> None:
        # Imported once the models are loaded: registers the case's step pages.
        from cases import actions  # noqa: F401

from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sanctions"
    verbose_name = "Sanctions"

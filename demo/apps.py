from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and the volume seed: on top of every other app, imported by none."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo and volume data"

from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sanctions"
    verbose_name = "Sanctions"

    def ready(self) -> None:
        # Imported once the models are loaded, and here rather than in `cases`, which stands
        # below sanctions: the case page's monitoring tab.
        from cases import sections
        from sanctions.selectors import case_monitoring_section

        sections.register(case_monitoring_section, tab=sections.MONITORING,
                          template="sanctions/_case_monitoring.html")

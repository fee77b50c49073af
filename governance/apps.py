from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """The information-governance role's pages: who could see what (access changes); later
    the access log, subject access requests and retention (issue 11)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = "Information governance"

import sys

from django.apps import AppConfig

# Django REST framework's `compat` imports these whenever they are installed, for features
# this API does not use: requests (DRF's test `RequestsClient`), PyYAML and uritemplate
# (DRF's own schema generator: drf-spectacular imports them itself, when `/api/schema/` is
# first asked for), Markdown and Pygments (the browsable API, which is off). Imported with
# them hidden, a web worker is 7 MB smaller (issue 13's memory per worker). They stay
# importable by anything else: only DRF's optional hooks see them as absent.
DRF_EXTRAS_UNUSED = ("requests", "yaml", "uritemplate", "markdown", "pygments")


def import_drf_without_unused_extras() -> None:
    if "rest_framework.compat" in sys.modules:
        return
    hidden = [name for name in DRF_EXTRAS_UNUSED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # makes `import name` raise ImportError
    try:
        import rest_framework.compat  # noqa: F401  the one import that must not see them
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "JSON API for telephony and CRM"

    def ready(self) -> None:
        import_drf_without_unused_extras()

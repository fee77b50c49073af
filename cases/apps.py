from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Customers and cases"

    def ready(self) -> None:
        # Imported once the models are loaded: registers the case's step pages.
        # Search's `name_key__trigram_similar` (pg_trgm's `%`, which the GIN index serves)
        # without django.contrib.postgres as an app; used only on PostgreSQL.
        from django.contrib.postgres.lookups import TrigramSimilar
        from django.db.models import CharField

        from cases import actions  # noqa: F401

        CharField.register_lookup(TrigramSimilar)

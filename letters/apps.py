from django.apps import AppConfig


class LettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "letters"
    verbose_name = "Letters and notices"

    def ready(self) -> None:
        # Imported once the models are loaded, and here rather than in `cases`, which stands
        # below letters: registers the letter steps and the case page's letters tab.
        from cases import sections
        from letters import steps  # noqa: F401
        from letters.selectors import CASE_PAGE_PREFETCH, case_letters_context

        sections.register(case_letters_context, tab=sections.LETTERS,
                          template="letters/_case_section.html", prefetch=CASE_PAGE_PREFETCH)

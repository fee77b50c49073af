from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Challenges and reviews"

    def ready(self) -> None:
        # Imported once the models are loaded, and here rather than in `cases`, which stands
        # below reviews: registers the challenge and review steps and the case page's tab.
        from cases import sections
        from reviews import steps  # noqa: F401
        from reviews.selectors import CASE_PAGE_PREFETCH, case_reviews_context

        sections.register(case_reviews_context, tab=sections.REVIEWS,
                          template="reviews/_case_section.html", prefetch=CASE_PAGE_PREFETCH)

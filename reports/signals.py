"""Keep the report's summary true on every write (`reports/summary.py`).

Signals rather than a call in each service: a case's figures change through services in
four apps (the workflow, challenges, reviews, sanctions, letters and notices) and through
the admin, and every one of them saves the models below. The receivers run inside the
writer's transaction, so the counts commit or roll back with the change they count.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from cases.models import DesignationCase, Indicator, Warning
from reports import summary
from reviews.models import Challenge, Review
from sanctions.models import Sanction


@receiver(post_save, sender=DesignationCase)
@receiver(post_delete, sender=DesignationCase)
def case_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # loaddata: the fixtures' counts come with `rebuild_report_summary`
        summary.refresh_cases([instance.pk])


@receiver(post_save, sender=Challenge)
@receiver(post_delete, sender=Challenge)
@receiver(post_save, sender=Review)
@receiver(post_delete, sender=Review)
@receiver(post_save, sender=Sanction)
@receiver(post_delete, sender=Sanction)
def part_of_case_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        summary.refresh_cases([instance.case_id])


@receiver(post_save, sender=Warning)
@receiver(post_delete, sender=Warning)
def warning_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        summary.refresh_warnings([instance.pk])


@receiver(m2m_changed, sender=DesignationCase.decision_indicators.through)
@receiver(m2m_changed, sender=DesignationCase.involved_directorates.through)
def case_links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            summary.refresh_cases([instance.pk])
        return
    # From the indicator's or directorate's side: the cases are in `pk_set` (or, for a
    # clear, are those linked just before it).
    field = "indicator" if sender is DesignationCase.decision_indicators.through else "directorate"
    if action == "pre_clear":
        instance._report_cases = list(sender.objects.filter(**{field: instance})
                                      .values_list("designationcase_id", flat=True))
    elif action == "post_clear":
        summary.refresh_cases(getattr(instance, "_report_cases", []))
    else:
        summary.refresh_cases(pk_set or [])


@receiver(pre_save, sender=Indicator)
def indicator_moving(sender, instance, raw=False, **kwargs) -> None:
    """An indicator moved to another list of section 2.1 changes "reasons by kind" for
    every case citing it."""
    if raw or instance.pk is None:
        return
    before = Indicator.objects.filter(pk=instance.pk).values_list("group", flat=True).first()
    instance._report_regroup = before is not None and before != instance.group


@receiver(post_save, sender=Indicator)
def indicator_moved(sender, instance, raw=False, **kwargs) -> None:
    if not raw and getattr(instance, "_report_regroup", False):
        through = DesignationCase.decision_indicators.through
        summary.refresh_cases(through.objects.filter(indicator=instance)
                              .values_list("designationcase_id", flat=True))

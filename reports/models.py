"""The policy report's summary (issue 13): the counts the report shows, per directorate and
per day (and again per month), so that a council-wide report adds up a few hundred rows
instead of scanning every case, warning, challenge, review and sanction of the period.

`reports/summary.py` says what each figure is and how the rows are kept true.
"""

from __future__ import annotations

from django.db import models

from accounts.models import Directorate


class Grain(models.TextChoices):
    DAY = "d", "Day"
    MONTH = "m", "Month"  # `day` is the month's first day


class ReportCount(models.Model):
    """How much one figure moved on one day (or in one month) for one directorate.

    A flow (invocations, warnings, ...) is the sum of its rows over the period; a stock
    (designations standing, sanctions in force) is the sum of its rows up to the day it is
    counted on: +1 the day it starts, -1 the day after it ends."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE, related_name="+")
    figure = models.CharField(max_length=40)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "day", "directorate", "figure"],
                                    name="one_count_per_grain_day_directorate_figure"),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.grain} {self.day} directorate {self.directorate_id}: {self.n}"


class ReportContribution(models.Model):
    """What one case (with its challenges, reviews and sanctions) or one warning last added
    to the counts, so that a change to it moves the counts by the difference.

    `source` is "case:<id>" or "warning:<id>"; no foreign key, so that a deleted case's
    contribution can still be taken away."""

    source = models.CharField(max_length=40, primary_key=True)
    entries = models.JSONField(default=list)  # [[directorate id, "YYYY-MM-DD", figure, n]]

    def __str__(self) -> str:
        return self.source

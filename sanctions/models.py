"""Sanctions of section 2.4. The kinds are fixed by the policy; the typed sanction records,
their scope and dates, and the restriction check arrive with the sanctions issue."""

from django.db import models


class SanctionKind(models.TextChoices):
    TIME_LIMIT = "time_limit", "Time limit on telephone calls and personal contacts"
    CALL_LIMIT = "call_limit", "Limit on the number of telephone calls"
    SINGLE_MEDIUM = "single_medium", "One medium of contact only"
    NAMED_OFFICER = "named_officer", "One named member of staff only"
    WITNESS = "witness", "Personal contacts only with a witness present"
    REFUSE_COMPLAINTS = "refuse_complaints", "Further complaints about the same matter refused"
    OFFICE_ACCESS = "office_access", "Restricted access to council offices"
    POLICE_OR_LEGAL = "police_or_legal", "Police involvement or legal action"

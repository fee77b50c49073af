"""The choices of the case records and the workflow, in one module that imports no model.

Models, rules, forms and other apps import them from here, so that the rules (which the
models' transitions call) need not import the models, and no import runs in a circle.
`cases.models` re-exports them for older call sites.
"""

from __future__ import annotations

from django.db import models


class IndicatorGroup(models.TextChoices):
    PERSISTENCE = "persistence", "Unreasonable or unreasonably persistent"
    BEHAVIOUR = "behaviour", "Unacceptable behaviour"
    ACTION = "action", "Actions and behaviours that can invoke the policy"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"


class MatterKind(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    ENQUIRY = "enquiry", "Enquiry"
    REQUEST = "request", "Request"
    CONCERN = "concern", "Concern"


class MatterStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"


class Channel(models.TextChoices):
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    WEB_FORM = "web_form", "Web form"
    SOCIAL_MEDIA = "social_media", "Social media"
    VIA_MP = "via_mp", "Via a Member of Parliament"
    VIA_COUNCILLOR = "via_councillor", "Via a councillor"
    VIA_SOLICITOR = "via_solicitor", "Via a solicitor or legal services"
    VIA_POLICE = "via_police", "Via the police"
    VIA_OMBUDSMAN = "via_ombudsman", "Via the Ombudsman"


# Contact pursued through a third party at the same time: the 'scattergun' approach.
SCATTERGUN_CHANNELS = frozenset(
    {
        Channel.VIA_MP,
        Channel.VIA_COUNCILLOR,
        Channel.VIA_SOLICITOR,
        Channel.VIA_POLICE,
        Channel.VIA_OMBUDSMAN,
    }
)
# Channels where time is spent with the customer, so a duration is recorded.
TIMED_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the customer"
    OUTBOUND = "outbound", "To the customer"


class WarningKind(models.TextChoices):
    INFORMAL = "informal", "Informal warning"
    FORMAL = "formal", "Formal written warning"


class WarningMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By telephone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"


class CaseState(models.TextChoices):
    NEW = "new", "New"
    REFERRED = "referred", "Referred"
    WARNED = "warned", "Warned – monitoring"
    ASSESSMENT = "assessment", "Assessment"
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    DESIGNATED = "designated", "Designated – to notify"
    ACTIVE = "active", "Designation in force"
    # The six-month review date passed with no decision: the restrictions have ended
    # (section 2.4 never lets them run on unreviewed) and a senior manager must decide.
    LAPSED = "lapsed", "Review missed – restrictions lapsed"
    CLOSED = "closed", "Closed"


OPEN_STATES = (
    CaseState.REFERRED,
    CaseState.WARNED,
    CaseState.ASSESSMENT,
    CaseState.AWAITING_DECISION,
)


class ClosingReason(models.TextChoices):
    NO_ACTION = "no_action", "Referral not taken forward"
    BEHAVIOUR_STOPPED = "behaviour_stopped", "Behaviour stopped after the warning"
    PRECONDITION_FAILED = "precondition_failed", "A precondition failed and was put right"
    NOT_DESIGNATED = "not_designated", "Senior manager decided not to designate"
    WITHDRAWN = "withdrawn", "Designation withdrawn on challenge"
    LIFTED = "lifted", "Designation lifted at the six-month review"
    # Two records of one person merged, each with an open case (cases.services.merge).
    DUPLICATE = "duplicate", "Duplicate: the customer's records were merged"


class WarningSkipKind(models.TextChoices):
    SAFETY = "safety", "Harassment, aggression or a threat to staff safety (section 2.4)"
    INEFFECTIVE = "ineffective", "A warning will obviously have no effect (section 2.3)"


class Precondition(models.TextChoices):
    """Section 2.3: the council must be satisfied of all five before deciding."""

    DISCUSSED = "discussed", "The matter has been discussed with the relevant service manager/staff"
    DEALT_WITH = "dealt_with", "Any complaint, enquiry or request has been dealt with properly"
    DECISION_RIGHT = "decision_right", "Any decision reached is the right one"
    COMMUNICATION = "communication", "Communications with the customer have been adequate"
    NO_NEW_INFO = (
        "no_new_info",
        "The customer is not providing any significant new information",
    )


class Alternative(models.TextChoices):
    """Section 2.3's further actions, plus the Equality Act adjustments (Ombudsman guidance)."""

    MEETING = "meeting", "A meeting between the customer and officer(s)"
    CROSS_DIRECTORATE = (
        "cross_directorate",
        "A cross-directorate meeting and a key officer to co-ordinate the response",
    )
    ADVOCATE = "advocate", "Help to find an independent advocate"
    ADJUSTMENTS = "adjustments", "Reasonable adjustments under the Equality Act 2010"


class AlternativeOutcome(models.TextChoices):
    DONE = "done", "Done"
    OFFERED = "offered", "Offered"
    DECLINED = "declined", "Declined by the customer"
    NOT_APPLICABLE = "not_applicable", "Not applicable"

class EventKind(models.TextChoices):
    """What a chronology entry (`CaseEvent.kind`) records.

    Workflow transitions are named after the transition method, so `workflow.transition`
    can write `EventKind(name)`; the rest are the named services' own kinds.
    """

    # Transitions of DesignationCase (the method names).
    REFER = "refer", "Referred"
    ISSUE_FORMAL_WARNING = "issue_formal_warning", "Formal warning issued"
    SKIP_WARNING = "skip_warning", "Proceeding without a warning"
    CLOSE_REFERRAL = "close_referral", "Referral closed"
    BEHAVIOUR_CONTINUED = "behaviour_continued", "Behaviour continued"
    BEHAVIOUR_STOPPED = "behaviour_stopped", "Behaviour stopped"
    CLOSE_PRECONDITION_FAILED = "close_precondition_failed", "Closed: precondition failed"
    SUBMIT_FOR_DECISION = "submit_for_decision", "Submitted for decision"
    DESIGNATE = "designate", "Designated"
    ACTIVATE = "activate", "Designation in force"
    DECLINE = "decline", "Not designated"
    RETURN_FOR_MORE_WORK = "return_for_more_work", "Returned for more work"
    # Records around the case.
    FURTHER_REFERRAL = "further_referral", "Further referral"
    CUSTOMER_UPDATED = "customer_updated", "Customer's details updated"
    CONTACT_LOGGED = "contact_logged", "Contact logged"
    INFORMAL_WARNING = "informal_warning", "Informal warning"
    PRECONDITION = "precondition", "Precondition recorded"
    ALTERNATIVE = "alternative", "Alternative recorded"
    COORDINATION = "coordination", "Co-ordination changed"
    # Letters and informing the council (letters/).
    LETTER_ISSUED = "letter_issued", "Letter issued"
    CUSTOMER_NOTIFIED = "customer_notified", "Customer told"
    COUNCIL_INFORMED = "council_informed", "Council informed"
    # Sanctions (sanctions/).
    FILED_ITEM_READ = "filed_item_read", "Filed item read"
    # Challenges and reviews (reviews/).
    CHALLENGE_RECEIVED = "challenge_received", "Challenge received"
    CHALLENGE_PHONE_REQUEST = "challenge_phone_request", "Review asked for by telephone"
    CHALLENGE_LATE_ACCEPTED = "challenge_late_accepted", "Late challenge accepted"
    CHALLENGE_LATE_REFUSED = "challenge_late_refused", "Late challenge not accepted"
    CHALLENGE_REVIEWER_ASSIGNED = "challenge_reviewer_assigned", "Independent reviewer assigned"
    CHALLENGE_DECIDED = "challenge_decided", "Challenge decided"
    REVIEW_OPENED = "review_opened", "Six-month review opened"
    REVIEW_DECIDED = "review_decided", "Six-month review decided"
    REVIEW_DUE_CHANGED = "review_due_changed", "Review date changed"
    # The daily sweep (reviews/sweeps.py).
    CHALLENGE_WINDOW_CLOSED = "challenge_window_closed", "Challenge window closed"
    CHALLENGE_OVERDUE = "challenge_overdue", "Challenge decision overdue"
    LAPSE = "lapse", "Restrictions lapsed"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    NOT_NOTIFIED = "not_notified", "Not yet in force"
    # Corrections and dispute statements (cases.services.corrections).
    RECORD_CORRECTED = "record_corrected", "Record corrected"
    DISPUTE_RECORDED = "dispute_recorded", "Customer disputes a record"
    # Merging two records of one person (cases.services.merge).
    CLOSE_AS_DUPLICATE = "close_as_duplicate", "Closed: duplicate record merged"
    REOPEN_AFTER_UNMERGE = "reopen_after_unmerge", "Reopened: merge undone"
    CUSTOMER_MERGED = "customer_merged", "Customer records merged"
    CUSTOMER_MERGE_UNDONE = "customer_merge_undone", "Merge of customer records undone"


class RecordKind(models.TextChoices):
    """The records a correction or a customer's dispute statement may be about."""

    CUSTOMER = "customer", "customer's details"
    MATTER = "matter", "matter"
    CONTACT = "contact", "contact"
    WARNING = "warning", "warning"

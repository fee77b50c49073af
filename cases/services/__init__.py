"""Every write to customers, contacts, warnings and cases goes through here.

Views, admin actions, management commands and tasks call these functions; none of them
assigns state or writes an event itself. Each service is atomic: it either saves the change,
its history and its chronology entry together, or nothing at all. The locking, the
transitions and the chronology are the workflow core's (`cases.workflow`), which the
services of `sanctions`, `letters` and `reviews` use too.

By subject: `customers` (customers and matters), `contacts`, `warnings` (informal ones;
the formal warning is a workflow step), `workflow` (the designation case, referral to
decision) and `checklist` (preconditions, alternatives, co-ordination).
"""

from cases.services.checklist import (
    CHECKLIST_STATES,
    alternative_record,
    case_set_coordination,
    precondition_record,
)
from cases.services.contacts import contact_log
from cases.services.customers import (
    customer_create,
    customer_update,
    matter_create,
    matter_update,
)
from cases.services.uploads import upload_keep, uploads_discard, uploads_remove_stale
from cases.services.warnings import warning_give_informal
from cases.services.workflow import (
    case_activate_if_ready,
    case_behaviour_continued,
    case_behaviour_stopped,
    case_close_precondition_failed,
    case_close_referral,
    case_decline,
    case_designate,
    case_issue_formal_warning,
    case_refer,
    case_return_for_more_work,
    case_skip_warning,
    case_submit_for_decision,
)
from ucp.errors import CaseChanged, NotAllowed, ServiceError

__all__ = [
    "CHECKLIST_STATES",
    "CaseChanged",
    "NotAllowed",
    "ServiceError",
    "alternative_record",
    "case_activate_if_ready",
    "case_behaviour_continued",
    "case_behaviour_stopped",
    "case_close_precondition_failed",
    "case_close_referral",
    "case_decline",
    "case_designate",
    "case_issue_formal_warning",
    "case_refer",
    "case_return_for_more_work",
    "case_set_coordination",
    "case_skip_warning",
    "case_submit_for_decision",
    "contact_log",
    "customer_create",
    "customer_update",
    "matter_create",
    "matter_update",
    "precondition_record",
    "upload_keep",
    "uploads_discard",
    "uploads_remove_stale",
    "warning_give_informal",
]

"""Every write to customers, contacts, warnings and cases goes through here.

Views, admin actions, management commands and tasks call these functions; none of them
assigns state or writes an event itself. Each service is atomic: it either saves the change,
its history and its chronology entry together, or nothing at all. The locking, the
transitions and the chronology are the workflow core's (`cases.workflow`), which the
services of `sanctions`, `letters` and `reviews` use too.

By subject: `customers` (customers and matters), `contacts`, `warnings` (informal ones;
the formal warning is a workflow step), `workflow` (the designation case, referral to
decision), `checklist` (preconditions, alternatives, co-ordination) and `corrections`
(corrections and the customer's dispute statements).
"""

from cases.services.checklist import (
    CHECKLIST_STATES,
    alternative_record,
    case_set_coordination,
    precondition_record,
)
from cases.services.contacts import contact_log
from cases.services.corrections import (
    contact_correct,
    customer_correct,
    dispute_record,
    matter_correct,
    may_correct,
    record_correct,
    warning_correct,
)
from cases.services.customers import (
    customer_create,
    customer_update,
    matter_create,
    matter_update,
)
from cases.services.merge import customer_merge, customer_merge_undo
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
    "contact_correct",
    "contact_log",
    "customer_correct",
    "customer_create",
    "customer_merge",
    "customer_merge_undo",
    "customer_update",
    "dispute_record",
    "matter_correct",
    "matter_create",
    "matter_update",
    "may_correct",
    "precondition_record",
    "record_correct",
    "upload_keep",
    "uploads_discard",
    "uploads_remove_stale",
    "warning_correct",
    "warning_give_informal",
]

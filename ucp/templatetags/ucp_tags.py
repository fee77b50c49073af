from django import template

register = template.Library()

_STATE_CLASSES = {
    "referred": "govuk-tag--blue",
    "warned": "govuk-tag--yellow",
    "assessment": "govuk-tag--purple",
    "awaiting_decision": "govuk-tag--orange",
    "designated": "govuk-tag--red",
    # Restrictions ended because the six-month review was missed: needs a senior manager now.
    "lapsed": "govuk-tag--red",
    "closed": "govuk-tag--grey",
}


@register.filter
def state_tag_class(state: str) -> str:
    return _STATE_CLASSES.get(str(state), "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def person(user, absent: str = "System") -> str:
    """A member of staff as pages name them: full name, else username. `None` is an action
    the system took (the daily sweep), so it reads "System" unless told otherwise."""
    if user is None or user == "":
        return absent
    return user.get_full_name() or user.get_username()

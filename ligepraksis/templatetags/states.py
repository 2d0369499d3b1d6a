"""States as badges with text and colour: one home for the mapping from a state to its badge style.

`{% state_badge value label %}` shows `label` (the translated display of the state) on the colour of
`value`'s tone. The core imports no app, so the mapping is by the state's value name, for every state
the portal shows: an application's status, a registration's, an hour claim's, a session's, a
session's attendance state and the start-up meeting's. A value that is not listed is shown on the
neutral colour; add new states here.
The colours are in static/css/portal.css (`.lp-state-*`), each with a text contrast of at least 4.5:1.
"""

from django import template
from django.utils.html import format_html

register = template.Library()

# tone -> the values shown in it
TONES = {
    # done, or going ahead: selected, participating, confirmed, approved
    "success": (
        "selected",
        "accepted",
        "confirmed",
        "approved",
        "done",
        "taken",
        "green",
        "reported",
        "paid",
    ),
    # in progress, waiting on someone: submitted, offered a place, committed money
    "info": ("submitted", "offered", "due", "in_progress", "committed", "payable"),
    # waiting: a waiting list, a claim awaiting approval, a full session
    "warning": ("waitlisted", "pending", "full", "needed", "yellow"),
    # called off
    # called off, or behind: a status report overdue, a red traffic light (progress/)
    "danger": ("cancelled", "overdue", "red", "withheld"),
    # not (or no longer) going ahead, or not started: draft, withdrawn, not selected, expired, held, not yet
    "neutral": (
        "draft",
        "withdrawn",
        "rejected",
        "expired",
        "held",
        "not_yet",
        "nobody",
        "not_started",
        "not_open",
    ),
}
STATE_TONE = {value: tone for tone, values in TONES.items() for value in values}


def state_tone(value) -> str:
    return STATE_TONE.get(str(value), "neutral")


@register.simple_tag
def state_badge(value, label, testid=""):
    """<span class="badge lp-state lp-state-success" data-state="selected">Udvalgt</span>"""
    if testid:
        return format_html(
            '<span class="badge lp-state lp-state-{}" data-state="{}" data-testid="{}">{}</span>',
            state_tone(value),
            value,
            testid,
            label,
        )
    return format_html(
        '<span class="badge lp-state lp-state-{}" data-state="{}">{}</span>', state_tone(value), value, label
    )

"""Issue 8: states as badges with text and colour, from one mapping (ligepraksis/templatetags/states.py)."""

import pytest
from django.template import Context, Template

from activities.models import ClaimStatus, RegistrationStatus
from applications.models import ApplicationStatus
from ligepraksis.templatetags.states import STATE_TONE, state_tone


def render(value, label, **kw):
    extra = "".join(f' {k}="{v}"' for k, v in kw.items())
    return Template(f"{{% state_badge value label{extra} %}}").render(
        Context({"value": value, "label": label})
    )


def test_a_selected_practice_is_not_grey_and_the_badge_carries_its_text():
    html = render(ApplicationStatus.SELECTED, "Udvalgt", testid="status")
    assert "lp-state-success" in html and ">Udvalgt</span>" in html
    assert 'data-state="selected"' in html and 'data-testid="status"' in html
    assert state_tone(ApplicationStatus.ACCEPTED) == "success"
    assert state_tone(ApplicationStatus.WAITLISTED) == "warning"
    assert state_tone(ApplicationStatus.REJECTED) == "neutral"


@pytest.mark.parametrize(
    "choices",
    [ApplicationStatus, RegistrationStatus, ClaimStatus],
    ids=["application", "registration", "claim"],
)
def test_every_state_of_the_apps_has_a_tone(choices):
    assert not [c.value for c in choices if c.value not in STATE_TONE]


def test_the_label_is_escaped():
    assert "<b>" not in render("draft", "<b>Kladde</b>")


def _contrast(fg: str, bg: str) -> float:
    def lum(hex_):
        rgb = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_tone_has_a_colour_with_enough_contrast():
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text()
    for tone in set(STATE_TONE.values()):
        rule = re.search(rf"\.lp-state-{tone} \{{([^}}]*)\}}", css)
        assert rule, tone
        bg = re.search(r"background-color: (#[0-9a-f]{6})", rule.group(1)).group(1)
        fg = re.search(r"[^-]color: (#[0-9a-f]{3,6})", rule.group(1)).group(1)
        fg = fg if len(fg) == 7 else "#" + "".join(c * 2 for c in fg[1:])
        assert _contrast(fg, bg) >= 4.5, (tone, fg, bg)

"""A project leader moves a session's time in the form; the outbox then holds, for each confirmed
person, an updated invitation (METHOD:REQUEST) with the same UID as the original and a higher
SEQUENCE, and a note without an invitation for the one on the waiting list. At both viewports."""

from __future__ import annotations

import base64
import datetime as dt

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities import services
from activities.forms import SessionForm
from ligepraksis.models import OutboxMessage, Role
from tests.activities.service_factories import make_activity, make_person, make_session, participate, provider
from tests.conftest import make_round, make_user
from tests.e2e.test_apply_to_accept import da, label, log_in

TITLE = "Temaaften om sårbare patienter"
VIEWPORTS = [pytest.param({"width": 1366, "height": 900}, id="desktop"),
             pytest.param({"width": 390, "height": 844}, id="phone")]  # fmt: skip


def _event(message: OutboxMessage) -> tuple[str, icalendar.Event]:
    (attachment,) = message.attachments
    assert attachment["filename"] == "invitation.ics"
    cal = icalendar.Calendar.from_ical(base64.b64decode(attachment["content"]))
    (event,) = cal.walk("VEVENT")
    return str(cal["METHOD"]), event


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_moved_session_sends_an_updated_invitation_to_everyone_confirmed(
    live_server, new_context, region, viewport
):
    round_obj = make_round(region, open_=False, name="Lige Praksis i Midt 2026")
    leader = make_user(f"leder-{viewport['width']}@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    participation, practice_user = participate(round_obj, leader)
    practice = participation.practice
    activity = make_activity(round_obj, org=provider("VID"), title=TITLE, online=False)
    starts = (timezone.localtime() + dt.timedelta(days=10)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    session = make_session(activity, starts_at=starts, capacity=2, place="Aarhus Rådhus")
    people = [make_person(practice, name=name) for name in ("Ida Jensen", "Bo Hansen", "Eva Lund")]
    for n, person in enumerate(people):
        person.email = f"person{n}@praksis.example"
        person.save()
    services.registration_signup(user=practice_user, session=session, practice=practice, persons=people)
    originals = {m.to: _event(m)[1] for m in OutboxMessage.objects.all() if m.attachments}
    assert set(originals) == {"person0@praksis.example", "person1@praksis.example"}  # Eva waits

    page = new_context(viewport=viewport).new_page()
    if viewport["width"] < 576:  # the phone's menu is folded: log in wide, then narrow the window
        page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server.url, leader.email, f"/aktiviteter/{activity.pk}/")
    page.set_viewport_size(viewport)
    page.get_by_role("link", name=da("Edit"), exact=True).click()
    page.wait_for_url(f"**/aktiviteter/hold/{session.pk}/rediger/")
    later = starts + dt.timedelta(days=1, hours=1)
    page.get_by_label(label(SessionForm, "starts_at")).fill(later.strftime("%d.%m.%Y %H:%M"))
    page.get_by_label(label(SessionForm, "ends_at")).fill(
        (later + dt.timedelta(hours=2)).strftime("%d.%m.%Y %H:%M")
    )
    page.get_by_role("button", name=da("Save"), exact=True).click()
    page.wait_for_url(f"**/aktiviteter/{activity.pk}/")
    expect(
        page.get_by_role("status").filter(
            has_text=da("The session is saved; those signed up are sent the change by e-mail.")
        )
    ).to_be_visible()

    updates = OutboxMessage.objects.filter(key__startswith="session-moved:")
    by_to = {m.to: m for m in updates}
    assert set(by_to) == {"person0@praksis.example", "person1@praksis.example", "person2@praksis.example"}
    for to, original in originals.items():
        method, event = _event(by_to[to])
        assert method == "REQUEST"
        assert str(event["UID"]) == str(original["UID"])
        assert int(event["SEQUENCE"]) > int(original["SEQUENCE"])
        assert event.decoded("DTSTART") == later
    assert by_to["person2@praksis.example"].attachments == []  # the waiting list: a note

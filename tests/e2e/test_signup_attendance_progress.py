"""A participating practice signs a doctor up for a session, a project leader takes attendance, and
the practice's progress bar moves, in a real browser.

The practice is selected and accepted through the services (as tests/activities/service_factories.py
does), so the round, the participation and the coordinators obey the portal's rules. The session starts
a little in the future, so sign-up is open; the test then moves it into the past through the ORM,
because attendance can only be taken once a session has started. The practice user and the leader
each have a browser context of their own. The texts are looked up in Danish through Django's
translation machinery, as in test_apply_to_accept.py.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from activities.models import Registration, RegistrationStatus, Session
from ligepraksis import formatting
from ligepraksis.models import Role
from practices.models import Person
from tests.activities.service_factories import make_activity, make_session, participate, provider
from tests.conftest import make_round, make_user
from tests.e2e.test_apply_to_accept import da, log_in

TITLE = "Webinar om multisygdom i almen praksis"


def danish_hours(value: str) -> str:
    """'10 timer', '2,5 timer' as the page writes them (ligepraksis.formatting.hours_text, in Danish)."""
    with translation.override("da"):
        return formatting.hours_text(Decimal(value))


def progress(page: Page):
    """The practice's progress bar toward the hour target (the practice takes part in one round)."""
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_count(1)
    return bar


def hours_now(page: Page) -> Decimal:
    """What the bar tells assistive technology: aria-valuenow holds the hours done (not a percentage)."""
    return Decimal(progress(page).get_attribute("aria-valuenow"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_signup_attendance_moves_the_progress_bar(live_server, new_context, region, tmp_path):
    base = live_server.url
    today = timezone.localdate()
    round_obj = make_round(
        region,
        open_=False,
        name="Lige Praksis i Midt 2026",
        hour_window_start=today - dt.timedelta(days=30),
        hour_window_end=today + dt.timedelta(days=30),
    )
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    participation, practice_user = participate(round_obj, leader)
    practice = participation.practice
    doctor: Person = participation.application.doctor_coordinator
    activity = make_activity(round_obj, org=provider("VID"), title=TITLE, hours="2.5")
    now = timezone.now()
    session = make_session(
        activity,
        starts_at=now + dt.timedelta(hours=2),
        hours_long=2,
        deadline_before=dt.timedelta(hours=1),
        capacity=10,
    )
    hours_path = f"/praksis/{practice.pk}/timer/"

    # --- (0) Before: no hours, an empty bar ----------------------------------------------------------
    practice_page = new_context().new_page()
    log_in(practice_page, base, practice_user.email, hours_path)
    expect(practice_page.get_by_role("heading", level=1)).to_have_text(
        da("Hours of %(name)s", name=practice.name)
    )
    assert hours_now(practice_page) == Decimal("0")
    assert Decimal(progress(practice_page).get_attribute("aria-valuemax")) == Decimal("10")
    expect(progress(practice_page)).to_have_text("0 %")
    expect(progress(practice_page)).to_have_attribute(
        "aria-valuetext", da("%(done)s of %(target)s", done="0", target=danish_hours("10"))
    )

    # --- (1) The practice user finds the session in the catalogue and signs the doctor up ------------
    practice_page.get_by_role("link", name=da("Find activities")).click()
    practice_page.wait_for_url("**/aktiviteter/")
    row = practice_page.get_by_test_id("catalogue").get_by_role("row").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2,5")
    row.get_by_role("link", name=re.compile(rf"^{re.escape(da('Sign up'))}\b")).click()
    practice_page.wait_for_url(f"**/aktiviteter/hold/{session.pk}/tilmeld/")
    expect(practice_page.get_by_text(da("Signing up from %(name)s.", name=practice.name))).to_be_visible()
    doctor_box = practice_page.get_by_label(f"{doctor.name} ({da('Doctor')})", exact=True)
    doctor_box.check()
    practice_page.get_by_role("button", name=da("Sign up"), exact=True).click()

    practice_page.wait_for_url(f"**{hours_path}")
    expect(
        practice_page.get_by_role("status").filter(has_text=da("Confirmed: %(names)s.", names=doctor.name))
    ).to_be_visible()
    upcoming = practice_page.get_by_role("table", name=da("Upcoming sessions"), exact=True)
    expect(upcoming.get_by_role("row").filter(has_text=TITLE)).to_contain_text(doctor.name)
    assert hours_now(practice_page) == Decimal("0")  # signed up is not attended
    registration = Registration.objects.get(session=session, person=doctor)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.practice_id == practice.pk and registration.attended is None

    # --- (2) The session takes place: move it into the past -------------------------------------------
    now = timezone.now()
    starts = now - dt.timedelta(hours=3)
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=now - dt.timedelta(hours=1), signup_deadline=starts - dt.timedelta(hours=1)
    )

    # --- (3) The leader takes attendance: nobody is ticked until the leader ticks the doctor ----------
    lead = new_context().new_page()
    log_in(lead, base, leader.email, f"/aktiviteter/{activity.pk}/")
    lead.get_by_role("link", name=da("Attendance"), exact=True).click()
    lead.wait_for_url(f"**/aktiviteter/hold/{session.pk}/fremmoede/")
    expect(lead.get_by_text(da("Attendance can be taken once the session has started."))).to_have_count(0)
    present = lead.get_by_label(doctor.name, exact=True)
    expect(present).not_to_be_checked()
    lead.get_by_role("button", name=da("Mark all present")).click()  # static/js/attendance.js
    expect(present).to_be_checked()
    lead.get_by_role("button", name=da("Record attendance")).click()
    lead.wait_for_url(f"**/aktiviteter/hold/{session.pk}/fremmoede/")
    expect(
        lead.get_by_role("status").filter(has_text=da("Attendance is recorded: %(count)s present.", count=1))
    ).to_be_visible()
    expect(lead.get_by_label(doctor.name, exact=True)).to_be_checked()
    registration.refresh_from_db()
    assert registration.attended is True and registration.attendance_by_id == leader.pk

    # --- (4) The practice sees its bar move: 2.5 of 10 hours, a quarter ------------------------------
    practice_page.goto(f"{base}{hours_path}")
    assert hours_now(practice_page) == Decimal("2.5")
    expect(progress(practice_page)).to_have_text("25 %")
    expect(progress(practice_page)).to_have_attribute(
        "aria-valuetext", da("%(done)s of %(target)s", done="2,5", target=danish_hours("10"))
    )
    expect(practice_page.get_by_text(da("%(left)s to go", left=danish_hours("7.5")))).to_be_visible()
    by_person = practice_page.get_by_role("table", name=da("Hours by person"), exact=True)
    expect(by_person.get_by_role("row").filter(has_text=doctor.name)).to_contain_text("2,5")
    practice_page.get_by_role("link", name=da("Past sign-ups and all claimed hours")).click()
    past = practice_page.get_by_role("table", name=da("Past sessions"), exact=True)
    expect(past.get_by_role("row").filter(has_text=TITLE)).to_contain_text(
        da("Attended (%(h)s)", h=danish_hours("2.5"))
    )
    practice_page.screenshot(path=str(tmp_path / "hours.png"), full_page=True)

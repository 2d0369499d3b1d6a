"""The activities' front of house in a real browser, at both viewports: "Afmeld" asks first and says
who gets the place; a claim rejected with a CPR number in the reason shows the CPR message at the
reason field. axe-core finds nothing on the new question page and on the claims page with its error."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from activities.models import HourClaim, Registration, RegistrationStatus
from ligepraksis.models import Role
from tests.activities.service_factories import make_activity, make_session, participate, provider
from tests.conftest import make_round, make_user
from tests.e2e.test_accessibility import axe_violations, describe, log_in_by_cookie
from tests.e2e.test_apply_to_accept import da

VIEWPORTS = [pytest.param({"width": 1366, "height": 900}, id="desktop"),
             pytest.param({"width": 390, "height": 844}, id="phone")]  # fmt: skip


@pytest.fixture
def world(region):
    round_obj = make_round(region, open_=False, name="Lige Praksis i Midt 2026")
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    participation, user = participate(round_obj, leader)
    activity = make_activity(round_obj, org=provider("VID"), title="Webinar om multisygdom", hours="2")
    return round_obj, leader, participation, user, activity


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_cancel_asks_first_and_the_place_goes_to_the_first_waiting(live_server, new_context, world, viewport):
    _round, _leader, participation, user, activity = world
    practice = participation.practice
    doctor = participation.application.doctor_coordinator
    staff = participation.application.staff_coordinator
    session = make_session(activity, capacity=1)
    reg = Registration.objects.create(
        session=session, person=doctor, practice=practice, status=RegistrationStatus.CONFIRMED
    )
    waiting = Registration.objects.create(
        session=session, person=staff, practice=practice, status=RegistrationStatus.WAITLISTED
    )
    context = new_context(viewport=viewport, bypass_csp=True)  # axe is injected as a script tag
    log_in_by_cookie(context, live_server.url, user)
    page = context.new_page()
    page.goto(f"{live_server.url}/praksis/{practice.pk}/timer/")
    upcoming = page.get_by_role("table", name=da("Upcoming sessions"), exact=True)
    upcoming.get_by_role(
        "link", name=re.compile(rf"^{re.escape(da('Cancel'))} {re.escape(doctor.name)}")
    ).click()
    page.wait_for_url(f"**/aktiviteter/tilmeldinger/{reg.pk}/afmeld/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        da("Cancel the registration of %(name)s?", name=doctor.name)
    )
    expect(page.get_by_text("Pladsen går til den første på ventelisten (1 person venter)")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED  # the question changed nothing

    page.get_by_role("button", name=da("Yes, cancel the registration")).click()
    page.wait_for_url(f"**/praksis/{practice.pk}/timer/")
    expect(page.get_by_text(da("The first on the waiting list got the place."))).to_be_visible()
    reg.refresh_from_db()
    waiting.refresh_from_db()
    assert (reg.status, waiting.status) == (RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_cpr_number_in_a_rejection_reason_is_shown_at_the_reason(live_server, new_context, world, viewport):
    round_obj, leader, participation, user, _activity = world
    claim = HourClaim.objects.create(
        round=round_obj,
        practice=participation.practice,
        person=participation.application.staff_coordinator,
        description="Kursus i Vejle",
        occurred_on=dt.date(round_obj.year, 5, 4),
        hours=Decimal("3"),
        submitted_by=user,
    )
    context = new_context(viewport=viewport, bypass_csp=True)
    log_in_by_cookie(context, live_server.url, leader)
    page = context.new_page()
    page.goto(f"{live_server.url}/runder/{round_obj.pk}/timer/")
    # One form for the queue: tick the claim, then one decision for all those ticked.
    page.get_by_role("checkbox", name=re.compile(re.escape(da("Include in the decision")))).check()
    page.get_by_label(da("Reject"), exact=True).check()
    page.get_by_label(re.compile(rf"^\s*{re.escape(da('Reason (required when rejecting)'))}")).fill(
        "Patienten 010190-1234 var ikke med"
    )
    page.get_by_role("button", name=da("Record decision")).click()
    reason_error = page.locator("#div_id_reason")
    expect(reason_error).to_contain_text("CPR-nummer")
    expect(page.get_by_text(da("Choose approve or reject."))).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    claim.refresh_from_db()
    assert claim.status == "pending"

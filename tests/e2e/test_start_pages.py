"""Each role's start page shows its next step, and the click leads to the right page; a provider takes
attendance for a session that started yesterday, starting from the start page; axe-core finds nothing
on the start pages and the my-activities page. At 1366x900 and on a 390x844 phone.

The data is made through the services (tests/activities/service_factories.py), as in the other
browser tests; the actors log in by a session cookie (test_accessibility.log_in_by_cookie), except the
provider on the desktop, who logs in through the login form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone, translation
from django.utils.translation import ngettext
from playwright.sync_api import Page, expect

from activities.models import ActivityKind, Registration, RegistrationStatus, Session
from applications import services as app_services
from applications.models import ApplicationStatus
from ligepraksis.models import ProgrammeRound, Role
from tests.activities.service_factories import (
    make_activity,
    make_person,
    make_session,
    participate,
    provider,
    provider_user,
)
from tests.conftest import make_application, make_round, make_user
from tests.e2e.test_accessibility import axe_violations, describe, log_in_by_cookie
from tests.e2e.test_apply_to_accept import da, log_in


def dan(singular: str, plural: str, n: int) -> str:
    """The Danish text of a plural message for the count `n`."""
    with translation.override("da"):
        return ngettext(singular, plural, n) % {"n": n}


VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@dataclass
class World:
    round: ProgrammeRound
    actors: dict
    expected: dict  # actor -> (card key, path the next step leads to)
    past_session: Session
    registration: Registration


@pytest.fixture
def world(region) -> World:
    today = timezone.localdate()
    round_obj = make_round(
        region,
        open_=False,
        places=10,
        name="Lige Praksis i Midt 2026",
        hour_window_start=today - dt.timedelta(days=30),
        hour_window_end=today + dt.timedelta(days=60),
    )
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    steering = make_user("folge@example.org", role=Role.STEERING, round=round_obj)
    participation, practice_user = participate(round_obj, leader)
    selected = make_application(round_obj, name="Lægehuset Udvalgt")
    app_services.application_decide(application=selected, user=leader, outcome=ApplicationStatus.SELECTED)
    make_application(round_obj, name="Lægehuset Afventer")  # a decision and a score to come

    startup = make_activity(round_obj, kind=ActivityKind.STARTUP, required=True, title="Opstartsmøde")
    startup_session = make_session(startup)
    org = provider("VID")
    provider_login = provider_user(org)
    webinar = make_activity(round_obj, org=org, title="Webinar om multisygdom")
    yesterday = timezone.now() - dt.timedelta(days=1)
    past = make_session(webinar, starts_at=yesterday, deadline_before=dt.timedelta(hours=2))
    registration = Registration.objects.create(
        session=past,
        person=make_person(participation.practice, name="Sygeplejerske Hansen"),
        practice=participation.practice,
        status=RegistrationStatus.CONFIRMED,
    )
    return World(
        round=round_obj,
        actors={
            "practice": practice_user,
            "selected": selected.created_by,
            "leader": leader,
            "steering": steering,
            "provider": provider_login,
        },
        expected={
            "practice": (
                f"practice-hours-{participation.pk}",
                f"/aktiviteter/hold/{startup_session.pk}/tilmeld/",
            ),
            "selected": ("practice-applications", f"/ansoegninger/{selected.pk}/accepter/"),
            "leader": (f"leader-applications-{round_obj.pk}", f"/runder/{round_obj.pk}/udvaelgelse/"),
            "steering": (
                f"steering-{round_obj.pk}",
                f"/ansoegninger/{_first_by_name(round_obj).pk}/vurdering/",
            ),
            "provider": ("provider", f"/aktiviteter/hold/{past.pk}/fremmoede/"),
        },
        past_session=past,
        registration=registration,
    )


def _first_by_name(round_obj):
    return round_obj.applications.exclude(status="draft").order_by("practice__name", "pk").first()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("actor", ["practice", "selected", "leader", "steering", "provider"])
def test_start_page_next_step_leads_to_its_page(live_server, new_context, world, actor, viewport):
    base = live_server.url
    context = new_context(viewport=VIEWPORTS[viewport])
    log_in_by_cookie(context, base, world.actors[actor])
    page = context.new_page()
    page.goto(f"{base}/")
    key, path = world.expected[actor]
    card = page.locator(f'[data-card="{key}"]')
    expect(card.get_by_role("heading")).to_be_visible()
    step = card.locator("[data-next-step]")
    expect(step).to_be_visible()
    step.click()
    page.wait_for_url(f"{base}{path}**")
    assert page.url.split("?")[0] == f"{base}{path}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_provider_takes_attendance_for_yesterdays_session_from_the_start_page(
    live_server, new_context, world, viewport
):
    base = live_server.url
    context = new_context(viewport=VIEWPORTS[viewport])
    if viewport == "desktop":  # the login form; on the phone by cookie (the menu with "Log ud" is folded)
        page: Page = context.new_page()
        log_in(page, base, world.actors["provider"].email, "/")
    else:
        log_in_by_cookie(context, base, world.actors["provider"])
        page = context.new_page()
        page.goto(f"{base}/")
    card = page.locator('[data-card="provider"]')
    # The item with the count leads to my activities, where yesterday's session waits.
    needing = card.get_by_role(
        "link", name=dan("%(n)s past session needs attendance", "%(n)s past sessions need attendance", 1)
    )
    expect(needing).to_be_visible()
    needing.click()
    page.wait_for_url(f"{base}/aktiviteter/mine/")
    row = page.locator('tr[data-row="my-session"][data-attendance="needed"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text(da("Attendance open, not taken"))
    row.get_by_role("link", name=da("Take attendance")).click()
    page.wait_for_url(f"{base}/aktiviteter/hold/{world.past_session.pk}/fremmoede/")
    page.get_by_label("Sygeplejerske Hansen").check()
    page.get_by_role("button", name=da("Record attendance")).click()
    page.wait_for_url(f"{base}/aktiviteter/hold/{world.past_session.pk}/fremmoede/")
    world.registration.refresh_from_db()
    assert world.registration.attended is True
    # Back on my activities the session reads as taken, and the start page has nothing left to take.
    page.goto(f"{base}/aktiviteter/mine/")
    expect(page.locator('tr[data-row="my-session"][data-attendance="taken"]')).to_have_count(1)
    expect(page.get_by_text(da("No session is waiting for attendance."))).to_be_visible()
    page.goto(f"{base}/")
    expect(page.locator('[data-card="provider"] [data-next-step]')).to_have_attribute(
        "href", "/aktiviteter/mine/"
    )


PAGES = [
    ("/", "practice"),
    ("/", "selected"),
    ("/", "leader"),
    ("/", "steering"),
    ("/", "provider"),
    ("/aktiviteter/mine/", "provider"),
    ("/aktiviteter/mine/", "leader"),
]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("path", "actor"), PAGES, ids=[f"{p.strip('/') or 'start'}-{a}" for p, a in PAGES])
def test_start_pages_and_my_activities_have_no_wcag_violations(
    live_server, new_context, world, path, actor, viewport
):
    base = live_server.url
    context = new_context(bypass_csp=True, viewport=VIEWPORTS[viewport])
    log_in_by_cookie(context, base, world.actors[actor])
    page = context.new_page()
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200
    assert "/login/" not in page.url
    violations = axe_violations(page)
    assert not violations, f"{path} as {actor}:\n{describe(violations)}"
    # Nothing scrolls sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]

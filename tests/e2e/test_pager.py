"""The pager in a real browser, at both viewports (issue 9: every list bounded): the catalogue shows a
page of sessions, the pager keeps the filters, marks the current page and leads to the rest; the claims
queue's one batch form decides the ticked claims on the page. axe-core finds nothing on either page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from activities.models import HourClaim, Session
from ligepraksis.models import Role
from ligepraksis.paging import PAGE_SIZE
from tests.activities.service_factories import make_activity, make_person, participate, provider
from tests.conftest import make_round, make_user
from tests.e2e.test_accessibility import axe_violations, describe, log_in_by_cookie
from tests.e2e.test_apply_to_accept import da

VIEWPORTS = [pytest.param({"width": 1366, "height": 900}, id="desktop"),
             pytest.param({"width": 390, "height": 844}, id="phone")]  # fmt: skip
EXTRA = 7


@pytest.fixture
def world(region):
    round_obj = make_round(region, open_=False, name="Lige Praksis i Midt 2026")
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    activity = make_activity(round_obj, org=provider("VID"), title="Webinar om multisygdom", hours="2")
    now = timezone.now()
    Session.objects.bulk_create(
        Session(
            activity=activity,
            starts_at=now + dt.timedelta(days=3, hours=i),
            ends_at=now + dt.timedelta(days=3, hours=i + 1),
            capacity=10,
            signup_deadline=now + dt.timedelta(days=2),
        )
        for i in range(PAGE_SIZE + EXTRA)
    )
    return round_obj, leader


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_catalogue_pager_leads_to_the_rest_and_keeps_the_filters(
    live_server, new_context, world, region, viewport
):
    context = new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/aktiviteter/?region={region.pk}")
    rows = page.locator('[data-row="session"]')
    expect(rows).to_have_count(PAGE_SIZE)
    pager = page.get_by_role("navigation", name=da("Pages of the catalogue"))
    expect(pager).to_contain_text(da("Showing %(first)s–%(last)s of %(total)s", first=1, last=PAGE_SIZE,
                                     total=PAGE_SIZE + EXTRA))  # fmt: skip
    expect(pager.locator('[aria-current="page"]')).to_contain_text("1")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    pager.get_by_role("link", name=re.compile(re.escape(da("Next")))).click()
    page.wait_for_url(re.compile(r"side=2"))
    assert f"region={region.pk}" in page.url
    expect(rows).to_have_count(EXTRA)
    expect(page.get_by_role("navigation", name=da("Pages of the catalogue")).locator('[aria-current="page"]')
           ).to_contain_text("2")  # fmt: skip


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_claims_queue_decides_the_ticked_claims_with_one_form(live_server, new_context, world, viewport):
    round_obj, leader = world
    participation, user = participate(round_obj, leader)
    person = make_person(participation.practice, name="Karin Kursist")
    claims = [
        HourClaim.objects.create(
            round=round_obj,
            practice=participation.practice,
            person=person,
            description=f"Kursus {i}",
            occurred_on=dt.date(round_obj.year, 5, 4 + i),
            hours=Decimal("2"),
            submitted_by=user,
        )
        for i in range(3)
    ]
    context = new_context(viewport=viewport, bypass_csp=True)
    log_in_by_cookie(context, live_server.url, leader)
    page = context.new_page()
    page.goto(f"{live_server.url}/runder/{round_obj.pk}/timer/")
    expect(page.locator("form[data-testid=claims-form]")).to_have_count(1)
    ticks = page.get_by_role("checkbox", name=re.compile(re.escape(da("Include in the decision"))))
    expect(ticks).to_have_count(3)
    # "Tick every claim on this page" (static/js/claims.js), then untick one.
    page.get_by_role("button", name=da("Tick every claim on this page")).click()
    for i in range(3):
        expect(ticks.nth(i)).to_be_checked()
    ticks.nth(1).uncheck()
    page.get_by_label(da("Approve"), exact=True).check()
    page.get_by_role("button", name=da("Record decision")).click()
    with translation.override("da"):
        approved = ngettext("%(n)s claim is approved.", "%(n)s claims are approved.", 2) % {"n": 2}
    expect(page.get_by_role("status").filter(has_text=approved)).to_be_visible()
    expect(page.locator('[data-row="claim"]')).to_have_count(1)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    statuses = {c.pk: HourClaim.objects.get(pk=c.pk).status for c in claims}
    assert sorted(statuses.values()) == ["approved", "approved", "pending"]

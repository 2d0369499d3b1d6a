"""The selection page in a real browser (issue 8): a change of decision is refused without a reason and
accepted with one, after a confirmation page that says what will happen and who gets mail; the decision
column is in view at 1366 px without scrolling sideways; the confirmation page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from applications import services
from applications.forms import DecisionForm
from applications.models import Application, ApplicationStatus
from ligepraksis.models import Role
from tests.conftest import make_application, make_round, make_user
from tests.e2e.test_accessibility import axe_violations, describe, log_in_by_cookie
from tests.e2e.test_apply_to_accept import da, label

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_selection_page_refuses_a_changed_decision_without_a_reason(
    live_server, new_context, region, viewport
):
    base = live_server.url
    round_obj = make_round(region, open_=False, places=3)
    leader = make_user("leder.e2e@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    chosen = make_application(round_obj, name="Lægehuset Skovbrynet")
    make_application(round_obj, name="Lægerne i Havnegade")
    services.application_decide(application=chosen, user=leader, outcome=ApplicationStatus.SELECTED)

    context = new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)  # bypass only for axe's <script>
    log_in_by_cookie(context, base, leader)
    page = context.new_page()
    selection_path = f"/runder/{round_obj.pk}/udvaelgelse/"
    page.goto(f"{base}{selection_path}")

    row = page.get_by_test_id("selection-table").get_by_role("row").filter(has_text="Lægehuset Skovbrynet")
    choice = row.get_by_label(da("Decision for %(p)s", p="Lægehuset Skovbrynet"))
    expect(choice).to_have_value("")  # no decision chosen in advance
    if viewport == "desktop":
        # The decision column is in view without scrolling sideways.
        box = choice.bounding_box()
        button = row.get_by_role("button", name=da("Decide …")).bounding_box()
        assert box and button and button["x"] + button["width"] <= VIEWPORTS["desktop"]["width"], (
            box,
            button,
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["desktop"]["width"]
    choice.select_option("waitlisted")
    row.get_by_role("button", name=da("Decide …")).click()

    # The confirmation page: what will happen and who gets mail; nothing has changed yet.
    recipients = page.get_by_test_id("decision-recipients")
    for email in (chosen.created_by.email, chosen.doctor_email, chosen.staff_email):
        expect(recipients).to_contain_text(email)
    expect(page.get_by_text(da("This decision needs a reason."))).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    chosen.refresh_from_db()
    assert chosen.status == ApplicationStatus.SELECTED

    confirm = page.get_by_role("button", name=da("Confirm: %(to)s", to=da("On the waiting list")))
    confirm.click()  # without a reason: refused, beside the field
    reason = page.get_by_label(label(DecisionForm, "reason"))
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("decision-confirm")).to_contain_text(
        da(
            "Give a reason: a rejection or a changed decision is explained to the practice "
            "(the reason is e-mailed to it and shown in its history)."
        )
    )
    chosen.refresh_from_db()
    assert chosen.status == ApplicationStatus.SELECTED

    reason.fill("Pladsen går til en praksis i et område uden deltagere")
    page.get_by_role("button", name=da("Confirm: %(to)s", to=da("On the waiting list"))).click()
    page.wait_for_url(f"**{selection_path}")
    expect(
        page.get_by_text(da("The decision is recorded and the practice informed by e-mail."))
    ).to_be_visible()
    chosen = Application.objects.get(pk=chosen.pk)
    assert chosen.status == ApplicationStatus.WAITLISTED
    assert chosen.events.last().reason == "Pladsen går til en praksis i et område uden deltagere"

"""From attended hours to a paid instalment, in a real browser, as the practice, a project leader and
the KEU secretariat.

Set up through the services: the practice's two coordinators attend the start-up meeting and a
webinar (the activities ledger), the round's 2026 rates and paid items, and the progress milestones
brought up to date from that data (the start-up meeting closes the 1st instalment's milestone). Then:
the practice sees what it has earned and its 1st instalment payable; a leader approves it on the
practice's money page; the KEU secretariat ticks it on the payment list and records the batch's
reference; the practice sees it paid. Texts are looked up in Danish, as in test_apply_to_accept.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from activities.models import ActivityKind
from finance.models import InstalmentStatus, ParticipationInstalment
from finance.services import instalments as instalment_services
from ligepraksis.models import Role
from progress.services.milestones import milestones_ensure, milestones_refresh
from tests.activities.service_factories import make_activity
from tests.activities.test_hours import at, held
from tests.conftest import make_round, make_user
from tests.e2e.test_apply_to_accept import da, log_in
from tests.finance.factories import paying_participation

REFERENCE = "KEU-2026-0042"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_attended_hours_become_a_paid_instalment(live_server, new_context, region):
    base = live_server.url
    round_obj = make_round(region, open_=False, name="Lige Praksis i Midt 2026")
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    keu = make_user("keu@example.org", role=Role.KEU, region=region)
    participation, practice_user = paying_participation(round_obj, leader)
    practice = participation.practice
    app = participation.application
    coordinators = [app.doctor_coordinator, app.staff_coordinator]
    startup = make_activity(
        round_obj, title="Opstartsmøde", kind=ActivityKind.STARTUP, hours="3", required=True
    )
    held(startup, at(2026, 1, 20), practice_user, practice, leader, present=coordinators)
    webinar = make_activity(round_obj, title="Webinar om multisygdom", hours="4")
    held(webinar, at(2026, 3, 10), practice_user, practice, leader, present=coordinators)
    instalment_services.instalments_ensure(round_obj=round_obj)
    milestones_ensure(participations=[participation])
    milestones_refresh(participations=[participation])
    money_path = f"/penge/deltagelse/{participation.pk}/"
    earned = "12.086,80 kr."  # 1,5 h x 2 coordinators + 4 h x 2, at 1.098,80 kr.

    # --- (1) The practice: earned so far, the 1st instalment payable --------------------------------
    own = new_context().new_page()
    log_in(own, base, practice_user.email, money_path)
    expect(own.get_by_test_id("total")).to_have_text(earned)
    table = own.get_by_test_id("instalments")
    first_row = table.get_by_role("row").filter(has_text=da("1st instalment"))
    expect(first_row).to_have_attribute("data-state", "payable")
    expect(own.get_by_role("button", name=da("Record decision"))).to_have_count(0)

    # --- (2) A project leader approves it on the practice's money page ------------------------------
    lead = new_context().new_page()
    log_in(lead, base, leader.email, money_path)
    row = lead.get_by_test_id("instalments").get_by_role("row").filter(has_text=da("1st instalment"))
    row.get_by_label(da("Decision")).select_option(label=da("Approve"))
    row.get_by_role("button", name=da("Record decision")).click()
    lead.wait_for_url(f"**{money_path}")
    expect(
        lead.get_by_role("status").filter(
            has_text=da("The instalment is approved: %(amount)s.", amount=earned)
        )
    ).to_be_visible()

    # --- (3) The KEU secretariat pays it from the payment list --------------------------------------
    sec = new_context().new_page()
    payments_path = f"/runder/{round_obj.pk}/betalinger/"
    log_in(sec, base, keu.email, payments_path)
    payment_row = sec.get_by_test_id("payments").get_by_role("row").filter(has_text=practice.name)
    expect(payment_row).to_contain_text(practice.cvr)
    expect(payment_row).to_contain_text(earned)
    sec.get_by_label(f"{practice.name} · {da('1st instalment')}").check()
    sec.get_by_label(da("Payment reference")).fill(REFERENCE)
    sec.get_by_label(da("Paid on")).fill("01.09.2026")
    sec.get_by_role("button", name=da("Record payment")).click()
    sec.wait_for_url(f"**{payments_path}")
    expect(sec.get_by_test_id("batches")).to_contain_text(REFERENCE)
    expect(sec.get_by_text(da("No approved instalment is waiting for payment."))).to_be_visible()

    # --- (4) The practice sees it paid, with the reference ------------------------------------------
    own.goto(f"{base}{money_path}")
    first_row = own.get_by_test_id("instalments").get_by_role("row").filter(has_text=da("1st instalment"))
    expect(first_row).to_have_attribute("data-state", "paid")
    expect(first_row).to_contain_text(REFERENCE)
    row_obj = ParticipationInstalment.objects.get(participation=participation, instalment__number=1)
    assert row_obj.status == InstalmentStatus.PAID and str(row_obj.amount) == "12086.80"

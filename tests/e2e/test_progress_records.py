"""A practice records its clinic module and a PDSA cycle of its own intervention in a real browser,
and the project leaders' matrix shows the milestones done (status reports come with their topic).

The practice is selected and accepted through the services; the texts and labels are looked up in
Danish through Django's translation machinery, as in test_apply_to_accept.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from ligepraksis import formatting
from ligepraksis.models import Role
from progress.forms.records import ClinicModuleForm, InterventionForm, PdsaCycleForm
from progress.models import MilestoneState, PatientGroup
from tests.activities.service_factories import participate
from tests.conftest import make_round, make_user
from tests.e2e.test_apply_to_accept import da, label, log_in


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_practice_records_and_the_leaders_matrix_shows_it(live_server, new_context, region):
    base = live_server.url
    # The editable list's first rows come from a data migration, which a transactional test before
    # this one may have flushed away.
    PatientGroup.objects.get_or_create(name="Socialt udsatte borgere")
    round_obj = make_round(region, open_=False, name="Lige Praksis i Midt 2026")
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    participation, practice_user = participate(
        round_obj, leader, accepted_at=timezone.now() - dt.timedelta(days=30)
    )
    today = timezone.localdate().strftime("%d.%m.%Y")
    progress_path = f"/fremdrift/{participation.pk}/"

    page = new_context().new_page()
    log_in(page, base, practice_user.email, progress_path)

    # --- The clinic module ----------------------------------------------------------------------------
    page.get_by_role("link", name=da("Clinic module"), exact=True).click()
    page.get_by_label(label(ClinicModuleForm, "held_on")).fill(today)
    page.get_by_label(label(ClinicModuleForm, "doctors")).fill("2")
    page.get_by_label(label(ClinicModuleForm, "staff")).fill("6")
    page.get_by_label(label(ClinicModuleForm, "patient_group"), exact=False).first.select_option(index=1)
    page.get_by_label(label(ClinicModuleForm, "challenges")).fill("Mange udeblivelser fra årskontrollen")
    page.get_by_role("button", name=da("Save")).click()
    page.wait_for_url(f"**{progress_path}")
    expect(page.get_by_text(da("The clinic module is saved."))).to_be_visible()

    # --- The own intervention and a PDSA cycle --------------------------------------------------------
    page.get_by_role("link", name=da("Own intervention and PDSA cycles")).click()
    page.get_by_label(label(InterventionForm, "aims")).fill("Færre udeblivelser blandt sårbare patienter")
    page.get_by_role("button", name=da("Save")).click()
    expect(page.get_by_text(da("The own intervention is saved."))).to_be_visible()
    page.get_by_role("link", name=da("New PDSA cycle")).click()
    page.get_by_label(label(PdsaCycleForm, "plan_on")).fill(today)
    page.get_by_label(label(PdsaCycleForm, "plan")).fill("Ring til dem, der udebliver")
    page.get_by_role("button", name=da("Save")).click()
    expect(page.get_by_text(da("The PDSA cycle is saved."))).to_be_visible()

    # --- The leaders' matrix --------------------------------------------------------------------------
    leader_page = new_context().new_page()
    log_in(leader_page, base, leader.email, f"/runder/{round_obj.pk}/fremdrift/")
    row = leader_page.locator('tr[data-row="participation"]', has_text=participation.practice.name)
    expect(row).to_have_count(1)
    done = row.locator(f'[data-state="{MilestoneState.DONE}"]')
    expect(done).to_have_count(2)  # the clinic module held, the own intervention under way
    expect(done.first).to_have_text(da(MilestoneState.DONE.label))
    # One click from the cell to the evidence.
    done.first.click()
    with translation.override("da"):
        held = formatting.day(timezone.localdate())
    expect(leader_page.get_by_test_id("evidence")).to_contain_text(
        da("Clinic module held %(day)s.", day=held)
    )

"""Issue 12 in a real browser: a practice's coordinator answers the questionnaire through the personal
link (nobody logged in), then a project leader asks for the KEU status report on the round's reports
page, waits on the job page until it is ready, and downloads a PDF with the round's name.

Tasks run in process in the tests (the autouse `_tasks_in_process` fixture), so the report is made when
the request's transaction commits; the job page is the core's (it refreshes itself while waiting)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from evaluation.models import Invitation, Response
from evaluation.services.questionnaires import questionnaire_send
from ligepraksis.models import FileJob, FileJobStatus, Role
from tests.conftest import make_round, make_user
from tests.e2e.test_apply_to_accept import da, log_in
from tests.evaluation.factories import participate, questionnaire, questions, token


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_answer_a_questionnaire_then_request_wait_for_and_download_the_keu_report(
    live_server, new_context, region, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    round_obj = make_round(region, open_=False, name="Lige Praksis i Testby 2026")
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)
    evaluator = make_user("evaluator@example.org", role=Role.EVALUATOR, round=round_obj)
    participate(round_obj)
    q = questionnaire(round_obj, evaluator, anonymous=False, title="Før forløbet")
    questionnaire_send(user=evaluator, questionnaire=q)
    invitation = Invitation.objects.filter(questionnaire=q).order_by("pk").first()
    likert, choice, number, text = questions(q)

    # --- The coordinator answers through the personal link ---------------------------------------------
    page = new_context().new_page()
    page.goto(base + reverse("evaluation:answer", args=[q.pk, token(invitation)]))
    page.locator(f'input[name="q{likert.pk}"][value="4"]').check()
    page.locator(f'input[name="q{choice.pk}"][value="1"]').check()
    page.locator(f'input[name="q{number.pk}"]').fill("12")
    page.locator(f'textarea[name="q{text.pk}"]').fill("Travlt i efteråret")
    page.get_by_role("button", name=da("Send my answer")).click()
    expect(page.get_by_role("button", name=da("Send my answer"))).to_have_count(0)
    assert Response.objects.filter(questionnaire=q).count() == 1

    # --- The leader asks for the KEU status report and waits for it -------------------------------------
    leader_page = new_context(accept_downloads=True).new_page()
    reports_path = reverse("evaluation:reports", args=[round_obj.pk])
    log_in(leader_page, base, leader.email, reports_path)
    leader_page.get_by_role("button", name=da("Make the KEU status report")).click()
    leader_page.wait_for_url("**/filer/*/")
    download_link = leader_page.get_by_role("link", name=da("Download the file"))
    expect(download_link).to_be_visible(timeout=30_000)  # the page refreshes itself while waiting
    job = FileJob.objects.get(kind="evaluation.keu_report")
    assert job.status == FileJobStatus.DONE

    with leader_page.expect_download() as info:
        download_link.click()
    path = info.value.path()
    with open(path, "rb") as f:
        pdf = f.read()
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert round_obj.name in text
    assert info.value.suggested_filename.endswith(".pdf")

    # The round's reports page lists it as ready, with its download.
    leader_page.goto(base + reports_path)
    row = leader_page.locator('tr[data-row="report"]').first
    expect(row.locator('[data-status="done"]')).to_be_visible()

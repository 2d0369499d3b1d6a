"""Issue 12, the report worker: the KEU status report, the report note and the postcards as PDFs on the
core's row with a status (evaluation/services/reports.py), on the demo data.

- the renderers are pure functions: the PDF's text holds the figures of the finance and progress
  selectors (the finance page's own `budget()` call; the dashboard's overdue rule; the hours ledger);
- PDF/UA: a document language, a title, and a text alternative (/Alt) for every chart;
- the aggregate-only variant: no practice's name, and every figure over fewer than 3 practices reads
  "under 3" (one rule, `masked`);
- nothing that must stay private reaches a PDF: interview notes, an evaluation without consent, a
  withdrawn postcard, free-text answers (markers searched in the PDFs' text);
- a failing render fails the row with its error and the retry makes it on the same row; a worker that
  dies mid-render leaves a lease the retry task takes, and the report is made once;
- who may ask for, list and download reports (leaders, KEU of the region, evaluators, the steering
  group reads finished ones; everyone else 404).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from activities import selectors as activity_selectors
from applications.models import PLACE_HOLDING, Application, ApplicationStatus, Participation
from evaluation.models import Answer, Interview, PracticeEvaluation, Question, QuestionKind, Response
from evaluation.services import reports
from finance.selectors.budget import budget
from ligepraksis import filejobs, formatting, tasks
from ligepraksis.models import FileJob, FileJobStatus, ProgrammeRound
from ligepraksis.money import format_kr
from ligepraksis.registry import registry
from progress.selectors.milestones import overdue_by_round
from tests.helpers import body, login

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 1)
PUBLISHED = "POSTKORTKENDEMAERKE"  # a published evaluation: must appear in the note and the postcards
LEAKS = {
    "interview": "INTERVIEWHEMMELIGHED",
    "no consent": "UDENSAMTYKKEMAERKE",
    "withdrawn": "TRUKKETTILBAGEMAERKE",
    "free text": "FRITEKSTSVARMAERKE",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rnd(demo_db):
    return ProgrammeRound.objects.select_related("region").get(name="Lige Praksis i Midt 2026")


def _user(email):
    from ligepraksis.models import User

    return User.objects.get(email=email)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _figure_alts(pdf: bytes) -> list[str]:
    """The /Alt of every /Figure in the tagged PDF's structure tree."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    stack, alts = [root["/StructTreeRoot"]], []
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                stack.append(node["/K"])
    return alts


def _keu(rnd, aggregate=False) -> bytes:
    with translation.override("da"):
        return reports.render_keu_report(rnd, AS_OF, aggregate)


@pytest.fixture
def sharing(rnd):
    """A published evaluation, one without consent, a withdrawn one, interview notes and a free-text
    answer, each with its marker."""
    parts = list(Participation.objects.filter(round=rnd).select_related("practice").order_by("pk"))
    now = timezone.now()
    # The demo writes evaluations of its own: these three replace theirs whole.
    blank = dict.fromkeys(
        ("example", "what_worked", "what_did_not", "learning_points", "recommendations"), ""
    ) | {"consent_given_at": None, "consent_withdrawn_at": None}
    for participation, fields in (
        (
            parts[0],
            {
                "example": f"Vores eksempel {PUBLISHED}",
                "learning_points": f"Læring {PUBLISHED}",
                "recommendations": "Brug korte PDSA-cykler.",
                "consent_given_at": now,
            },
        ),
        (parts[1], {"what_worked": LEAKS["no consent"], "learning_points": LEAKS["no consent"]}),
        (
            parts[2],
            {
                "example": LEAKS["withdrawn"],
                "learning_points": LEAKS["withdrawn"],
                "consent_given_at": now - dt.timedelta(days=3),
                "consent_withdrawn_at": now,
            },
        ),
    ):
        PracticeEvaluation.objects.update_or_create(participation=participation, defaults=blank | fields)
    Interview.objects.create(participation=parts[0], scheduled_at=now, notes=LEAKS["interview"])
    question = Question.objects.filter(questionnaire__round=rnd, kind=QuestionKind.TEXT).first()
    assert question is not None, "the demo has a free-text question"
    response = Response.objects.filter(questionnaire=question.questionnaire).first()
    Answer.objects.update_or_create(
        response=response, question=question, defaults={"text": LEAKS["free text"]}
    )
    return parts


# --- The KEU status report ------------------------------------------------------------------------


def test_the_keu_report_has_the_finance_pages_budget_figures(rnd):
    text = _keu(rnd)
    figures = budget(rnd, today=AS_OF)  # the call of the finance budget page
    assert figures.lines
    for line in [*figures.lines, figures.total]:
        for amount in (line.granted, line.committed, line.paid, line.remaining):
            assert format_kr(amount) in _text(text), (line.name, amount)
    page_text = _text(text)
    for line in figures.lines:
        row = f"{line.name} " if not line.line.honoraria else f"{line.name} ("
        assert row in page_text
        # the line's four figures in order after its name (the table row)
        after = page_text.split(line.name, 1)[1]
        expected = " ".join(format_kr(x) for x in (line.granted, line.committed, line.paid, line.remaining))
        assert expected in after[:200], (line.name, after[:200])


def test_the_keu_report_has_the_progress_and_applications_figures(rnd):
    with translation.override("da"):  # as the worker renders (Danish figures: 45,5)
        _progress_and_applications_figures(rnd)


def _progress_and_applications_figures(rnd):
    ctx = reports.build_keu_report_context(rnd, AS_OF, aggregate=False)
    received = Application.objects.filter(round=rnd).exclude(status=ApplicationStatus.DRAFT).count()
    selected = Application.objects.filter(round=rnd, status__in=PLACE_HOLDING).count()
    assert (ctx.received, ctx.selected) == (received, selected) and received > selected > 0
    assert ctx.overdue["milestones"] == overdue_by_round([rnd.pk], today=AS_OF)[rnd.pk] > 0
    ledgers = activity_selectors.ledgers(Participation.objects.filter(round=rnd).active())
    hours = sum((lg.total for lg in ledgers), start=0)
    assert ctx.hours["total"] == formatting.hours(hours)
    text = _keu(rnd)
    page = _text(text)
    assert f"{ctx.received} {ctx.selected}" in page
    assert ctx.hours["total"] in page
    for lg in ledgers:  # every practice with its hours against its target
        assert lg.participation.practice.name in page
        assert f"{formatting.hours(lg.total)} / {formatting.hours(lg.target)}" in page
    assert rnd.name in page


def test_the_pdf_is_tagged_with_language_title_and_a_text_alternative_for_every_chart(rnd):
    pdf = _keu(rnd)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "da"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert rnd.name in reader.metadata.title
    ctx = reports.build_keu_report_context(rnd, AS_OF, aggregate=False)
    alts = _figure_alts(pdf)
    assert len(ctx.charts) == 2 and len(alts) == len(ctx.charts)
    assert all(a.strip() for a in alts)
    assert any(format_kr(budget(rnd, today=AS_OF).lines[0].granted) in a for a in alts)
    html = reports.render_keu_report_html(ctx)
    assert html.count("<img") == html.count(' alt="') == 2


# --- The aggregate-only variant --------------------------------------------------------------------


def test_masked_is_the_one_rule_for_fewer_than_three_practices():
    with translation.override("da"):
        assert [reports.masked(n, n) for n in (0, 1, 2, 3, 12)] == ["under 3", "under 3", "under 3", 3, 12]
        assert reports.masked("1.000,00 kr.", 2) == "under 3"
        assert reports.masked(1, 1, aggregate=False) == 1  # the full variant shows it


def test_the_aggregate_report_shows_no_practice_and_no_figure_over_fewer_than_three(rnd):
    ctx = reports.build_keu_report_context(rnd, AS_OF, aggregate=True)
    assert ctx.practices == []
    cells = [c for rows in ctx.spread.values() for c in rows]
    assert cells and any(c.selected == "under 3" for c in cells)
    for c in cells:
        for value in (c.received, c.selected):
            assert value == "under 3" or value >= 3, c
    for a in ctx.activities:
        assert a["practices"] == "under 3" or a["practices"] >= 3
        if a["practices"] == "under 3":
            assert a["participants"] == "under 3"
    for t in ctx.milestone_totals:
        assert all(v == "under 3" or v >= 3 for v in (t["done"], t["overdue"]))
    page = _text(_keu(rnd, aggregate=True))
    assert "under 3" in page
    for name in Participation.objects.filter(round=rnd).values_list("practice__name", flat=True):
        assert name not in page
    # a group of one selected practice (the spread's "Midt" area in the demo) is not told
    one = [c for c in ctx.spread["area"] if c.selected == "under 3"]
    assert one
    full = {c.label: c for c in reports.build_keu_report_context(rnd, AS_OF, aggregate=False).spread["area"]}
    assert all(full[c.label].selected < 3 for c in one)
    assert reports.build_keu_report_context(rnd, AS_OF, aggregate=True).charts  # the budget chart only
    assert len(_figure_alts(_keu(rnd, aggregate=True))) == 1


# --- Report note and postcards ---------------------------------------------------------------------


def test_the_report_note_has_the_questionnaire_results_and_the_consenting_practice(rnd, sharing):
    with translation.override("da"):
        pdf = reports.render_report_note(rnd)
    page = _text(pdf)
    ctx = reports.build_report_note_context(rnd)
    assert ctx.before is not None and ctx.questions
    assert f"{ctx.before.invited}" in page and f"{ctx.before.responses}" in page
    assert PUBLISHED in page and sharing[0].practice.name in page
    assert "Brug korte PDSA-cykler." in page
    charts = [q["chart"] for q in ctx.questions if q["chart"]]
    assert charts and len(_figure_alts(pdf)) == len(charts)
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "da"


def test_postcards_are_a6_one_page_per_consenting_practice(rnd, sharing):
    with translation.override("da"):
        pdf = reports.render_postcards(rnd)
        one = reports.render_postcards(rnd, sharing[0].pk)
        none = reports.render_postcards(rnd, sharing[1].pk)  # no consent: no card
    from evaluation.selectors.sharing import published_postcards

    published = published_postcards(rnd.pk).count()
    assert published >= 1
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == published  # one page per published evaluation
    assert len(PdfReader(io.BytesIO(one)).pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (298, 420)  # A6 in points
    assert PUBLISHED in _text(pdf) and PUBLISHED in _text(one)
    assert PUBLISHED not in _text(none)
    PracticeEvaluation.objects.filter(participation=sharing[2]).update(consent_withdrawn_at=None)
    with translation.override("da"):
        assert len(PdfReader(io.BytesIO(reports.render_postcards(rnd))).pages) == published + 1


def test_no_interview_note_unconsented_or_withdrawn_evaluation_or_free_text_reaches_a_pdf(rnd, sharing):
    with translation.override("da"):
        pdfs = {
            "keu full": reports.render_keu_report(rnd, AS_OF, False),
            "keu aggregate": reports.render_keu_report(rnd, AS_OF, True),
            "note": reports.render_report_note(rnd),
            "postcards": reports.render_postcards(rnd),
            "postcard withdrawn": reports.render_postcards(rnd, sharing[2].pk),
        }
    texts = {name: _text(pdf) for name, pdf in pdfs.items()}
    assert PUBLISHED in texts["note"] and PUBLISHED in texts["postcards"]  # the search finds what is there
    for name, text in texts.items():
        for what, marker in LEAKS.items():
            assert marker not in text, (name, what)


# --- The worker: the file kinds, retry, a worker that dies ------------------------------------------


def _request(rnd, user, kind=reports.KEU_REPORT, **kw) -> FileJob:
    return reports.report_request(user=user, kind=kind, round_obj=rnd, **kw)


def test_report_kinds_are_registered_and_kept(rnd):
    for kind in reports.KINDS:
        assert registry.file_kinds[kind].render is not None and registry.file_kinds[kind].keep
    leader = _user("leder@demo.dk")
    job = _request(rnd, leader, as_of=AS_OF)
    assert filejobs.run(job.pk)
    FileJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    filejobs.expired_delete()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE and job.file


def test_a_report_that_fails_once_is_made_by_the_retry_on_the_same_row(
    rnd, client, monkeypatch, django_capture_on_commit_callbacks
):
    leader = _user("leder@demo.dk")
    real = reports.build_keu_report_context
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "build_keu_report_context", flaky)
    job = _request(rnd, leader, as_of=AS_OF)
    assert filejobs.run(job.pk) is False
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and "the database went away" in job.error
    login(client, leader)
    page = client.get(reverse("evaluation:reports", args=[rnd.pk])).content.decode()
    assert "the database went away" in page and reverse("evaluation:report_retry", args=[job.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:report_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error, len(calls)) == (FileJobStatus.DONE, "", 2)
    first = job.file.name
    # Made again: the new file replaces the old one on the same row.
    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.FAILED, error="x")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation:report_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE and FileJob.objects.filter(kind=reports.KEU_REPORT).count() == 1
    from django.core.files.storage import default_storage

    assert default_storage.exists(job.file.name)
    assert job.file.name == first or not default_storage.exists(first)
    pdf = body(client.get(reverse("file_job_download", args=[job.pk])))
    assert pdf.startswith(b"%PDF") and rnd.name in _text(pdf)


def test_a_report_whose_worker_died_mid_render_is_made_once_after_the_lease(rnd):
    leader = _user("leder@demo.dk")
    job = _request(rnd, leader, kind=reports.REPORT_NOTE)
    now = timezone.now()
    assert filejobs.claim(job.pk, now=now)  # the worker is killed here, mid-render
    assert filejobs.run(job.pk, now=now + dt.timedelta(seconds=30)) is False  # redelivered: lease live
    later = now + filejobs.lease() + dt.timedelta(seconds=1)
    assert job.pk in filejobs.due_ids(now=later)
    # Only this job is due (the demo's decision letters wait in the queue of the open transaction).
    FileJob.objects.exclude(pk=job.pk).delete()
    FileJob.objects.filter(pk=job.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.file_job_retry() == 1  # the beat task queues it; the task runs in process here
    job.refresh_from_db()
    assert (job.status, job.attempts) == (FileJobStatus.DONE, 2)
    assert filejobs.run(job.pk) is False  # made once: another delivery does nothing
    assert _text(job.file.read()).count(rnd.name) >= 1


# --- Pages and access ------------------------------------------------------------------------------


def test_who_may_ask_for_read_and_download_reports(rnd, client, django_capture_on_commit_callbacks):
    leader, keu, evaluator = _user("leder@demo.dk"), _user("keu@demo.dk"), _user("evaluator@demo.dk")
    steering, practice = _user("folgegruppe1@demo.dk"), _user("praksis@demo.dk")
    page = reverse("evaluation:reports", args=[rnd.pk])
    keu_url = reverse("evaluation:report_request", args=[rnd.pk, reports.KEU_REPORT])
    note_url = reverse("evaluation:report_request", args=[rnd.pk, reports.REPORT_NOTE])
    cards_url = reverse("evaluation:report_request", args=[rnd.pk, reports.POSTCARDS])
    form = {"as_of": "01.12.2026", "variant": "aggregate"}
    with django_capture_on_commit_callbacks(execute=True):
        assert login(client, keu).post(keu_url, form).status_code == 302  # the region's KEU secretariat
    job = FileJob.objects.get(kind=reports.KEU_REPORT)
    assert job.params == {"round": rnd.pk, "language": "da", "as_of": "2026-12-01", "variant": "aggregate"}
    assert job.status == FileJobStatus.DONE
    assert client.post(note_url).status_code == 404  # KEU asks for the KEU report only
    with django_capture_on_commit_callbacks(execute=True):
        assert login(client, evaluator).post(note_url).status_code == 302
        assert client.post(cards_url, {"participation": ""}).status_code == 302
    assert client.post(keu_url, form).status_code == 404  # an evaluator does not ask for KEU's report
    assert client.get(reverse("file_job_download", args=[job.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            login(client, leader).post(keu_url, {"as_of": "2026-11-30", "variant": "full"}).status_code == 302
        )
    assert client.post(keu_url, {"as_of": "not a date", "variant": "full"}).status_code == 302
    assert FileJob.objects.filter(kind=reports.KEU_REPORT).count() == 2  # the bad date made nothing
    assert (
        client.post(reverse("evaluation:report_request", args=[rnd.pk, "ligepraksis.other"])).status_code
        == 404
    )
    # The steering group reads the finished reports: list and download, nothing to ask for.
    queued = _request(rnd, leader, as_of=AS_OF)
    login(client, steering)
    listing = client.get(page)
    assert listing.status_code == 200
    content = listing.content.decode()
    assert reverse("file_job_download", args=[job.pk]) in content
    assert reverse("file_job", args=[queued.pk]) not in content and keu_url not in content
    assert client.get(reverse("file_job_download", args=[job.pk])).status_code == 200
    assert client.post(keu_url, form).status_code == 404
    assert client.post(reverse("evaluation:report_retry", args=[job.pk])).status_code == 404
    # Everyone else: 404.
    for user in (practice,):
        login(client, user)
        assert client.get(page).status_code == 404
        assert client.get(reverse("file_job_download", args=[job.pk])).status_code == 404
        assert client.post(keu_url, form).status_code == 404
    other = ProgrammeRound.objects.exclude(pk=rnd.pk).exclude(region=rnd.region).first()
    if other is not None:
        login(client, keu)
        assert client.get(reverse("evaluation:reports", args=[other.pk])).status_code == 404


def test_the_reports_list_is_paged(rnd, client):
    leader = _user("leder@demo.dk")
    for _ in range(23):
        _request(rnd, leader, kind=reports.REPORT_NOTE)
    login(client, leader)
    first = client.get(reverse("evaluation:reports", args=[rnd.pk])).content.decode()
    second = client.get(reverse("evaluation:reports", args=[rnd.pk]) + "?side=2").content.decode()
    assert first.count('data-row="report"') == 20 and second.count('data-row="report"') == 3


def test_sums_of_the_budget_are_the_databases(rnd):
    """The report takes the finance selector's figures as they are (no sum of its own)."""
    ctx = reports.build_keu_report_context(rnd, AS_OF, aggregate=False)
    from finance.models import BudgetLine

    granted = BudgetLine.objects.filter(round=rnd).aggregate(s=Sum("granted"))["s"]
    assert ctx.budget_total["granted"] == format_kr(granted)

"""The decision letter and the accepted terms as PDFs (issue 12): pure renderers through the core's PDF
helper, a kept file job written with the decision, a mail that links to the letter's stable address
and is written before anything is rendered, and the address for the practice and the round's leaders
only."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from applications import letters, services
from applications.models import ApplicationEvent, ApplicationStatus, Participation
from ligepraksis import filejobs
from ligepraksis.models import FileJob, FileJobStatus, OutboxMessage, Role
from ligepraksis.registry import registry
from tests.conftest import make_application, make_round, make_user
from tests.helpers import body, login

try:  # WeasyPrint loads Pango when imported
    import weasyprint  # noqa: F401

    HAS_PANGO = True
except OSError:  # pragma: no cover - a machine without Pango
    HAS_PANGO = False

needs_pango = pytest.mark.skipif(not HAS_PANGO, reason="WeasyPrint needs Pango")
EVIL = 'Lægehuset <img src="file:///etc/passwd">'


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _decide(app, leader, outcome=ApplicationStatus.SELECTED, reason=""):
    services.application_decide(application=app, user=leader, outcome=outcome, reason=reason)
    return app.events.filter(kind=ApplicationEvent.Kind.DECISION).latest("pk")


def _letter_jobs(app, kind=letters.DECISION_LETTER):
    return FileJob.objects.filter(kind=kind, params__application=app.pk)


# --- The pure renderers ----------------------------------------------------------------------------------


@needs_pango
@pytest.mark.django_db
def test_the_decision_letter_names_the_round_the_practice_the_decision_and_the_reason(closed_round, leader):
    app = make_application(closed_round)
    event = _decide(app, leader, ApplicationStatus.REJECTED, reason="For mange ansøgere i området.")
    with translation.override("en"):
        text = _text(letters.decision_letter_pdf(app, event))
    practice = app.practice
    assert practice.name in text and closed_round.name in text
    assert "was not selected for" in text
    assert "For mange ansøgere i området." in text
    assert practice.cvr in text
    assert all(p.number in text for p in practice.provider_numbers.all())
    assert "Accept the participation terms" not in text  # what happens next fits the decision


@needs_pango
@pytest.mark.django_db
def test_a_selection_letter_says_selected_and_what_to_do_next(closed_round, leader):
    app = make_application(closed_round)
    event = _decide(app, leader)
    with translation.override("en"):
        text = _text(letters.decision_letter_pdf(app, event))
    assert f"{app.practice.name} is selected for {closed_round.name}" in " ".join(text.split())
    assert "accept the participation terms" in text


@needs_pango
@pytest.mark.django_db
def test_a_practice_name_with_markup_is_text_and_pulls_in_no_file(closed_round, leader):
    app = make_application(closed_round)
    type(app.practice).objects.filter(pk=app.practice_id).update(name=EVIL)
    app.refresh_from_db()
    event = _decide(app, leader)
    html = letters.decision_letter_html(app, event)
    assert "<img" not in html and "&lt;img src=" in html
    text = _text(letters.decision_letter_pdf(app, event))
    assert '<img src="file:///etc/passwd">' in text  # shown as the text it is
    assert "root:" not in text


@needs_pango
@pytest.mark.django_db
def test_the_terms_pdf_holds_the_accepted_version_its_text_and_who_accepted_when(closed_round, leader):
    app = make_application(closed_round)
    _decide(app, leader)
    terms = closed_round.current_terms()
    participation = services.application_accept(application=app, user=app.created_by, terms=terms)
    with translation.override("en"):
        text = _text(letters.terms_pdf(participation))
    assert terms.text in text and "1.0" in text
    assert app.created_by.email in text and app.practice.name in text


# --- Jobs and mail: the mail is written before anything is rendered -------------------------------------


@pytest.mark.django_db
def test_the_kinds_are_kept():
    assert registry.file_kinds[letters.DECISION_LETTER].keep
    assert registry.file_kinds[letters.TERMS].keep


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outcome", [ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED]
)
def test_the_decision_mail_links_to_the_letter_and_is_written_before_the_render(
    closed_round, leader, outcome, django_capture_on_commit_callbacks
):
    app = make_application(closed_round)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        event = _decide(app, leader, outcome, reason="Begrundelse")
    url = letters.letter_url(app, letters.DECISION_LETTER)
    assert url.startswith("http") and url.endswith(f"/ansoegninger/{app.pk}/afgoerelse.pdf")
    messages = OutboxMessage.objects.filter(key__startswith=f"application-event:{event.pk}:")
    assert messages.exists()
    assert all(url in m.body for m in messages)
    job = _letter_jobs(app).get()
    assert (job.status, job.file.name or "") == (FileJobStatus.QUEUED, "")  # nothing rendered yet
    assert job.params["event"] == event.pk and job.requested_by == leader
    assert queued  # the job's task waits for the commit


@pytest.mark.django_db
def test_accepting_the_terms_writes_the_terms_job_and_the_mail_links_to_it(
    closed_round, leader, django_capture_on_commit_callbacks
):
    app = make_application(closed_round)
    _decide(app, leader)
    with django_capture_on_commit_callbacks(execute=False):
        services.application_accept(application=app, user=app.created_by, terms=closed_round.current_terms())
    url = letters.letter_url(app, letters.TERMS)
    accepted = app.events.get(to_status=ApplicationStatus.ACCEPTED)
    messages = OutboxMessage.objects.filter(key__startswith=f"application-event:{accepted.pk}:")
    assert messages.exists() and all(url in m.body for m in messages)
    assert _letter_jobs(app, letters.TERMS).get().status == FileJobStatus.QUEUED


@pytest.mark.django_db
def test_a_refused_decision_writes_no_job(closed_round, leader):
    app = make_application(closed_round)
    with pytest.raises(Exception):  # noqa: B017 - a rejection without a reason: DomainError
        services.application_decide(application=app, user=leader, outcome=ApplicationStatus.REJECTED)
    assert not _letter_jobs(app).exists()


# --- The stable address ---------------------------------------------------------------------------------


@needs_pango
@pytest.mark.django_db
def test_the_address_shows_a_status_page_until_the_letter_is_made_then_the_pdf(
    client, closed_round, leader, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    app = make_application(closed_round)
    _decide(app, leader)
    url = reverse("applications:decision_letter", args=[app.pk])
    login(client, app.created_by)
    pending = client.get(url)
    assert pending.status_code == 200 and pending["Refresh"] == "3"
    assert b"letter-status" in pending.content
    assert _letter_jobs(app).count() == 1  # the waiting job is shown, not a second one made
    assert filejobs.run(_letter_jobs(app).get().pk)
    ready = client.get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert app.practice.name in _text(body(ready))
    assert b"afgoerelse.pdf" in client.get(reverse("applications:detail", args=[app.pk])).content


@needs_pango
@pytest.mark.django_db
def test_a_changed_decision_gets_a_new_letter(client, closed_round, leader, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = make_application(closed_round)
    _decide(app, leader, ApplicationStatus.WAITLISTED)
    assert filejobs.run(_letter_jobs(app).get().pk)
    _decide(app, leader, ApplicationStatus.SELECTED, reason="En plads blev fri.")
    login(client, leader)
    url = reverse("applications:decision_letter", args=[app.pk])
    assert client.get(url)["Content-Type"] != "application/pdf"  # the old letter is not the answer
    newest = _letter_jobs(app).latest("pk")
    assert filejobs.run(newest.pk)
    assert "En plads blev fri." in _text(body(client.get(url)))


@pytest.mark.django_db
def test_a_failed_job_is_shown_as_failed_for_a_minute_then_made_again(client, closed_round, leader):
    import datetime as dt

    from django.utils import timezone

    app = make_application(closed_round)
    _decide(app, leader)
    _letter_jobs(app).update(status=FileJobStatus.FAILED, error="boom", finished_at=timezone.now())
    login(client, app.created_by)
    url = reverse("applications:decision_letter", args=[app.pk])
    failed = client.get(url)
    assert failed.status_code == 200 and "Refresh" not in failed  # no loop of new failing jobs
    assert _letter_jobs(app).count() == 1
    _letter_jobs(app).update(finished_at=timezone.now() - dt.timedelta(minutes=2))
    again = client.get(url)
    assert again.status_code == 200 and again["Refresh"] == "3"
    assert list(_letter_jobs(app).order_by("pk").values_list("status", flat=True)) == [
        FileJobStatus.FAILED,
        FileJobStatus.QUEUED,
    ]


@pytest.mark.django_db
def test_outsiders_steering_and_a_practice_without_a_letter_get_404(client, closed_round, leader, steering):
    app = make_application(closed_round)
    url = reverse("applications:decision_letter", args=[app.pk])
    login(client, app.created_by)
    assert client.get(url).status_code == 404  # no decision yet
    assert client.get(reverse("applications:terms_pdf", args=[app.pk])).status_code == 404
    _decide(app, leader)
    other_round = make_round(closed_round.region, open_=False)
    for user, status in (
        (make_user(), 404),
        (make_user(role=Role.PROJECT_LEADER, round=other_round), 404),
        (steering, 404),
        (app.created_by, 200),
        (leader, 200),
    ):
        login(client, user)
        assert client.get(url).status_code == status, user
    assert not Participation.objects.filter(application=app).exists()


@pytest.mark.django_db
def test_erasing_a_person_deletes_the_kept_letters_which_are_made_again_when_asked(
    client, closed_round, leader, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from applications import personal_data

    settings.MEDIA_ROOT = tmp_path
    app = make_application(closed_round)
    _decide(app, leader, ApplicationStatus.REJECTED, reason=f"Samtale med {app.doctor_coordinator.name}")
    job = _letter_jobs(app).get()
    job.file.save("afgoerelse.pdf", io.BytesIO(b"%PDF-1.7 navn"), save=False)
    FileJob.objects.filter(pk=job.pk).update(
        status=FileJobStatus.DONE, file=job.file.name, finished_at=job.created_at
    )
    assert default_storage.exists(job.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        personal_data.erase(app.doctor_coordinator, label="[slettet]")
    assert not _letter_jobs(app).exists() and not default_storage.exists(job.file.name)
    login(client, app.created_by)
    assert client.get(reverse("applications:decision_letter", args=[app.pk])).status_code == 200
    assert _letter_jobs(app).get().status == FileJobStatus.QUEUED  # made again from the rewritten reason

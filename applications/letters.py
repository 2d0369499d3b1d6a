"""The decision letter and the accepted terms as PDFs (issue 12), made in the worker on the core's row
with a status (`ligepraksis.models.FileJob`) through the core's PDF helper (`ligepraksis.pdf`: the print
CSS, PDF/UA-1, a URL fetcher that lets user text pull in no file).

- `decision_letter_html(application, event)` / `terms_html(participation)`: pure renderers of the
  documents' HTML (Django templates escape the practice's name and every other typed text);
  `decision_letter_pdf` / `terms_pdf` make the PDF of it.
- `decision_letter_job_create` / `terms_job_create`: called by the services in the transaction that
  records the decision or the accepted terms; the file kind's task is queued after commit, so the
  e-mail (written in the same transaction) never waits for a render. The e-mail links to the stable
  address of the application's letter (`letter_url`), which serves the latest finished file.
- The jobs are kept (`file_kind(..., keep=True)`): a decision letter is part of the case.

Who may read them: the people acting for the application's practice and the round's project leaders
(`permissions.can_read_letters`), checked again at every download.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import permissions
from applications.models import Application, ApplicationEvent, ApplicationStatus, Participation
from ligepraksis import filejobs, pdf
from ligepraksis.links import absolute_url
from ligepraksis.models import FileJob, FileJobStatus

DECISION_LETTER = "applications.decision_letter"
TERMS = "applications.terms"
LANGUAGE = "da"  # the letters are Danish (issue 12), whatever the language of who asks

RETRY_PAUSE = dt.timedelta(minutes=1)  # a failed letter is made again when asked after this pause

# Which statuses are a decision that gets a letter (the leader's decision and an offer from the list).
LETTER_STATUSES = (
    ApplicationStatus.SELECTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.OFFERED,
)


# --- Pure renderers ----------------------------------------------------------------------------------


def _practice(application: Application):
    return (
        Application.objects.select_related("round", "practice")
        .prefetch_related("practice__provider_numbers")
        .get(pk=application.pk)
    )


def decision_letter_html(application: Application, event: ApplicationEvent) -> str:
    """The decision letter's body as HTML: the round, the practice (name, provider numbers, CVR), the
    decision and its date, the reason if one was given, and what happens next."""
    application = _practice(application)
    return render_to_string(
        "applications/pdf/decision_letter.html",
        {
            "application": application,
            "practice": application.practice,
            "round": application.round,
            "event": event,
            "offer_expires_at": application.offer_expires_at
            if event.to_status == ApplicationStatus.OFFERED
            else None,
        },
    )


def decision_letter_title(application: Application) -> str:
    return _("Decision on the application of %(practice)s") % {"practice": application.practice.name}


def decision_letter_pdf(application: Application, event: ApplicationEvent) -> bytes:
    return pdf.render_pdf(decision_letter_html(application, event), title=decision_letter_title(application))


def terms_html(participation: Participation) -> str:
    """The accepted terms as HTML: the version and its text, who accepted them and when."""
    participation = (
        Participation.objects.select_related("round", "practice", "terms", "accepted_by")
        .prefetch_related("practice__provider_numbers")
        .get(pk=participation.pk)
    )
    return render_to_string(
        "applications/pdf/terms.html",
        {
            "participation": participation,
            "practice": participation.practice,
            "round": participation.round,
            "terms": participation.terms,
        },
    )


def terms_title(participation: Participation) -> str:
    return _("Participation terms accepted by %(practice)s") % {"practice": participation.practice.name}


def terms_pdf(participation: Participation) -> bytes:
    return pdf.render_pdf(terms_html(participation), title=terms_title(participation))


# --- The file kinds (registered in applications/portal.py) ---------------------------------------------


def _application_of(params: dict) -> Application | None:
    return (
        Application.objects.select_related("round", "practice").filter(pk=params.get("application")).first()
    )


def allowed(user, params: dict) -> bool:
    """Who may see a letter's job and download it (the file kinds' `allowed`)."""
    application = _application_of(params)
    return application is not None and permissions.can_read_letters(user, application)


def render_decision_letter(params: dict, out) -> None:
    event = ApplicationEvent.objects.select_related("application").get(
        pk=params["event"], application_id=params["application"], kind=ApplicationEvent.Kind.DECISION
    )
    out.write(decision_letter_pdf(event.application, event))


def render_terms(params: dict, out) -> None:
    participation = Participation.objects.get(application_id=params["application"])
    out.write(terms_pdf(participation))


# --- Jobs: written with the decision, served at a stable address ------------------------------------------


def _params(application: Application, **more) -> dict:
    return {"application": application.pk, "language": LANGUAGE, **more}


def decision_letter_job_create(*, application: Application, event: ApplicationEvent, user) -> FileJob:
    """The letter of this decision, made after commit (call inside the decision's transaction)."""
    return filejobs.file_job_create(
        kind=DECISION_LETTER,
        params=_params(application, event=event.pk),
        user=user,
        filename=f"afgoerelse-{application.pk}.pdf",
    )


def terms_job_create(*, participation: Participation, user) -> FileJob:
    """The accepted terms as a PDF, made after commit (call inside the acceptance's transaction)."""
    return filejobs.file_job_create(
        kind=TERMS,
        params=_params(participation.application),
        user=user,
        filename=f"vilkaar-{participation.application_id}.pdf",
    )


def latest_decision(application: Application) -> ApplicationEvent | None:
    """The decision the letter is about: the latest one (a changed decision gets a new letter)."""
    return (
        application.events.filter(kind=ApplicationEvent.Kind.DECISION, to_status__in=LETTER_STATUSES)
        .order_by("-at", "-pk")
        .first()
    )


def has_letter(application: Application, which: str) -> bool:
    if which == TERMS:
        return Participation.objects.filter(application_id=application.pk).exists()
    return latest_decision(application) is not None


def _jobs(application: Application, which: str):
    jobs = FileJob.objects.filter(kind=which, params__application=application.pk)
    if which == DECISION_LETTER:
        event = latest_decision(application)
        if event is None:
            return None
        jobs = jobs.filter(params__event=event.pk)
    return jobs.order_by("-created_at", "-pk")


def letter_job(*, application: Application, which: str, user) -> FileJob | None:
    """The job behind the letter's stable address: the latest finished one; else the one being made;
    else a failure of the last minute (RETRY_PAUSE); else (none, or an older failure) a new one, made
    after commit. None when there is no such letter
    (no decision yet, terms not accepted)."""
    if which not in (DECISION_LETTER, TERMS) or not has_letter(application, which):
        return None
    with transaction.atomic():
        # One new job at a time for the application, however many open the link at once.
        Application.objects.select_for_update().filter(pk=application.pk).first()
        jobs = _jobs(application, which)
        done = jobs.filter(status=FileJobStatus.DONE).exclude(file="").first()
        if done is not None:
            return done
        latest = jobs.first()
        if latest is not None and latest.is_pending:
            return latest
        if (
            latest is not None
            and latest.status == FileJobStatus.FAILED
            and latest.finished_at is not None
            and latest.finished_at > timezone.now() - RETRY_PAUSE
        ):
            return latest  # just failed: shown as failed, so a page that asks again does not loop
        if which == TERMS:
            return terms_job_create(participation=application.participation, user=user)
        return decision_letter_job_create(
            application=application, event=latest_decision(application), user=user
        )


def letter_url(application: Application, which: str) -> str:
    """The absolute, stable address of the application's letter (for the e-mails)."""
    name = "applications:decision_letter" if which == DECISION_LETTER else "applications:terms_pdf"
    return absolute_url(name, application.pk)


def letters_forget(*, application_ids) -> int:
    """A person's erasure (applications/personal_data.py): the kept letters of these applications may
    hold the person's name (a reason, who accepted the terms), so their jobs are deleted, and their
    files after commit; the stable address makes them again from the rewritten rows when asked.
    Returns how many jobs were deleted."""
    jobs = FileJob.objects.filter(
        kind__in=(DECISION_LETTER, TERMS), params__application__in=list(application_ids)
    )
    names = [name for name in jobs.values_list("file", flat=True) if name]
    deleted = jobs.delete()[0]

    def remove_files():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove_files)
    return deleted

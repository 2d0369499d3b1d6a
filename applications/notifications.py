"""E-mails about an application: who gets them and what they say. Written to the outbox by the
services in the same transaction as the change."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications import letters, selectors
from applications.models import ApplicationEvent, ApplicationStatus
from ligepraksis import mail
from ligepraksis.links import absolute_url, site_url

# Which status changes mail the practice, and with which template (templates/emails/<name>_*.txt).
TEMPLATES = {
    ApplicationStatus.SUBMITTED: "application_submitted",
    ApplicationStatus.SELECTED: "application_selected",
    ApplicationStatus.OFFERED: "application_offered",
    ApplicationStatus.WAITLISTED: "application_waitlisted",
    ApplicationStatus.REJECTED: "application_rejected",
    ApplicationStatus.ACCEPTED: "application_accepted",
    ApplicationStatus.EXPIRED: "application_expired",
    ApplicationStatus.WITHDRAWN: "application_withdrawn",
}


def recipients(application) -> list[str]:
    emails = [p.email for p in application.coordinators if p.email]
    if application.created_by.email:
        emails.append(application.created_by.email)
    seen, unique = set(), []
    for e in emails:
        if e.lower() not in seen:
            seen.add(e.lower())
            unique.append(e)
    return unique


def _password_links(application) -> dict[str, str]:
    """A set-password link per coordinator who has an account but never set a password."""
    links = {}
    for person in application.coordinators:
        user = person.user
        if user is not None and not user.has_usable_password():
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            links[person.email] = absolute_url("password_reset_confirm", uid, token)
    return links


def application_event_enqueue(event: ApplicationEvent) -> int:
    """Put the e-mails for one history entry in the outbox, in the caller's transaction (one message
    per address, each written once). Returns how many were written."""
    name = TEMPLATES.get(event.to_status)
    if event.kind == ApplicationEvent.Kind.RECOMMENDATION or name is None:
        return 0
    application = event.application
    links = _password_links(application)
    waitlist_rank = selectors.waitlist_rank(application)
    # The PDF's stable address, never the PDF itself: the mail does not wait for a render.
    letter_url = terms_url = None
    if event.kind == ApplicationEvent.Kind.DECISION and event.to_status in letters.LETTER_STATUSES:
        letter_url = letters.letter_url(application, letters.DECISION_LETTER)
    if event.to_status == ApplicationStatus.ACCEPTED:
        terms_url = letters.letter_url(application, letters.TERMS)
    written = 0
    for email in recipients(application):
        context = {
            "application": application,
            "event": event,
            "site_url": site_url(),
            "detail_url": absolute_url("applications:detail", application.pk),
            "password_link": links.get(email),
            "waitlist_rank": waitlist_rank,
            "letter_url": letter_url,
            "terms_url": terms_url,
        }
        written += bool(
            mail.enqueue(
                to=email, template=name, context=context, key=f"application-event:{event.pk}:{email}"
            )
        )
    return written

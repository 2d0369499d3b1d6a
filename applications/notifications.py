"""E-mails about an application: who gets them and what they say. Called from the task."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications.models import ApplicationEvent, Status

# Which status changes mail the practice, and with which template (templates/emails/<name>_*.txt).
TEMPLATES = {
    Status.SUBMITTED: "application_submitted",
    Status.SELECTED: "application_selected",
    Status.OFFERED: "application_offered",
    Status.WAITLISTED: "application_waitlisted",
    Status.REJECTED: "application_rejected",
    Status.ACCEPTED: "application_accepted",
    Status.EXPIRED: "application_expired",
    Status.WITHDRAWN: "application_withdrawn",
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
            links[person.email] = settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])
    return links


def application_event_notify(*, event_id: int) -> bool:
    """Send the e-mail for one history entry, once. Returns False if there is nothing (more) to send."""
    claimed = ApplicationEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False  # already sent by another worker, or unknown
    event = ApplicationEvent.objects.select_related(
        "application__round",
        "application__practice",
        "application__created_by",
        "application__doctor_coordinator__user",
        "application__staff_coordinator__user",
    ).get(pk=event_id)
    name = TEMPLATES.get(event.to_status)
    if event.kind == ApplicationEvent.Kind.RECOMMENDATION or name is None:
        return False
    application = event.application
    try:
        with translation.override(settings.LANGUAGE_CODE):
            links = _password_links(application)
            for email in recipients(application):
                context = {
                    "application": application,
                    "event": event,
                    "site_url": settings.SITE_URL,
                    "detail_url": settings.SITE_URL + reverse("applications:detail", args=[application.pk]),
                    "password_link": links.get(email),
                }
                subject = render_to_string(f"emails/{name}_subject.txt", context).strip()
                body = render_to_string(f"emails/{name}_body.txt", context)
                EmailMessage(subject=subject, body=body, to=[email]).send()
    except Exception:
        # Hand the event back so a retry sends it; nothing is marked sent that was not.
        with transaction.atomic():
            ApplicationEvent.objects.filter(pk=event_id).update(notified_at=None)
        raise
    return True

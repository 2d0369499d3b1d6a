"""The one mail module: render an e-mail and put it in the outbox, in the caller's transaction.

    mail.enqueue(to=..., template="application_selected", context={...})

writes an `OutboxMessage` per address in the same transaction as the change that causes it, and
queues the sender after commit. If the broker is down the message waits in the outbox, and the beat
task `ligepraksis.tasks.outbox_retry` sends it later; the page that caused it never breaks.

The sender claims a message with a conditional update (pending, or sending with an expired lease ->
sending, claimed_at=now, attempts + 1), sends it, and marks it sent only after the mail server
accepted it. A worker killed mid-send leaves a lease that expires after MAIL_LEASE_SECONDS; then the
beat task queues it again. Every claim counts as an attempt, so a message whose sending kills its
worker each time is failed after MAIL_MAX_ATTEMPTS instead of being tried for ever.

Demo data and generated data keep mail out with the documented switch:

    with mail.suppressed():
        ...   # enqueue() writes nothing
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ligepraksis.models import OutboxMessage, OutboxState

log = logging.getLogger(__name__)

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("lp_mail_suppressed", default=False)


@contextlib.contextmanager
def suppressed():
    """Write no e-mail inside this block (demo data, generated data)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def is_suppressed() -> bool:
    return _suppressed.get()


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.MAIL_LEASE_SECONDS)


def render(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) from templates/emails/<template>_subject.txt and _body.txt, in Danish (the
    portal's language; mail is read outside the browser's language choice)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}_body.txt", context)
    return subject, body


# Set by ligepraksis/tasks.py (imported in LigePraksisConfig.ready): queues the sender task. Kept as a
# hook so that this module does not import the task module that imports it.
_queue_send = None


def _kick(message_id: int) -> None:
    """Queue the sender; a broker outage only delays the mail (the beat task picks it up)."""
    if _queue_send is None:
        return  # no task module loaded: the beat task sends it
    try:
        _queue_send(message_id)
    except Exception:  # noqa: BLE001 - the broker is down: the message waits in the outbox
        log.warning("Could not queue e-mail %s; the outbox retries it later", message_id, exc_info=True)


def enqueue(
    *,
    to: str,
    template: str,
    context: dict,
    attachments=(),
    key: str | None = None,
) -> OutboxMessage | None:
    """Render and write one message to the outbox in the current transaction; send after commit.

    `attachments` are (filename, bytes, mimetype). `key` makes the write idempotent: a second
    message with the same key is not written. Returns the message, or None when nothing was written.
    """
    if is_suppressed() or not to:
        return None
    subject, body = render(template, context)
    message = OutboxMessage(
        to=to,
        subject=subject,
        body=body,
        key=key,
        attachments=[
            {"filename": name, "mimetype": mimetype, "content": base64.b64encode(content).decode()}
            for name, content, mimetype in attachments
        ],
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if key and OutboxMessage.objects.filter(key=key).exists():
            return None  # already written
        raise
    transaction.on_commit(lambda: _kick(message.pk))
    return message


def _claim(message_id: int, now) -> bool:
    """Take the lease (and count the attempt) if the message is due and nobody holds a live lease.

    A lease that expired means its worker died mid-send. After MAIL_MAX_ATTEMPTS such attempts the
    message is failed: a message whose sending kills the worker must not kill workers for ever.
    """
    expired = Q(state=OutboxState.SENDING, claimed_at__lt=now - lease())
    OutboxMessage.objects.filter(expired, pk=message_id, attempts__gte=settings.MAIL_MAX_ATTEMPTS).update(
        state=OutboxState.FAILED,
        claimed_at=None,
        last_error="The worker stopped while sending, in every attempt.",
    )
    claimable = Q(state=OutboxState.PENDING, not_before__lte=now) | expired
    return bool(
        OutboxMessage.objects.filter(claimable, pk=message_id).update(
            state=OutboxState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage(subject=message.subject, body=message.body, to=[message.to])
    for a in message.attachments:
        email.attach(a["filename"], base64.b64decode(a["content"]), a["mimetype"])
    return email


def send(message_id: int, *, now=None) -> bool:
    """Send one message if it can be claimed; True when the mail server accepted it now."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return False  # sent, or another worker holds a live lease
    message = OutboxMessage.objects.get(pk=message_id)  # attempts counts this attempt (the claim)
    try:
        _email(message).send()
    except Exception as exc:  # noqa: BLE001 - recorded on the row and retried with backoff
        attempts = message.attempts
        failed = attempts >= settings.MAIL_MAX_ATTEMPTS
        # Fenced: only while this attempt still holds the lease.
        OutboxMessage.objects.filter(pk=message_id, state=OutboxState.SENDING, claimed_at=now).update(
            state=OutboxState.FAILED if failed else OutboxState.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            not_before=timezone.now() + dt.timedelta(seconds=min(60 * 2**attempts, 3600)),
            claimed_at=None,
        )
        log.warning("E-mail %s to the outbox again after %s: %s", message_id, type(exc).__name__, exc)
        return False
    # Not fenced: the server accepted it, so it is sent whoever holds the lease now (the first
    # acceptance's time is kept).
    OutboxMessage.objects.filter(pk=message_id).exclude(state=OutboxState.SENT).update(
        state=OutboxState.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def due_ids(*, now=None, limit: int = 500) -> list[int]:
    """Messages to (re)send: pending and due, or sending with an expired lease (a dead worker)."""
    now = now or timezone.now()
    due = Q(state=OutboxState.PENDING, not_before__lte=now) | Q(
        state=OutboxState.SENDING, claimed_at__lt=now - lease()
    )
    return list(OutboxMessage.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:limit])

"""Background work of the core: the mail outbox. Thin tasks that take ids."""

from celery import shared_task

from ligepraksis import mail


@shared_task
def outbox_send(message_id: int) -> bool:
    return mail.send(message_id)


@shared_task
def outbox_retry() -> int:
    """Every minute (beat): queue what is due again, including leases of workers that died."""
    ids = mail.due_ids()
    for pk in ids:
        outbox_send.delay(pk)
    return len(ids)


mail._queue_send = outbox_send.delay

"""Background work of the core: the mail outbox and the files made on a row with a status. Thin tasks
that take ids.

Queues (CELERY_TASK_ROUTES): the outbox on ``mail``, served by a worker without
--max-tasks-per-child (a mail never waits for a new child process); files (large exports, PDFs) on
``files``, whose worker restarts its child every few dozen tasks; everything else on ``celery``.
"""

from celery import shared_task

from ligepraksis import filejobs, mail


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


@shared_task
def file_job_run(job_id: int) -> bool:
    return filejobs.run(job_id)


@shared_task
def file_job_retry() -> int:
    """Every minute (beat): queue file jobs whose lease expired (a dead worker) or whose task was lost."""
    ids = filejobs.due_ids()
    for pk in ids:
        file_job_run.delay(pk)
    return len(ids)


@shared_task
def file_jobs_expire() -> int:
    """Daily (beat): finished files older than FILE_JOB_KEEP_HOURS are deleted with their rows."""
    return filejobs.expired_delete()


mail._queue_send = outbox_send.delay
filejobs._queue_run = file_job_run.delay

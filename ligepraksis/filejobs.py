"""Files made in the worker on a row with a status (`FileJob`): large exports now, reports later.

    job = file_job_create(kind="activities.signups", params={"round": 3}, user=..., filename=...)

writes the row (queued) in the caller's transaction and queues `ligepraksis.tasks.file_job_run`
(queue ``files``) after commit. The task calls `run`, which claims the row with a conditional update
that takes a lease: queued, or running with an expired lease (`claimed_until` in the past: its
worker died) -> running, claimed_until = now + FILE_JOB_LEASE_SECONDS, attempts + 1. Zero rows
updated means someone else has it (or it is finished), so a job is made by one worker at a time and
a redelivered task does nothing. The file is written to a temporary file on disk (openpyxl's
write-only mode for spreadsheets: flat memory), stored, and the row set done with it, or failed
with the error, only while this attempt still holds its lease (fenced on `claimed_until`). Making a
file twice replaces it. The beat task `file_job_retry` queues jobs whose lease expired (and queued
ones whose task was lost); after FILE_JOB_MAX_ATTEMPTS claims a job that kills its worker each time
is failed. Finished jobs and their files are deleted after FILE_JOB_KEEP_HOURS (`file_jobs_expire`,
daily): an export holds names, and a person's anonymisation never reaches a file. Kinds registered with
`keep=True` (reports that are read later, such as the KEU status report) are kept.

What a kind makes and who may see it is registered by its app (`ligepraksis.registry.file_kind`);
the core imports no app. The job's page and download are for whoever the kind allows for the job's
params (the requester, while they still may, and others of the same standing, such as another
project leader of the round), 404 for everyone else.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation

from ligepraksis import spreadsheets
from ligepraksis.models import FileJob, FileJobStatus, file_job_upload_to
from ligepraksis.registry import registry

log = logging.getLogger(__name__)

# Set by ligepraksis/tasks.py: queues the task (a hook, so this module does not import the tasks).
_queue_run = None


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.FILE_JOB_LEASE_SECONDS)


def _kick(job_id: int) -> None:
    if _queue_run is None:
        return
    try:
        _queue_run(job_id)
    except Exception:  # noqa: BLE001 - the broker is down: the beat task queues it later
        log.warning("Could not queue file job %s; the retry task queues it later", job_id, exc_info=True)


def file_job_create(*, kind: str, params: dict, user, filename: str) -> FileJob:
    """Write a queued job in the current transaction; its task is queued after commit."""
    if kind not in registry.file_kinds:
        raise LookupError(f"Unknown file kind: {kind!r}")
    job = FileJob.objects.create(kind=kind, params=params, requested_by=user, filename=filename)
    transaction.on_commit(lambda: _kick(job.pk))
    return job


def claim(job_id: int, *, now=None) -> dt.datetime | None:
    """Take the job's lease; the lease's end (this attempt's fence) or None when someone else has it,
    it is finished, or it failed. A job whose lease expired after its last attempt is failed here."""
    now = now or timezone.now()
    expired = Q(status=FileJobStatus.RUNNING, claimed_until__lt=now)
    FileJob.objects.filter(expired, pk=job_id, attempts__gte=settings.FILE_JOB_MAX_ATTEMPTS).update(
        status=FileJobStatus.FAILED,
        claimed_until=None,
        finished_at=now,
        error="The worker stopped while making the file, in every attempt.",
    )
    until = now + lease()
    taken = FileJob.objects.filter(Q(status=FileJobStatus.QUEUED) | expired, pk=job_id).update(
        status=FileJobStatus.RUNNING, claimed_until=until, attempts=F("attempts") + 1
    )
    return until if taken else None


def _write(job: FileJob, out) -> int | None:
    kind = registry.file_kinds.get(job.kind)
    if kind is None:
        raise LookupError(f"Unknown file kind: {job.kind!r}")
    if kind.render is not None:
        return kind.render(job.params, out)
    table = kind.table(job.params)
    return spreadsheets.write_xlsx(table.header, table.rows, out, title=table.title)


def run(job_id: int, *, now=None) -> bool:
    """Make the job's file if the job can be claimed; True when this call finished it (done)."""
    now = now or timezone.now()
    until = claim(job_id, now=now)
    if until is None:
        return False
    job = FileJob.objects.get(pk=job_id)
    old_name = job.file.name
    stored = ""
    try:
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            with tempfile.TemporaryFile() as tmp:
                rows = _write(job, tmp)
                tmp.seek(0)
                stored = default_storage.save(file_job_upload_to(job, job.filename or "file"), File(tmp))
    except Exception as exc:  # noqa: BLE001 - recorded on the row; a deterministic error is not retried
        log.exception("File job %s (%s) failed", job_id, job.kind)
        if stored:
            default_storage.delete(stored)
        FileJob.objects.filter(pk=job_id, status=FileJobStatus.RUNNING, claimed_until=until).update(
            status=FileJobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            claimed_until=None,
            finished_at=timezone.now(),
        )
        return False
    finished = FileJob.objects.filter(pk=job_id, status=FileJobStatus.RUNNING, claimed_until=until).update(
        status=FileJobStatus.DONE,
        file=stored,
        rows=rows,
        error="",
        claimed_until=None,
        finished_at=timezone.now(),
    )
    if not finished:  # the lease expired and another attempt took it: that attempt's file counts
        default_storage.delete(stored)
        return False
    if old_name and old_name != stored:
        default_storage.delete(old_name)  # made twice: the new file replaces the old
    return True


def requeue_failed(job_id: int) -> bool:
    """Try a failed job again on the same row (the retry button): failed -> queued with its attempts and
    error cleared, the task queued after commit; its file, if any, is replaced when it is made again.
    False when the job is not failed (a double click, or it is being made)."""
    taken = FileJob.objects.filter(pk=job_id, status=FileJobStatus.FAILED).update(
        status=FileJobStatus.QUEUED, error="", attempts=0, claimed_until=None, finished_at=None
    )
    if taken:
        transaction.on_commit(lambda: _kick(job_id))
    return bool(taken)


def due_ids(*, now=None, limit: int = 200) -> list[int]:
    """Jobs to queue again: running with an expired lease (a dead worker), or queued for longer than a
    minute (the task was lost on the way, say the broker was down when the job was written)."""
    now = now or timezone.now()
    due = Q(status=FileJobStatus.RUNNING, claimed_until__lt=now) | Q(
        status=FileJobStatus.QUEUED, created_at__lt=now - dt.timedelta(minutes=1)
    )
    return list(FileJob.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:limit])


def expired_delete(*, now=None) -> int:
    """Delete finished jobs older than FILE_JOB_KEEP_HOURS and their files (daily, beat): an export
    holds names, which must not outlive the rows they came from (anonymisation never reaches a file).
    Returns how many jobs were deleted. Kinds registered with `keep=True` (a decision letter, a
    report) are kept."""
    now = now or timezone.now()
    kept = [name for name, kind in registry.file_kinds.items() if kind.keep]
    old = FileJob.objects.filter(
        status__in=(FileJobStatus.DONE, FileJobStatus.FAILED),
        created_at__lt=now - dt.timedelta(hours=settings.FILE_JOB_KEEP_HOURS),
    ).exclude(kind__in=kept)
    count = 0
    for pk, name in old.values_list("pk", "file"):
        if name:
            default_storage.delete(name)
        count += FileJob.objects.filter(pk=pk).delete()[0]
    return count


def may_see(user, job: FileJob) -> bool:
    kind = registry.file_kinds.get(job.kind)
    return bool(kind and getattr(user, "is_authenticated", False) and kind.allowed(user, job.params))


def get_job_for_user(user, pk: int) -> FileJob:
    """The job if its kind lets the user see it; Http404 for everyone else."""
    job = FileJob.objects.filter(pk=pk).select_related("requested_by").first()
    if job is None or not may_see(user, job):
        raise Http404
    return job


__all__ = [
    "claim",
    "due_ids",
    "expired_delete",
    "file_job_create",
    "get_job_for_user",
    "may_see",
    "requeue_failed",
    "run",
]

"""Issue 12's proof for reports: a worker process killed (SIGKILL) while it renders the KEU status
report leaves the row "running" with a lease; Redis does not hand the task back (its visibility
timeout is two hours), the lease does. When it has expired, the beat task `file_job_retry` queues the
report again, a new worker makes it, and it is made once (attempts 2, one file).

The workers are real processes (`celery -A ligepraksis worker -Q files`), as in
tests/ligepraksis/test_outbox_killed_worker.py, with a short hard time limit and a lease just longer
(the settings refuse a lease that is not longer than the hard time limit).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from evaluation.services import reports
from finance.models import BudgetLine
from ligepraksis.models import FileJob, FileJobStatus
from tests.ligepraksis.test_outbox_killed_worker import (
    WAIT_SECONDS,
    Worker,
    _skip_without_services,
    _test_database_url,
    _wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 12  # the workers' hard time limit (s): a cold first render takes a few seconds
LEASE_SECONDS = TIME_LIMIT + 1


def _env(media_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=_test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_SOFT_TIME_LIMIT=str(TIME_LIMIT - 1),
        CELERY_TASK_TIME_LIMIT=str(TIME_LIMIT),
        FILE_JOB_LEASE_SECONDS=str(LEASE_SECONDS),
        MEDIA_ROOT=str(media_root),
    )
    return env


def _forget_unacked_runs(job_id: int) -> None:
    """The killed worker's task stays in Redis's unacked set for two hours: remove it."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        for tag, raw in client.hgetall("unacked").items():
            try:
                headers = json.loads(raw)[0]["headers"]
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            if headers.get("task") == "ligepraksis.tasks.file_job_run" and headers.get("argsrepr") in (
                f"({job_id},)",
                f"[{job_id}]",
            ):
                client.pipeline().zrem("unacked_index", tag).hdel("unacked", tag).execute()
    finally:
        client.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_worker_is_killed_mid_render_is_made_once(tmp_path, closed_round, leader, settings):
    _skip_without_services()
    from ligepraksis import tasks
    from ligepraksis.celery import app as celery_app

    settings.MEDIA_ROOT = tmp_path
    celery_app.conf.task_always_eager = False  # through Redis; the autouse fixture restores it
    celery_app.control.purge()
    BudgetLine.objects.create(round=closed_round, name="Koordinering", granted=Decimal("1000"))
    env = _env(tmp_path)
    workers: list[Worker] = []
    job = None
    try:
        first = Worker("report-first", env, tmp_path / "worker-first.log", queue="files")
        workers.append(first)
        first.wait_ready(celery_app)
        with transaction.atomic():
            job = reports.report_request(user=leader, kind=reports.KEU_REPORT, round_obj=closed_round)

        def running():
            job.refresh_from_db()
            return job.status != FileJobStatus.QUEUED

        _wait_for(running, f"the worker to claim the report; log:\n{first.log()}")
        assert job.status == FileJobStatus.RUNNING, f"made before the kill:\n{first.log()}"
        first.kill()  # kill -9 mid-render: no shutdown, no acknowledgement, no file
        job.refresh_from_db()
        assert (job.status, job.attempts, job.file.name) == (FileJobStatus.RUNNING, 1, "")
        lease_ends = job.claimed_until

        second = Worker("report-second", env, tmp_path / "worker-second.log", queue="files")
        workers.append(second)
        second.wait_ready(celery_app)
        assert tasks.file_job_retry.delay() is not None  # before the lease ends: nothing is due
        time.sleep(2)
        job.refresh_from_db()
        assert job.status == FileJobStatus.RUNNING and job.attempts == 1
        _wait_for(lambda: timezone.now() > lease_ends + dt.timedelta(seconds=0.5), "the lease to expire")
        tasks.file_job_retry.delay()  # what beat does every minute

        def done():
            job.refresh_from_db()
            return not job.is_pending

        _wait_for(done, f"the retried report; worker log:\n{second.log()}", seconds=WAIT_SECONDS * 2)
        assert (job.status, job.attempts, job.error) == (FileJobStatus.DONE, 2, ""), second.log()
        with default_storage.open(job.file.name, "rb") as f:
            assert f.read(5) == b"%PDF-"
        tasks.file_job_retry.delay()  # once more: nothing to do, the report is made once
        time.sleep(2)
        job.refresh_from_db()
        assert (job.status, job.attempts) == (FileJobStatus.DONE, 2)
        assert FileJob.objects.count() == 1
        _dirs, files = default_storage.listdir(f"filejobs/{job.pk}")
        assert len(files) == 1
    finally:
        for worker in workers:
            worker.kill()
        if job is not None and job.pk:
            _forget_unacked_runs(job.pk)

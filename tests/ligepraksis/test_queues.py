"""Issue 9: mail and files on their own queues, through a real worker on the Redis broker.

A worker that serves only the other queues leaves the task alone (it waits in its queue); a worker on
the task's own queue then does it. So the outbox's sender goes to "mail" (the worker without
--max-tasks-per-child) and a large export to "files" (the worker that recycles its child).
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from ligepraksis import exports, filejobs, mail
from ligepraksis.models import FileJob, FileJobStatus, OutboxMessage, OutboxState
from ligepraksis.registry import file_kind, registry
from tests.conftest import make_user

WAIT_SECONDS = 20
SETTLE_SECONDS = 2


def _wait(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_made_by_the_files_worker_only(real_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = dict(registry.file_kinds)
    file_kind(
        "tests.queue-numbers",
        allowed=lambda user, params: True,
        table=lambda params: exports.Table(
            title="Tal", header=["Nr."], rows=([i] for i in range(5)), count=lambda: 5, basename="tal"
        ),
    )
    try:
        user = make_user()
        with real_worker(queues=("mail", "celery")):
            with transaction.atomic():
                job = filejobs.file_job_create(
                    kind="tests.queue-numbers", params={}, user=user, filename="t.xlsx"
                )
            time.sleep(SETTLE_SECONDS)
            job.refresh_from_db()
            assert job.status == FileJobStatus.QUEUED  # not the mail worker's task
        with real_worker(queues=("files",), purge=False):
            assert _wait(lambda: FileJob.objects.filter(pk=job.pk, status=FileJobStatus.DONE).exists()), (
                f"no files worker made the file within {WAIT_SECONDS} s"
            )
        job.refresh_from_db()
        assert job.rows == 5 and job.attempts == 1
    finally:
        registry.file_kinds.clear()
        registry.file_kinds.update(before)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_mail_is_sent_by_the_mail_worker_only(real_worker):
    with real_worker(queues=("files", "celery")):
        with transaction.atomic():
            message = mail.enqueue(
                to="koordinator@praksis.example",
                template="join",
                context={"link": "http://x/", "site_url": "http://x", "hours": 72},
            )
        time.sleep(SETTLE_SECONDS)
        message.refresh_from_db()
        assert message.state == OutboxState.PENDING  # not the files worker's task
    with real_worker(queues=("mail",), purge=False):
        assert _wait(lambda: OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.SENT).exists()), (
            f"no mail worker sent the message within {WAIT_SECONDS} s"
        )

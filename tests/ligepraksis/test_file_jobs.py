"""Issue 9: files made in the worker on a row with a status (ligepraksis/filejobs.py).

- XLSX in openpyxl's write-only mode keeps a flat memory as the rows grow (tracemalloc's peak for
  10,000 rows is not ten times that for 1,000);
- a job is claimed once: a second claim, or a second run, finds it taken; a lease that expired (its
  worker died) is taken again and counted, and a job whose worker dies every time is failed;
- an attempt that lost its lease does not finish the job (fenced), and its file is not kept;
- the beat task finds expired leases and lost tasks;
- the job's page and file are for those its kind allows (the round's project leaders), 404 for others.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import tracemalloc
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ligepraksis import exports, filejobs, spreadsheets, tasks
from ligepraksis.models import FileJob, FileJobStatus, Role, RoleGrant
from ligepraksis.registry import registry
from tests.conftest import make_round, make_user
from tests.helpers import body, login

HEADER = ["Praksis", "Ydernummer", "Tekst", "Timer", "Tid", "Nr.", "Tom", "Deltog"]


def _rows(count: int):
    at = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    for i in range(count):
        yield [f"Praksis {i}", f"{i:06d}", "=1+2", Decimal("2.5"), at, i, None, "Ja"]


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _write(count: int) -> int:
    with tempfile.TemporaryFile() as out:
        return _peak(lambda: spreadsheets.write_xlsx(HEADER, _rows(count), out, title="Test"))


def test_write_only_xlsx_memory_stays_flat_as_the_rows_grow():
    small, large = _write(1_000), _write(10_000)
    # Ten times the rows: the peak stays about the same (a workbook held in memory grows tenfold:
    # about 3 MB for 1,000 of these rows and 30 MB for 10,000).
    assert large < small * 1.5 + 256 * 1024, (small, large)
    assert large < 4 * 1024 * 1024, large
    # The measure sees growth where there is some: the same rows held in a list.
    assert _peak(lambda: list(_rows(10_000))) > 5 * _peak(lambda: list(_rows(1_000)))


def test_write_only_xlsx_has_the_typed_neutralised_cells(tmp_path):
    path = tmp_path / "x.xlsx"
    assert spreadsheets.write_xlsx(HEADER, _rows(3), str(path), title="Test") == 3
    sheet = load_workbook(path).active
    assert sheet.title == "Test" and sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    row = {h: c for h, c in zip(HEADER, sheet[2], strict=True)}
    assert (row["Ydernummer"].value, row["Ydernummer"].data_type) == ("000000", "s")
    assert (row["Tekst"].value, row["Tekst"].data_type) == ("'=1+2", "s")  # inert, not a formula
    assert (row["Timer"].value, row["Timer"].number_format) == (2.5, "#,##0.0")
    assert row["Tid"].value == dt.datetime(2026, 3, 1, 10, 0)  # Danish wall-clock time
    assert row["Tid"].number_format == spreadsheets.XLSX_DATETIME_FORMAT


# --- The row with a status ------------------------------------------------------------------------


KIND = "tests.numbers"


@pytest.fixture
def number_kind(settings, tmp_path):
    """A file kind for the tests: `params["rows"]` rows, for the round's project leaders; it can be
    told to fail, or to let another attempt take its lease while it renders."""
    settings.MEDIA_ROOT = tmp_path
    hooks = {}

    def table(params):
        if params.get("fail"):
            raise RuntimeError("the renderer broke")
        if "during" in hooks:
            hooks.pop("during")()
        return exports.Table(
            title="Tal",
            header=["Nr."],
            rows=([i] for i in range(params.get("rows", 3))),
            count=lambda: params.get("rows", 3),
            basename="tal",
        )

    before = dict(registry.file_kinds)
    from ligepraksis.registry import file_kind

    file_kind(KIND, allowed=exports.round_leaders, table=table)
    yield hooks
    registry.file_kinds.clear()
    registry.file_kinds.update(before)


def _job(round_obj, user, **params) -> FileJob:
    with transaction.atomic():
        return filejobs.file_job_create(
            kind=KIND, params={"round": round_obj.pk, **params}, user=user, filename="tal.xlsx"
        )


@pytest.mark.django_db
def test_a_job_is_claimed_once_and_made_once(closed_round, leader, number_kind):
    job = _job(closed_round, leader)
    now = timezone.now()
    first = filejobs.claim(job.pk, now=now)
    assert first is not None
    assert filejobs.claim(job.pk, now=now + dt.timedelta(seconds=1)) is None  # the lease is live
    job.refresh_from_db()
    assert (job.status, job.attempts, job.claimed_until) == (FileJobStatus.RUNNING, 1, first)

    # A redelivered task while it runs, and after it finished, does nothing.
    assert filejobs.run(job.pk, now=now + dt.timedelta(seconds=2)) is False
    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.QUEUED, claimed_until=None, attempts=0)
    assert filejobs.run(job.pk) is True
    assert filejobs.run(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.rows, job.attempts, job.error) == (FileJobStatus.DONE, 3, 1, "")
    assert job.finished_at and job.claimed_until is None
    sheet = load_workbook(job.file.path).active
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["Nr.", 0, 1, 2]


@pytest.mark.django_db
def test_an_expired_lease_is_taken_again_and_a_job_that_kills_every_worker_fails(
    closed_round, leader, number_kind, settings
):
    settings.FILE_JOB_MAX_ATTEMPTS = 2
    job = _job(closed_round, leader)
    now = timezone.now()
    lease = filejobs.lease()
    assert filejobs.claim(job.pk, now=now)  # the worker dies here
    later = now + lease + dt.timedelta(seconds=1)
    assert filejobs.due_ids(now=later) == [job.pk]  # the beat task's sweep finds it
    assert filejobs.claim(job.pk, now=later)  # taken again
    job.refresh_from_db()
    assert (job.status, job.attempts) == (FileJobStatus.RUNNING, 2)
    # The second worker dies too: the last attempt is spent, the job fails instead of killing more.
    last = later + lease + dt.timedelta(seconds=1)
    assert filejobs.claim(job.pk, now=last) is None
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and "every attempt" in job.error
    assert filejobs.due_ids(now=last) == []


@pytest.mark.django_db
def test_an_attempt_that_lost_its_lease_does_not_finish_the_job(closed_round, leader, number_kind):
    job = _job(closed_round, leader)
    now = timezone.now()
    later = now + filejobs.lease() + dt.timedelta(seconds=1)
    # While the first attempt renders, its lease expires and a second attempt takes the job.
    number_kind["during"] = lambda: filejobs.claim(job.pk, now=later)
    assert filejobs.run(job.pk, now=now) is False
    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name) == (FileJobStatus.RUNNING, 2, "")
    assert job.claimed_until == later + filejobs.lease()
    _dirs, files = default_storage.listdir(f"filejobs/{job.pk}")
    assert files == []  # the losing attempt's file is not kept


@pytest.mark.django_db
def test_a_failing_renderer_fails_the_job_with_its_error(client, closed_round, leader, number_kind):
    job = _job(closed_round, leader, fail=True)
    assert filejobs.run(job.pk) is False
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and "the renderer broke" in job.error
    page = login(client, leader).get(reverse("file_job", args=[job.pk]))
    assert page.status_code == 200 and "Refresh" not in page
    assert client.get(reverse("file_job_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_the_retry_task_queues_expired_leases_and_lost_tasks(closed_round, leader, number_kind):
    lost = _job(closed_round, leader)
    FileJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    fresh = _job(closed_round, leader)  # its task is (as far as anyone knows) on its way
    assert filejobs.due_ids() == [lost.pk]
    assert tasks.file_job_retry() == 1  # tasks run in process in the tests: made now
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == (FileJobStatus.DONE, FileJobStatus.QUEUED)


@pytest.mark.django_db
def test_the_job_page_waits_then_offers_the_file(client, closed_round, leader, number_kind):
    job = _job(closed_round, leader, rows=4)
    login(client, leader)
    waiting = client.get(reverse("file_job", args=[job.pk]))
    assert waiting.status_code == 200 and waiting["Refresh"] == "3"
    assert client.get(reverse("file_job_download", args=[job.pk])).status_code == 404
    filejobs.run(job.pk)
    ready = client.get(reverse("file_job", args=[job.pk]))
    assert "Refresh" not in ready and reverse("file_job_download", args=[job.pk]) in ready.content.decode()
    download = client.get(reverse("file_job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert 'filename="tal.xlsx"' in download["Content-Disposition"]
    assert body(download).startswith(b"PK")


@pytest.mark.django_db
def test_the_job_is_for_the_rounds_leaders_only(
    client, closed_round, leader, steering, outsider, number_kind
):
    job = _job(closed_round, leader)
    filejobs.run(job.pk)
    colleague = make_user(role=Role.PROJECT_LEADER, round=closed_round)
    other_leader = make_user(role=Role.PROJECT_LEADER, round=make_round(closed_round.region, open_=False))
    for name in ("file_job", "file_job_download"):
        url = reverse(name, args=[job.pk])
        assert login(client, colleague).get(url).status_code == 200  # the round's other leader
        for user in (steering, outsider, other_leader):
            assert login(client, user).get(url).status_code == 404, (name, user)
        client.logout()
        assert client.get(url).status_code == 302  # to the login page
    # The requester who is no longer a leader of the round loses the file too.
    RoleGrant.objects.filter(user=leader).delete()
    assert login(client, leader).get(reverse("file_job_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_an_unknown_kind_is_refused(closed_round, leader):
    with pytest.raises(LookupError), transaction.atomic():
        filejobs.file_job_create(kind="nothing.here", params={}, user=leader, filename="x.xlsx")


@pytest.mark.django_db
def test_finished_files_are_deleted_after_the_keeping_time(closed_round, leader, number_kind, settings):
    settings.FILE_JOB_KEEP_HOURS = 48
    old, recent, waiting = (_job(closed_round, leader) for _ in range(3))
    for job in (old, recent):
        assert filejobs.run(job.pk)
    FileJob.objects.filter(pk__in=[old.pk, waiting.pk]).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    old.refresh_from_db()
    assert default_storage.exists(old.file.name)
    assert tasks.file_jobs_expire() == 1  # only the finished one: a waiting job is the retry's business
    assert not default_storage.exists(old.file.name)
    assert set(FileJob.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


@pytest.mark.django_db
def test_jobs_of_a_kind_registered_to_keep_are_never_deleted(closed_round, leader, number_kind, settings):
    """A decision letter or a report (`file_kind(..., keep=True)`) outlives FILE_JOB_KEEP_HOURS."""
    from ligepraksis.registry import file_kind

    settings.FILE_JOB_KEEP_HOURS = 48
    kept_kind = "tests.kept"
    file_kind(
        kept_kind,
        allowed=exports.round_leaders,
        render=lambda params, out: out.write(b"x") and None,
        keep=True,
    )
    with transaction.atomic():
        kept = filejobs.file_job_create(
            kind=kept_kind, params={"round": closed_round.pk}, user=leader, filename="brev.pdf"
        )
    old = _job(closed_round, leader)
    for job in (kept, old):
        assert filejobs.run(job.pk)
    FileJob.objects.update(created_at=timezone.now() - dt.timedelta(hours=49))
    assert tasks.file_jobs_expire() == 1
    assert list(FileJob.objects.values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert default_storage.exists(kept.file.name)


def test_the_lease_outlasts_the_tasks_hard_time_limit():
    """A running row is taken again only after its worker can no longer be rendering it (the settings
    refuse to start otherwise)."""
    from django.conf import settings

    assert settings.FILE_JOB_LEASE_SECONDS > settings.CELERY_TASK_TIME_LIMIT


def test_settings_refuse_a_lease_shorter_than_the_hard_time_limit():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "true",
        "FILE_JOB_LEASE_SECONDS": "120",
        "DJANGO_SETTINGS_MODULE": "ligepraksis.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "FILE_JOB_LEASE_SECONDS must be longer" in done.stderr


@pytest.mark.django_db
def test_a_failed_job_is_tried_again_on_the_same_row(
    closed_round, leader, number_kind, django_capture_on_commit_callbacks
):
    job = _job(closed_round, leader, fail=True)
    assert filejobs.run(job.pk) is False
    FileJob.objects.filter(pk=job.pk).update(params={"round": closed_round.pk})  # the fault is mended
    with django_capture_on_commit_callbacks(execute=True):
        assert filejobs.requeue_failed(job.pk) is True
    assert filejobs.requeue_failed(job.pk) is False  # not failed any more: a second click does nothing
    job.refresh_from_db()  # the task ran in process on commit
    assert (job.status, job.error, job.attempts, job.rows) == (FileJobStatus.DONE, "", 1, 3)

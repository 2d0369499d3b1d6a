"""Security finding 4's proof: a worker killed while the mail server holds its message loses nothing
and sends nothing twice.

A real worker process (`celery -A ligepraksis worker`, killable, unlike the in-thread test worker)
sends through a test SMTP server (aiosmtpd) that holds the first message in DATA, before accepting
it. The worker is killed with SIGKILL there; the server drops the session, so that message was never
delivered. Redis does not hand the task back (its visibility timeout is two hours): the outbox's
lease does. When the lease (MAIL_LEASE_SECONDS, 3 s here) has expired, the beat task
`outbox_retry` queues the message again, a new worker sends it, and it arrives exactly once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ligepraksis import mail
from ligepraksis.models import OutboxMessage, OutboxState

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 30  # every wait is bounded by this
LEASE_SECONDS = 3
TO = "tovholder@praksis.example"


class HoldingHandler:
    """An aiosmtpd handler that holds the first message in DATA (received, not yet accepted) until
    released, and records every message it accepts. Runs in the server's event-loop thread."""

    def __init__(self):
        self.holding = threading.Event()  # the first message's DATA has arrived
        self.release = threading.Event()  # the test lets it go on
        self.aborted = threading.Event()  # the server cancelled it: its client vanished
        self.accepted: list[tuple[list[str], bytes]] = []
        self._held_one = False

    async def handle_DATA(self, server, session, envelope):
        if not self._held_one:
            self._held_one = True
            self.holding.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                self.aborted.set()  # aiosmtpd cancels the session on EOF: nothing is accepted
                raise
        self.accepted.append((list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port (the kernel picks it), in a thread of its own."""

    def __init__(self, handler):
        self.handler = handler
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="test-smtp", daemon=True)
        self.server = None
        self.port = None

    def start(self):
        self.thread.start()
        create = self.loop.create_server(
            lambda: SMTP(self.handler, hostname="localhost"), host="127.0.0.1", port=0
        )
        self.server = asyncio.run_coroutine_threadsafe(create, self.loop).result(WAIT_SECONDS)
        self.port = self.server.sockets[0].getsockname()[1]

    def stop(self):
        if not self.thread.is_alive():
            return

        async def close():
            if self.server is not None:
                self.server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(WAIT_SECONDS)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(WAIT_SECONDS)
            if not self.thread.is_alive():
                self.loop.close()


def _skip_without_services():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or (
        settings.CELERY_TASK_ALWAYS_EAGER
    ):
        pytest.skip(
            "A worker process needs a database and a broker it shares with the test: set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis and "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/11 (see README)"
        )


def _test_database_url() -> str:
    """The test database (pytest-django's test_<name>) as a URL for the worker process."""
    db = settings.DATABASES["default"]
    quote = urllib.parse.quote
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def _worker_env(smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=_test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        MAIL_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    return env


class Worker:
    """`celery -A ligepraksis worker -Q mail` as a process of its own (own session: killable as a
    group), as docker-compose.yml's mail worker runs it (the outbox's tasks are routed to "mail").
    Other tests start it on another queue (the report test on "files")."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path, *, queue: str = "mail"):
        self.node = f"{name}-{os.getpid()}@{queue}-test"
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in kill()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ligepraksis", "worker", "--pool=solo",
             "--concurrency=1", "-Q", queue, "-n", self.node, "-l", "INFO",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self, celery_app):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"worker {self.node} exited:\n{self.log()}"
            if celery_app.control.ping(destination=[self.node], timeout=0.5):
                return
        pytest.fail(f"worker {self.node} did not answer a ping within {WAIT_SECONDS} s:\n{self.log()}")

    def kill(self):
        """SIGKILL to the whole process group: no shutdown, no acknowledgement, nothing tidied."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(WAIT_SECONDS)
        self._log.close()


def _wait_for(condition, what: str, *, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"waited {seconds} s for {what}")


def _forget_unacked_sends(message_id: int) -> None:
    """The killed worker's task stays in Redis's unacked set until the visibility timeout (two hours)
    hands it back; remove it so that no later run meets it."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        for tag, raw in client.hgetall("unacked").items():
            try:
                headers = json.loads(raw)[0]["headers"]
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            if headers.get("task") == "ligepraksis.tasks.outbox_send" and headers.get("argsrepr") in (
                f"({message_id},)",
                f"[{message_id}]",
            ):
                client.pipeline().zrem("unacked_index", tag).hdel("unacked", tag).execute()
    finally:
        client.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_message_whose_worker_is_killed_mid_send_arrives_exactly_once(tmp_path):
    _skip_without_services()
    from ligepraksis import tasks
    from ligepraksis.celery import app as celery_app

    celery_app.conf.task_always_eager = False  # through Redis to the worker; the autouse fixture restores it
    celery_app.control.purge()  # leftovers from earlier runs must not interfere

    handler = HoldingHandler()
    smtp = SmtpServer(handler)
    workers: list[Worker] = []
    message = None
    try:
        smtp.start()
        env = _worker_env(smtp.port)
        first = Worker("outbox-first", env, tmp_path / "worker-first.log")
        workers.append(first)
        first.wait_ready(celery_app)

        with transaction.atomic():
            message = mail.enqueue(
                to=TO,
                template="join",
                context={"link": "http://x/", "site_url": "http://x", "hours": 72},
            )
        # On commit the sender is queued; the worker claims the row and the server holds the DATA.
        assert handler.holding.wait(WAIT_SECONDS), f"the worker never reached DATA:\n{first.log()}"
        message.refresh_from_db()
        assert (message.state, message.attempts) == (OutboxState.SENDING, 1)
        leased_at = message.claimed_at

        first.kill()  # kill -9 while the server holds the message, before it answered 250
        assert handler.aborted.wait(WAIT_SECONDS), "the SMTP server did not drop the vanished client"
        handler.release.set()
        time.sleep(0.5)
        assert handler.accepted == []  # the dropped session's message was never accepted
        message.refresh_from_db()
        assert message.state == OutboxState.SENDING and message.claimed_at == leased_at

        second = Worker("outbox-second", env, tmp_path / "worker-second.log")
        workers.append(second)
        second.wait_ready(celery_app)
        # Let the lease expire, and give a redelivery the chance to show itself: there is none
        # (Redis's visibility timeout is two hours), so the row still waits for the beat task.
        lease_ends = leased_at + dt.timedelta(seconds=LEASE_SECONDS + 1)
        _wait_for(lambda: timezone.now() > lease_ends, "the lease to expire")
        time.sleep(1)
        message.refresh_from_db()
        assert message.state == OutboxState.SENDING and handler.accepted == []

        tasks.outbox_retry.delay()  # what beat does every minute

        def sent():
            message.refresh_from_db()
            return message.state == OutboxState.SENT

        _wait_for(sent, f"the retried message to be sent; worker log:\n{second.log()}")
        assert len(handler.accepted) == 1
        rcpt_tos, content = handler.accepted[0]
        delivered = email.message_from_bytes(content, policy=email.policy.default)
        assert rcpt_tos == [TO] and delivered["To"] == TO and delivered["Subject"] == message.subject
        assert message.sent_at is not None and message.last_error == ""
        assert message.attempts == 2  # the killed attempt and the accepted one
        assert message.sent_at > lease_ends

        time.sleep(3)  # no second copy follows
        assert len(handler.accepted) == 1
        message.refresh_from_db()
        assert message.state == OutboxState.SENT and message.attempts == 2
        assert OutboxMessage.objects.count() == 1
    finally:
        for worker in workers:
            worker.kill()
        smtp.stop()
        if message is not None and message.pk:
            _forget_unacked_sends(message.pk)

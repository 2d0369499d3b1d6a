"""Helpers the tests share: a logged-in test client and a real Celery worker.

The actors and factories are in tests/conftest.py; these are the two bits of set-up that several test
modules used to copy.
"""

from __future__ import annotations

import contextlib

import pytest
from django.conf import settings
from django.db import connections

# Name the backend: the first one (axes) only throttles logins and cannot load a user for a session.
LOGIN_BACKEND = "ligepraksis.auth.EmailBackend"

NO_BROKER = "A real Celery worker needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/11 (see README)"


def login(client, user):
    """Log the test client in as `user` (None leaves it anonymous) and return it, for chaining."""
    if user is not None:
        client.force_login(user, backend=LOGIN_BACKEND)
    return client


def english(client):
    """Ask for English pages: messages are asserted by their msgids, and Danish is the default."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def body(response) -> bytes:
    """A response's body, whether it was streamed (a CSV export) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _close_worker_connections(**kwargs):
    """Runs in the worker thread after each task: leave no connection open to the test database."""
    connections.close_all()


def skip_without_broker() -> None:
    """Skip the test (and so fail it under CI) when no broker is configured."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip(NO_BROKER)


# The queues of CELERY_TASK_ROUTES (ligepraksis/settings.py): the default, the outbox, files.
QUEUES = ("celery", "mail", "files")


@contextlib.contextmanager
def real_worker(queues=QUEUES, *, purge: bool = True):
    """A Celery worker (a thread, pool "solo") consuming `queues` on the configured broker while the
    block runs: by default every queue (in production the mail worker serves "mail" and the files
    worker "files" and "celery"; see docker-compose.yml); a test may start it on one queue to show
    that its task is routed there. `purge=False` keeps what an earlier worker of the test left queued.

    Tasks queued inside the block go to the broker instead of running in process. The test needs
    `django_db(transaction=True)`: the worker thread cannot see the test's open transaction. Tests take
    it from the `real_worker` fixture (tests/conftest.py), which skips before the test starts when no
    broker is configured.
    """
    skip_without_broker()
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping for the test worker
    from celery import signals
    from celery.contrib.testing.worker import start_worker

    from ligepraksis.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    if purge:
        celery_app.control.purge()  # leftovers from earlier runs must not interfere
    signals.task_postrun.connect(_close_worker_connections, weak=False)
    try:
        # Always name the queues: the worker's selection stays on the app for the next worker.
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15, queues=list(queues)
        ):
            yield celery_app
    finally:
        signals.task_postrun.disconnect(_close_worker_connections)
        celery_app.conf.task_always_eager = eager

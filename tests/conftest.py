"""Shared actors and factories.

Services that a test needs (PostgreSQL, Redis, a browser) skip outside CI with a message saying what
to install; under CI (CI=true) a skip fails the run (see pytest_runtest_logreport below).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services as app_services
from applications.models import Application, ApplicationStatus
from ligepraksis.models import (
    Area,
    Municipality,
    ProgrammeRound,
    Region,
    ReviewCriterion,
    Role,
    SizeBand,
    TermsVersion,
)
from ligepraksis.services import role_grant, user_get_or_create
from practices.models import Practice, PracticeType
from practices.services import practice_grant, practice_register

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "test-pass-1234"


def pytest_runtest_logreport(report):
    """Under CI nothing may be skipped: a skipped test means a service or browser was missing."""
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"Skipped under CI (CI=true), which counts as a failure: {report.longrepr}"


_seq = itertools.count(1)


def _cvr() -> str:
    """A fresh valid CVR number (modulus 11, weights 2,7,6,5,4,3,2,1)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        base = f"{3000000 + next(_seq) * 7919 % 6999999:07d}"
        total = sum(int(d) * w for d, w in zip(base, weights, strict=True))
        check = (-total) % 11
        if check < 10:
            return base + str(check)


def _provider_number() -> str:
    return f"{next(_seq) % 1000000:06d}"


def make_region() -> Region:
    region = Region.objects.create(name="Region Midtjylland", code="midt")
    for name in ("Aarhus", "Herning", "Randers", "Horsens", "Viborg", "Samsø"):
        Municipality.objects.create(region=region, name=name)
    return region


@pytest.fixture
def region(db):
    return make_region()


def make_round(region, *, open_=True, places=3, name=None, **kw) -> ProgrammeRound:
    now = timezone.now()
    if open_:
        opens, deadline = now - dt.timedelta(days=10), now + dt.timedelta(days=10)
    else:
        opens, deadline = now - dt.timedelta(days=20), now - dt.timedelta(days=1)
    r = ProgrammeRound.objects.create(
        region=region,
        name=name or f"Runde {next(_seq)}",
        year=2026,
        applications_open_at=kw.pop("applications_open_at", opens),
        application_deadline=kw.pop("application_deadline", deadline),
        places=places,
        hour_target=Decimal("10"),
        offer_days=7,
        **kw,
    )
    munis = {m.name: m for m in region.municipalities.all()}
    for area_name, members in (
        ("Aarhus", ["Aarhus", "Samsø"]),
        ("Vest", ["Herning"]),
        ("Øst", ["Randers", "Horsens", "Viborg"]),
    ):
        area = Area.objects.create(round=r, name=area_name)
        area.municipalities.set([munis[m] for m in members if m in munis])
    SizeBand.objects.create(round=r, name="Lille", min_capacities=Decimal("0"), max_capacities=Decimal("2.5"))
    SizeBand.objects.create(round=r, name="Stor", min_capacities=Decimal("2.5"), max_capacities=None)
    ReviewCriterion.objects.create(round=r, name="Motivation", order=1)
    ReviewCriterion.objects.create(round=r, name="Patientgrundlag", order=2)
    TermsVersion.objects.create(round=r, version="1.0", text="Vilkår for deltagelse.")
    return r


@pytest.fixture
def open_round(region):
    return make_round(region, open_=True)


@pytest.fixture
def closed_round(region):
    """A round whose deadline has passed: review and decisions are open."""
    return make_round(region, open_=False)


def make_practice(
    region, *, name=None, municipality="Aarhus", form=PracticeType.SOLO, capacities="1"
) -> Practice:
    n = next(_seq)
    return practice_register(
        provider_numbers=[_provider_number()],
        cvr=_cvr(),
        name=name or f"Lægehuset nr. {n}",
        address=f"Testvej {n}",
        postcode="8000",
        city="Aarhus C",
        municipality=region.municipalities.get(name=municipality),
        form=form,
        doctor_capacities=Decimal(capacities),
        staff_count=3,
        listed_patients=1600,
    )


def make_user(email=None, *, role=None, password=PASSWORD, practice=None, **scope):
    """A login with a password; `role` + scope gives a role grant, `practice` lets it act for a practice."""
    user = user_get_or_create(email=email or f"user{next(_seq)}@example.org", full_name="Test Bruger")
    user.set_password(password)
    user.save()
    if role:
        role_grant(user=user, role=role, **scope)
    if practice is not None:
        practice_grant(user=user, practice=practice)
    return user


def make_application(round_obj, *, practice=None, user=None, submit=True, **practice_kw) -> Application:
    """An application with texts and both coordinators, submitted before the deadline."""
    practice = practice or make_practice(round_obj.region, **practice_kw)
    user = user or make_user()
    practice_grant(user=user, practice=practice)  # the applicant acts for the practice (finding 1)
    before = round_obj.application_deadline - dt.timedelta(hours=1)
    app = app_services.application_start(user=user, round_obj=round_obj, practice=practice, now=before)
    n = next(_seq)
    app_services.application_update(
        application=app,
        user=user,
        practice_description="Vi er en praksis i byen.",
        patient_base="Mange sårbare patienter.",
        motivation="Vi vil gerne blive bedre.",
        doctor=app_services.CoordinatorData(f"Læge {n}", f"laege{n}@example.org"),
        staff=app_services.CoordinatorData(f"Sygeplejerske {n}", f"syg{n}@example.org"),
        now=before,
    )
    if submit:
        app_services.application_submit(application=app, user=user, now=before)
    app.refresh_from_db()
    return app


def signin_token(user, scope: str, *, minutes_ago: float = 0) -> str:
    """A sign-in link's django-sesame token for `user` and `scope`, as if made `minutes_ago` minutes ago."""
    import time
    from unittest import mock

    import sesame.tokens_v2
    from sesame.utils import get_token

    then = time.time() - minutes_ago * 60
    with mock.patch.object(sesame.tokens_v2, "time", mock.Mock(time=lambda: then)):
        return get_token(user, scope=scope)


@pytest.fixture
def leader(closed_round):
    return make_user("leder@example.org", role=Role.PROJECT_LEADER, round=closed_round)


@pytest.fixture
def steering(closed_round):
    return make_user("folge@example.org", role=Role.STEERING, round=closed_round)


@pytest.fixture
def outsider(db):
    return make_user("outsider@example.org")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="module")
def demo_db(request, django_db_setup, django_db_blocker):
    """The demo data (`manage.py demo_data`), built once for the test module that asks for it.

    It is built inside a transaction that stays open while the module runs and is rolled back after its
    last test, as Django's TestCase does with setUpTestData: each test runs in a savepoint inside it
    (`django_db`, not `transaction=True`), so what a test writes is undone and the next test finds the
    demo as built, and the modules after it find an empty database. A module that uses it may hold no
    transactional test (the worker thread of such a test, or its flush, would meet the open transaction).
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    from ligepraksis.celery import app

    offending = [
        item.name
        for item in request.session.items
        if getattr(item, "module", None) is request.module and _is_transactional(item)
    ]
    if offending:
        pytest.fail(f"demo_db keeps a transaction open for the module; move these tests out: {offending}")

    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        # What the autouse _tasks_in_process fixture gives each test (a module fixture runs before it).
        eager, app.conf.task_always_eager = app.conf.task_always_eager, True
        try:
            with (
                django_db_blocker.unblock(),
                override_settings(
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                ),
            ):
                call_command("demo_data", "--quiet")
        finally:
            app.conf.task_always_eager = eager
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


__all__ = [
    "make_application",
    "make_practice",
    "make_round",
    "make_user",
    "signin_token",
    "ApplicationStatus",
    "PASSWORD",
    "IN_CI",
]


@pytest.fixture
def real_worker():
    """`with real_worker(): ...` runs a real Celery worker for the block (tests/helpers.py); without a
    broker the test skips here, before it starts."""
    from tests import helpers

    helpers.skip_without_broker()
    return helpers.real_worker


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Danish): a request through LocaleMiddleware leaves
    its language active on the thread, which would let a test that asked for English change the
    messages the next test's services give."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The throttles count in the cache (LocMemCache, shared by the whole test process)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Tests run tasks in process; the real-worker tests switch this off for themselves."""
    from ligepraksis.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A fast hasher: the production one is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    app.conf.task_always_eager = before

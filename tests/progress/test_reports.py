"""Status reports: period arithmetic, one report per period, the overdue rule, the reminder sent once
(a task run twice, and through a real worker), bad input refused with nothing half-saved, edits that
collide, the selectors other pages use, and the pages' query counts."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applications.services import participation_assign_consultant
from ligepraksis.errors import DomainError
from ligepraksis.models import OutboxMessage, Role
from progress import tasks
from progress.models.reports import ReportSchedule, StatusReport, StatusReportReminder, report_interval_months
from progress.selectors import reports as selectors
from progress.services import reports as services
from tests.activities.service_factories import participate
from tests.conftest import make_round, make_user
from tests.helpers import english, login

D = dt.date


def _schedule(start, interval=2):
    return ReportSchedule(start=start, interval=interval)


# --- Period arithmetic -----------------------------------------------------------------------------------


def test_periods_run_from_the_start_in_steps_of_the_interval():
    s = _schedule(D(2026, 2, 10))
    assert (s.period(1).starts_on, s.period(1).ends_on) == (D(2026, 2, 10), D(2026, 4, 9))
    assert (s.period(2).starts_on, s.period(2).ends_on) == (D(2026, 4, 10), D(2026, 6, 9))
    assert s.period(7).starts_on == D(2027, 2, 10)  # over the new year


def test_month_ends_do_not_drift():
    s = _schedule(D(2026, 1, 31), interval=1)
    assert [(s.period(n).starts_on, s.period(n).ends_on) for n in (1, 2, 3)] == [
        (D(2026, 1, 31), D(2026, 2, 27)),
        (D(2026, 2, 28), D(2026, 3, 30)),
        (D(2026, 3, 31), D(2026, 4, 29)),
    ]
    leap = _schedule(D(2027, 12, 31), interval=2)
    assert leap.period(1).ends_on == D(2028, 2, 28) and leap.period(2).starts_on == D(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "number"),
    [(D(2026, 1, 30), 0), (D(2026, 1, 31), 1), (D(2026, 2, 27), 1), (D(2026, 2, 28), 2), (D(2026, 3, 31), 3)],
)
def test_the_period_a_day_falls_in(day, number):
    assert _schedule(D(2026, 1, 31), interval=1).number_on(day) == number


def test_periods_are_contiguous_and_every_day_falls_in_the_one_that_holds_it():
    import random

    rng = random.Random(10)
    for _ in range(200):
        start = D(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 800))
        s = _schedule(start, interval=rng.choice([1, 2, 3, 6]))
        for n in range(1, 8):
            assert s.period(n + 1).starts_on == s.period(n).ends_on + dt.timedelta(days=1)
        day = start + dt.timedelta(days=rng.randrange(0, 700))
        p = s.period(s.number_on(day))
        assert p.starts_on <= day <= p.ends_on


@pytest.mark.django_db
def test_the_interval_is_the_rounds_setting_two_months_by_default(region):
    r = make_round(region)
    assert report_interval_months(r) == 2  # the field's default (seed 003: at least every second month)
    r.status_report_interval_months = 3
    assert report_interval_months(r) == 3


# --- The overdue rule --------------------------------------------------------------------------------


def test_a_period_is_overdue_the_day_after_it_ends_without_a_report():
    s = _schedule(D(2026, 2, 10))
    assert s.overdue(D(2026, 4, 9), set()) == []  # its last day: still in time
    assert [p.number for p in s.overdue(D(2026, 4, 10), set())] == [1]
    assert s.overdue(D(2026, 4, 10), {1}) == []  # filed late: no longer overdue
    assert [p.number for p in s.overdue(D(2026, 8, 20), {2})] == [1, 3]


def test_an_ended_participation_owes_nothing():
    s = ReportSchedule(start=D(2026, 2, 10), interval=2, active=False)
    assert s.overdue(D(2027, 1, 1), set()) == [] and s.next_due(D(2027, 1, 1), set()) is None


def test_the_next_due_date_skips_reported_periods():
    s = _schedule(D(2026, 2, 10))
    assert s.next_due(D(2026, 3, 1), set()).ends_on == D(2026, 4, 9)
    assert s.next_due(D(2026, 3, 1), {1}).ends_on == D(2026, 6, 9)


# --- Filing ------------------------------------------------------------------------------------------


@pytest.fixture
def started(closed_round, leader):
    """A participation that began 130 days ago (two periods ended, the third running) and its login."""
    participation, user = participate(
        closed_round, leader, accepted_at=timezone.now() - dt.timedelta(days=130)
    )
    return participation, user


def _file(participation, user, number=1, **kw):
    fields = {"progress": "Vi er godt i gang.", "traffic_light": "green", "period_number": number}
    fields.update(kw)
    return services.status_report_submit(user=user, participation=participation, **fields)


def test_the_practice_files_a_report_for_a_period(started):
    participation, user = started
    report = _file(participation, user, 1, challenges="Tid", support_wanted="Sparring")
    schedule = ReportSchedule.for_participation(participation)
    assert (report.period_start, report.period_end) == (
        schedule.period(1).starts_on,
        schedule.period(1).ends_on,
    )
    assert report.submitted_by == user and report.history.count() == 1


def test_a_second_report_for_a_period_is_refused_in_danish(started):
    participation, user = started
    from django.utils import translation

    _file(participation, user, 1)
    with pytest.raises(DomainError) as refused, translation.override("da"):
        _file(participation, user, 1, progress="Igen")
    assert refused.value.code == "already_reported" and refused.value.field == "period"
    assert "allerede" in str(refused.value.message)
    assert StatusReport.objects.filter(participation=participation).count() == 1


def test_the_database_keeps_one_report_per_period(started):
    participation, user = started
    first = _file(participation, user, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(
            participation=participation,
            period_number=1,
            period_start=first.period_start,
            period_end=first.period_end,
            progress="x",
            traffic_light="red",
            submitted_by=user,
        )


def test_a_cpr_number_in_a_text_is_refused_and_nothing_is_saved(started):
    participation, user = started
    with pytest.raises(DomainError) as refused:
        _file(participation, user, 1, challenges="Patient 010190-1234 udebliver")
    assert refused.value.field == "challenges"
    assert not StatusReport.objects.exists()


def test_a_period_not_begun_is_refused(started):
    participation, user = started
    with pytest.raises(DomainError) as refused:
        _file(participation, user, 4)
    assert refused.value.code == "period_not_begun"


def test_only_the_practice_files(started, leader):
    participation, _user = started
    with pytest.raises(DomainError):
        _file(participation, leader, 1)


def test_the_second_of_two_edits_of_the_same_version_is_told_it_changed(started):
    participation, user = started
    report = _file(participation, user, 1)
    services.status_report_update(user=user, report=report, version=1, progress="Første ændring")
    with pytest.raises(DomainError) as refused:
        services.status_report_update(user=user, report=report, version=1, progress="Anden ændring")
    assert refused.value.code == "changed"
    report.refresh_from_db()
    assert report.progress == "Første ændring" and report.version == 2 and report.history.count() == 2
    assert {h.history_user for h in report.history.all()} == {user}  # who changed it, kept


# --- Selectors ---------------------------------------------------------------------------------------


def test_selectors_for_other_pages(started, closed_round, leader, django_assert_num_queries):
    participation, user = started
    other, _ = participate(closed_round, leader)  # began now: nothing overdue
    _file(participation, user, 1, traffic_light="yellow")
    latest = _file(participation, user, 3, traffic_light="red")
    today = timezone.localdate()
    ids = [participation.pk, other.pk]
    with django_assert_num_queries(1):
        assert selectors.last_reports(ids) == {participation.pk: latest}
    assert selectors.overdue_report_counts(ids, today) == {participation.pk: 1, other.pk: 0}
    assert selectors.reports_up_to_date(ids, today) == {participation.pk: False, other.pk: True}


# --- Reminders -------------------------------------------------------------------------------------


def _with_coordinator_email(participation):
    """Only the doctor coordinator has an address: one message per reminder."""
    staff = participation.application.staff_coordinator
    staff.email = ""
    staff.save()
    person = participation.application.doctor_coordinator
    person.email = "laege@praksis.example"
    person.save()
    return person


def test_the_reminder_task_run_twice_writes_one_message_per_overdue_period(started):
    participation, user = started
    _with_coordinator_email(participation)
    _file(participation, user, 2)  # period 1 overdue, period 2 filed
    assert tasks.send_status_report_reminders() == 1
    assert tasks.send_status_report_reminders() == 0
    messages = OutboxMessage.objects.filter(key__startswith=f"status-report:{participation.pk}:")
    assert messages.count() == 1 and "laege@praksis.example" == messages.get().to
    assert StatusReportReminder.objects.filter(participation=participation, period_number=1).count() == 1


def test_a_period_filed_while_the_sweep_runs_is_not_reminded(started):
    participation, user = started
    _with_coordinator_email(participation)
    period = ReportSchedule.for_participation(participation).period(1)
    _file(participation, user, 1)  # filed after the sweep read what was reported
    assert services._remind(participation, period, timezone.now()) is False
    assert not StatusReportReminder.objects.exists()
    assert not OutboxMessage.objects.filter(key__startswith="status-report:").exists()


def test_a_failing_mail_leaves_the_period_unreminded(started, monkeypatch):
    """The row and the message are one transaction: if writing the mail fails, nothing is marked."""
    participation, _user = started
    _with_coordinator_email(participation)
    from ligepraksis import mail

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(mail, "enqueue", broken)
    with pytest.raises(RuntimeError):
        services.status_report_reminders_send()
    assert not StatusReportReminder.objects.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_through_a_real_worker_twice_writes_one_message(region, real_worker):
    from celery import signals

    round_obj = make_round(region, open_=False)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    participation, _user = participate(round_obj, leader, accepted_at=timezone.now() - dt.timedelta(days=70))
    _with_coordinator_email(participation)
    done = []

    def finished(sender=None, **kwargs):
        if sender is not None and sender.name == tasks.send_status_report_reminders.name:
            done.append(kwargs.get("retval"))

    signals.task_postrun.connect(finished, weak=False)
    try:
        with real_worker():
            tasks.send_status_report_reminders.delay()
            tasks.send_status_report_reminders.delay()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(done) < 2:
                time.sleep(0.2)
    finally:
        signals.task_postrun.disconnect(finished)
    assert len(done) == 2, "the worker did not run the task twice within 30 s"
    assert sorted(done) == [0, 1]
    assert OutboxMessage.objects.filter(key__startswith=f"status-report:{participation.pk}:").count() == 1


# --- Pages ---------------------------------------------------------------------------------------------


def test_the_practice_files_a_report_on_its_page(client, started):
    participation, user = started
    url = reverse("progress:reports", args=[participation.pk])
    english(login(client, user))
    page = client.get(url)
    assert page.status_code == 200 and b"2 status reports are overdue" in page.content
    response = client.post(
        url, {"period": "1", "progress": "Godt i gang", "traffic_light": "yellow", "challenges": ""}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "1 status report is overdue" in page and "Yellow: some trouble" in page


def test_a_cpr_number_on_the_page_shows_the_form_again_and_saves_nothing(client, started):
    participation, user = started
    response = login(client, user).post(
        reverse("progress:reports", args=[participation.pk]),
        {"period": "1", "progress": "CPR 010190-1234", "traffic_light": "green"},
    )
    assert response.status_code == 200 and response.context["form"].errors["progress"]
    assert not StatusReport.objects.exists()


def test_the_start_page_card_shows_what_is_overdue_with_a_link(client, started):
    participation, user = started
    body = english(login(client, user)).get(reverse("home")).content.decode()
    assert "2 status reports are overdue" in body
    assert reverse("progress:reports", args=[participation.pk]) in body


def _reports(participation, user, n):
    schedule = ReportSchedule.for_participation(participation)
    StatusReport.objects.bulk_create(
        StatusReport(
            participation=participation,
            period_number=k,
            period_start=schedule.period(k).starts_on,
            period_end=schedule.period(k).ends_on,
            progress=f"Rapport {k}",
            traffic_light="green",
            submitted_by=user,
        )
        for k in range(1, n + 1)
    )


@pytest.mark.parametrize("n", [5, 50])
def test_the_practice_reports_page_costs_the_same_for_5_and_50_reports(
    client, closed_round, leader, n, django_assert_num_queries
):
    participation, user = participate(
        closed_round, leader, accepted_at=timezone.now() - dt.timedelta(days=3100)
    )
    _reports(participation, user, n)
    login(client, user)
    url = reverse("progress:reports", args=[participation.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(QUERIES_REPORTS_PAGE) as captured:
        response = client.get(url)
    assert response.content.decode().count('data-row="report"') == n
    assert captured


@pytest.mark.parametrize("n", [5, 50])
def test_the_round_reports_page_costs_the_same_for_5_and_50_practices(
    client, closed_round, leader, n, django_assert_num_queries
):
    from applications.models import Participation
    from tests.conftest import make_application

    terms = closed_round.current_terms()
    for _ in range(n):
        app = make_application(closed_round)
        Participation.objects.create(
            round=closed_round, practice=app.practice, application=app, terms=terms,
            accepted_by=app.created_by,
            accepted_at=timezone.now() - dt.timedelta(days=200),
        )  # fmt: skip
    first = Participation.objects.order_by("pk").first()
    _reports(first, first.accepted_by, 2)
    login(client, leader)
    url = reverse("progress:round_reports", args=[closed_round.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_ROUND_PAGE):
        response = client.get(url)
    assert response.content.decode().count('data-row="participation"') == n


# Session, user, grants (2), the participation, the reports' periods, the page's count and rows, the
# history middleware and messages: whatever the number of rows.
QUERIES_REPORTS_PAGE = 11
# ... and the round, its participations' count and page, their reports (periods and the latest).
QUERIES_ROUND_PAGE = 13


def test_overdue_reports_are_shown_to_the_leaders_and_the_consultant(client, started, closed_round, leader):
    participation, _user = started
    consultant = make_user(role=Role.CONSULTANT, round=closed_round)
    participation_assign_consultant(participation=participation, consultant=consultant, by=leader)
    for reader in (leader, consultant):
        english(login(client, reader))
        home = client.get(reverse("home")).content.decode()
        assert "1 practice has an overdue status report" in home
        page = client.get(reverse("progress:round_reports", args=[closed_round.pk])).content.decode()
        assert participation.practice.name in page and 'data-state="overdue"' in page
        client.logout()
    # A consultant of the round who is not assigned to the practice does not see it.
    other = make_user(role=Role.CONSULTANT, round=closed_round)
    english(login(client, other))
    assert "1 practice has an overdue status report" not in client.get(reverse("home")).content.decode()
    page = client.get(reverse("progress:round_reports", args=[closed_round.pk])).content.decode()
    assert participation.practice.name not in page

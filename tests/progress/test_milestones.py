"""Milestones: the round's template (defaults, the hour target reads the round's deadline), each
participation's milestones made idempotently, closing from attendance, from the hours ledger and
from records, staying closed, one rule for overdue, a leader's close and reopen with a reason."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from activities.models import ActivityKind, ClaimStatus
from applications.models import Participation
from ligepraksis.errors import DomainError
from progress.models import (
    ClinicModule,
    ClosedBy,
    Milestone,
    MilestoneKind,
    MilestoneState,
    MilestoneTemplate,
)
from progress.services import milestones as services
from tests.activities.service_factories import make_activity
from tests.activities.test_hours import at, claim, held
from tests.progress.factories import participate, record_clinic_module, record_followup

pytestmark = pytest.mark.django_db


def ms(participation, kind) -> Milestone:
    return Milestone.objects.select_related("template__round").get(
        participation=participation, template__kind=kind
    )


def refresh(participation):
    return services.milestones_refresh(participations=Participation.objects.filter(pk=participation.pk))


# --- The template and making the milestones ---------------------------------------------------------


def test_a_round_gets_the_default_template_with_the_timeline_s_due_dates(closed_round):
    services.milestone_templates_ensure(rounds=[closed_round])
    rows = {t.kind: t for t in MilestoneTemplate.objects.filter(round=closed_round)}
    assert list(rows) == [
        "startup",
        "hours",
        "clinic_module",
        "followup",
        "intervention",
        "status_reports",
        "evaluation",
        "knowledge_sharing",
    ]
    assert rows["startup"].due_date == dt.date(2026, 8, 31)  # spring-summer
    assert rows["evaluation"].due_date == dt.date(2026, 11, 30)  # autumn
    assert rows["status_reports"].due_date == dt.date(2027, 2, 28)  # January-February of the next year
    assert rows["hours"].due_date is None


def test_the_hour_target_s_due_date_is_read_from_the_round_not_copied(closed_round):
    services.milestone_templates_ensure(rounds=[closed_round])
    hours = MilestoneTemplate.objects.get(round=closed_round, kind=MilestoneKind.HOURS)
    assert hours.due_on == dt.date(2026, 12, 31)  # no hour_window_end: the end of the round's year
    closed_round.hour_window_end = dt.date(2026, 10, 15)
    closed_round.save()
    hours = MilestoneTemplate.objects.select_related("round").get(pk=hours.pk)
    assert hours.due_on == dt.date(2026, 10, 15)


def test_milestones_ensure_is_idempotent_and_the_command_makes_them_for_existing_participations(
    closed_round, part
):
    participation, _user = part
    Milestone.objects.all().delete()  # as before progress/ existed
    out = StringIO()
    call_command("progress_milestones", stdout=out)
    assert "milestones made: 8" in out.getvalue()
    assert Milestone.objects.filter(participation=participation).count() == 8
    assert Milestone.history.filter(history_type="+").count() >= 8
    assert services.milestones_ensure(participations=[participation]) == 0
    call_command("progress_milestones", stdout=StringIO())
    assert Milestone.objects.filter(participation=participation).count() == 8


def test_a_template_row_added_later_reaches_every_participation(closed_round, part):
    participation, _user = part
    refresh(participation)
    MilestoneTemplate.objects.create(
        round=closed_round, kind="other", name="Artikel", due_date=dt.date(2026, 11, 30), order=99
    )
    assert services.milestones_ensure(participations=[participation]) == 1


# --- Closing from data -------------------------------------------------------------------------------


def test_the_start_up_meeting_closes_when_both_coordinators_attended(closed_round, leader, part):
    participation, puser = part
    doctor, staff = participation.application.doctor_coordinator, participation.application.staff_coordinator
    startup = make_activity(
        closed_round, title="Opstartsmøde", kind=ActivityKind.STARTUP, hours="1.5", required=True
    )
    refresh(participation)
    held(startup, at(2026, 1, 20), puser, participation.practice, leader, present=[doctor], absent=[staff])
    refresh(participation)
    m = ms(participation, MilestoneKind.STARTUP)
    assert not m.is_done and m.started_at is not None  # one of two: in progress
    held(startup, at(2026, 2, 2), puser, participation.practice, leader, present=[staff])
    assert refresh(participation) == 1
    m = ms(participation, MilestoneKind.STARTUP)
    assert m.is_done and m.closed_by == ClosedBy.ATTENDANCE
    assert "coordinators attended" in m.evidence or "tovholdere" in m.evidence


def test_the_hour_target_closes_when_the_ledger_reaches_it(closed_round, leader, part):
    participation, _puser = part
    doctor = participation.application.doctor_coordinator
    claim(participation, doctor, "6", ClaimStatus.APPROVED, leader=leader)
    refresh(participation)
    m = ms(participation, MilestoneKind.HOURS)
    assert not m.is_done and m.started_at is not None
    claim(participation, doctor, "4", ClaimStatus.APPROVED, leader=leader)
    refresh(participation)
    m = ms(participation, MilestoneKind.HOURS)
    assert m.is_done and m.closed_by == ClosedBy.HOURS_LEDGER and "10" in m.evidence


def test_the_clinic_module_and_follow_up_meeting_close_when_recorded(part):
    participation, puser = part
    refresh(participation)
    assert not ms(participation, MilestoneKind.CLINIC_MODULE).is_done
    record_clinic_module(participation, puser)
    m = ms(participation, MilestoneKind.CLINIC_MODULE)
    assert m.is_done and m.closed_by == ClosedBy.CLINIC_MODULE
    record_followup(participation, puser)
    assert ms(participation, MilestoneKind.FOLLOWUP).closed_by == ClosedBy.FOLLOWUP


def test_a_milestone_closed_by_data_stays_closed_when_its_data_changes(part):
    participation, puser = part
    record_clinic_module(participation, puser)
    closed_at = ms(participation, MilestoneKind.CLINIC_MODULE).closed_at
    ClinicModule.objects.filter(participation=participation).delete()  # the data goes away
    refresh(participation)
    m = ms(participation, MilestoneKind.CLINIC_MODULE)
    assert m.is_done and m.closed_at == closed_at


def test_refresh_is_idempotent(part):
    participation, puser = part
    record_clinic_module(participation, puser)
    assert refresh(participation) == 0
    history = Milestone.history.count()
    assert refresh(participation) == 0
    assert Milestone.history.count() == history


# --- Overdue: one rule ------------------------------------------------------------------------------


def test_overdue_is_one_rule_in_sql_and_on_the_row(closed_round, part):
    participation, puser = part
    closed_round.hour_window_end = dt.date(2026, 9, 30)
    closed_round.save()
    refresh(participation)
    for today, expected in (
        (dt.date(2026, 8, 31), set()),  # the due day itself is not overdue
        (
            dt.date(2026, 9, 1),
            {"startup", "clinic_module", "followup", "intervention"},
        ),
        (
            dt.date(2026, 10, 1),
            {"startup", "hours", "clinic_module", "followup", "intervention"},
        ),
        (
            dt.date(2026, 12, 1),
            {
                "startup",
                "hours",
                "clinic_module",
                "followup",
                "intervention",
                "evaluation",
                "knowledge_sharing",
            },
        ),
    ):
        sql = set(
            Milestone.objects.overdue(today)
            .filter(participation=participation)
            .values_list("template__kind", flat=True)
        )
        rows = {
            m.template.kind
            for m in Milestone.objects.filter(participation=participation).select_related("template__round")
            if m.is_overdue(today)
        }
        assert sql == rows == expected, today
    record_clinic_module(participation, puser)
    late = dt.date(2026, 12, 1)
    assert not ms(participation, MilestoneKind.CLINIC_MODULE).is_overdue(late)
    assert not Milestone.objects.overdue(late).filter(template__kind="clinic_module").exists()


def test_the_hour_target_without_a_deadline_is_overdue_after_the_round_s_year(closed_round, part):
    participation, _ = part
    refresh(participation)
    hours = ms(participation, MilestoneKind.HOURS)
    for today, expected in ((dt.date(2026, 12, 31), False), (dt.date(2027, 1, 1), True)):
        assert hours.is_overdue(today) is expected
        assert Milestone.objects.overdue(today).filter(pk=hours.pk).exists() is expected


def test_states(part):
    participation, puser = part
    refresh(participation)
    m = ms(participation, MilestoneKind.EVALUATION)
    assert m.state(dt.date(2026, 11, 1)) == MilestoneState.NOT_STARTED
    assert m.state(dt.date(2026, 12, 1)) == MilestoneState.OVERDUE
    m.started_at = timezone.now()
    assert m.state(dt.date(2026, 11, 1)) == MilestoneState.IN_PROGRESS


# --- By hand ------------------------------------------------------------------------------------------


def test_a_leader_closes_and_reopens_only_with_a_reason_kept_in_the_history(part, leader):
    participation, _ = part
    refresh(participation)
    m = ms(participation, MilestoneKind.KNOWLEDGE_SHARING)
    for reason in ("", "   "):
        with pytest.raises(DomainError) as exc:
            services.milestone_close(milestone=m, user=leader, reason=reason)
        assert exc.value.code == "reason_required"
    assert not ms(participation, MilestoneKind.KNOWLEDGE_SHARING).is_done
    services.milestone_close(milestone=m, user=leader, reason="Artikel i Practicus")
    m = ms(participation, MilestoneKind.KNOWLEDGE_SHARING)
    assert m.is_done and m.closed_by == ClosedBy.MANUAL and m.changed_by == leader
    with pytest.raises(DomainError):
        services.milestone_reopen(milestone=m, user=leader, reason="")
    services.milestone_reopen(milestone=m, user=leader, reason="Artiklen blev ikke bragt")
    m = ms(participation, MilestoneKind.KNOWLEDGE_SHARING)
    assert not m.is_done
    reasons = list(m.history.order_by("history_date").values_list("reason", flat=True))
    assert "Artikel i Practicus" in reasons and "Artiklen blev ikke bragt" in reasons


def test_a_reopened_data_fed_milestone_closes_again_from_its_data(part, leader):
    participation, puser = part
    record_clinic_module(participation, puser)
    m = ms(participation, MilestoneKind.CLINIC_MODULE)
    services.milestone_reopen(milestone=m, user=leader, reason="Forkert dato")
    assert not ms(participation, MilestoneKind.CLINIC_MODULE).is_done
    refresh(participation)
    assert ms(participation, MilestoneKind.CLINIC_MODULE).is_done


def test_a_cpr_number_in_the_reason_is_refused(part, leader):
    participation, _ = part
    refresh(participation)
    m = ms(participation, MilestoneKind.EVALUATION)
    with pytest.raises(DomainError):
        services.milestone_close(milestone=m, user=leader, reason="Patient 010190-1234")
    assert not ms(participation, MilestoneKind.EVALUATION).is_done


def test_a_new_participation_gets_its_milestones_when_it_is_created(closed_round, leader):
    participation, _ = participate(closed_round, leader)
    assert Milestone.objects.filter(participation=participation).count() == 8
    assert services.milestones_ensure(participations=[participation]) == 0


def test_the_nightly_task_closes_data_fed_milestones_once(closed_round, leader, part):
    from progress.tasks import refresh_milestones

    participation, _ = part
    claim(
        participation, participation.application.doctor_coordinator, "10", ClaimStatus.APPROVED, leader=leader
    )
    assert refresh_milestones.delay().get() == 1
    assert ms(participation, MilestoneKind.HOURS).is_done
    assert refresh_milestones.delay().get() == 0

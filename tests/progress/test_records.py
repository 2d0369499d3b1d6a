"""The practice's records: saved versioned (a second concurrent save is refused, nothing
overwritten), kept in the history, and bad input refused in Danish with nothing half-saved."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from ligepraksis.errors import DomainError
from progress.models import ClinicModule, FollowupMeeting, Intervention, Milestone, PdsaCycle
from progress.services import records as services
from tests.progress.factories import (
    clinic_module_data,
    pdsa_data,
    record_clinic_module,
    record_intervention,
)

pytestmark = pytest.mark.django_db
CPR = "Patient 010190-1234"


def refused(call, **kw) -> DomainError:
    with translation.override("da"), pytest.raises(DomainError) as exc:
        call(**kw)
    return exc.value


def test_a_second_save_of_the_same_version_is_told_it_changed(part):
    participation, puser = part
    cm = record_clinic_module(participation, puser)
    seen = cm.version
    services.clinic_module_save(
        participation=participation, user=puser, version=seen, data=clinic_module_data(doctors=3)
    )
    err = refused(
        services.clinic_module_save,
        participation=participation,
        user=puser,
        version=seen,
        data=clinic_module_data(doctors=9),
    )
    assert err.code == "changed"
    cm = ClinicModule.objects.get(participation=participation)
    assert cm.doctors == 3 and cm.version == seen + 1
    assert cm.history.count() == 2


def test_two_people_creating_the_record_at_once_the_second_is_told(part):
    participation, puser = part
    record_clinic_module(participation, puser)
    err = refused(
        services.clinic_module_save,
        participation=participation,
        user=puser,
        version=None,
        data=clinic_module_data(),
    )
    assert err.code == "changed"
    assert ClinicModule.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": "before"}, "held_on"),
        ({"held_on": "tomorrow"}, "held_on"),
        ({"doctors": 201}, "doctors"),
        ({"staff": 201}, "staff"),
        ({"challenges": CPR}, "challenges"),
        ({"patient_group_text": CPR}, "patient_group_text"),
        ({"focus_text": CPR}, "focus_text"),
    ],
)
def test_bad_clinic_module_input_is_refused_in_danish_and_nothing_saved(part, change, field):
    participation, puser = part
    today = timezone.localdate()
    days = {
        "before": timezone.localdate(participation.accepted_at) - dt.timedelta(days=1),
        "tomorrow": today + dt.timedelta(days=1),
    }
    change = {k: days.get(v, v) if isinstance(v, str) and v in days else v for k, v in change.items()}
    err = refused(
        services.clinic_module_save,
        participation=participation,
        user=puser,
        version=None,
        data=clinic_module_data(**change),
    )
    assert err.field == field
    assert any(word in err.message for word in ("dato", "Dato", "CPR", "200", "højst")), err.message
    assert not ClinicModule.objects.exists()
    assert not Milestone.objects.filter(closed_at__isnull=False).exists()


def test_a_negative_number_of_participants_is_refused(part):
    participation, puser = part
    err = refused(
        services.clinic_module_save,
        participation=participation,
        user=puser,
        version=None,
        data=clinic_module_data(staff=-1),
    )
    assert err.field == "staff"
    assert not ClinicModule.objects.exists()


def test_the_clinic_module_on_the_day_the_participation_began_and_today_is_accepted(part):
    participation, puser = part
    record_clinic_module(participation, puser, held_on=timezone.localdate(participation.accepted_at))
    cm = ClinicModule.objects.get()
    services.clinic_module_save(
        participation=participation,
        user=puser,
        version=cm.version,
        data=clinic_module_data(held_on=timezone.localdate(), doctors=0, staff=200),
    )


def test_a_follow_up_meeting_with_a_cpr_number_is_refused(part):
    participation, puser = part
    err = refused(
        services.followup_save,
        participation=participation,
        user=puser,
        version=None,
        data={"held_on": timezone.localdate(), "participants": "Alle", "decisions": CPR},
    )
    assert err.field == "decisions"
    assert not FollowupMeeting.objects.exists()


def test_a_pdsa_cycle_studied_before_it_was_planned_is_refused(part):
    participation, puser = part
    intervention = record_intervention(participation, puser)
    data = pdsa_data()
    data["study_on"] = data["plan_on"] - dt.timedelta(days=1)
    err = refused(services.pdsa_cycle_add, intervention=intervention, user=puser, data=data)
    assert err.field == "study_on" and "plan" in err.message.lower()
    assert not PdsaCycle.objects.exists()


def test_a_pdsa_cycle_with_a_cpr_number_is_refused(part):
    participation, puser = part
    intervention = record_intervention(participation, puser)
    err = refused(services.pdsa_cycle_add, intervention=intervention, user=puser, data=pdsa_data(study=CPR))
    assert err.field == "study"
    assert not PdsaCycle.objects.exists()


def test_a_pdsa_cycle_closes_the_own_intervention_and_is_versioned(part):
    participation, puser = part
    intervention = record_intervention(participation, puser)
    assert not Milestone.objects.get(participation=participation, template__kind="intervention").is_done
    cycle = services.pdsa_cycle_add(intervention=intervention, user=puser, data=pdsa_data(act_on=None))
    assert Milestone.objects.get(participation=participation, template__kind="intervention").is_done
    services.pdsa_cycle_save(cycle=cycle, user=puser, version=cycle.version, data={"act": "Vi fortsætter"})
    err = refused(
        services.pdsa_cycle_save, cycle=cycle, user=puser, version=cycle.version, data={"act": "Nej"}
    )
    assert err.code == "changed"
    assert PdsaCycle.objects.get().act == "Vi fortsætter"


def test_the_intervention_is_versioned(part):
    participation, puser = part
    iv = record_intervention(participation, puser)
    services.intervention_save(
        participation=participation, user=puser, version=iv.version, data={"aims": "Nyt mål"}
    )
    err = refused(
        services.intervention_save,
        participation=participation,
        user=puser,
        version=iv.version,
        data={"aims": "X"},
    )
    assert err.code == "changed"
    assert Intervention.objects.get().aims == "Nyt mål"

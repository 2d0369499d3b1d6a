"""Security finding 1 and the draft rule of the layering issue: an application changes a practice's
people only through someone who acts for the practice and never edits an existing person; a
stranger's draft is a request that must be confirmed; a first registration is confirmed by a leader
before selection, and a leader can hand a wrongly claimed practice to its real people."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import selectors, services
from applications.models import Application, ApplicationStatus
from ligepraksis.errors import DomainError
from ligepraksis.models import ProgrammeRound, Role
from practices import services as practice_services
from practices.models import Membership, Person, PracticeGrant
from practices.permissions import own_practice_ids
from tests.conftest import make_practice, make_round, make_user

TEXTS = {
    "practice_description": "Vi er en praksis.",
    "patient_base": "Mange sårbare patienter.",
    "motivation": "Vi vil gerne blive bedre.",
}


def _fill(app, user, *, doctor=("Ny Læge", "laege@ny.example"), staff=("Ny Sygeplejerske", "syg@ny.example")):
    return services.application_update(
        application=app,
        user=user,
        doctor=services.CoordinatorData(*doctor),
        staff=services.CoordinatorData(*staff),
        **TEXTS,
    )


@pytest.fixture
def real_practice(region):
    """A registered practice with its own doctor, acted for by its own login."""
    practice = make_practice(region)
    owner = make_user("ejer@praksis.example", practice=practice)
    doctor = practice_services.member_create(
        practice=practice, name="Dr. Rigtig", kind="doctor", email="rigtig@praksis.example"
    )
    doctor.phone = "86 12 34 56"
    doctor.save()
    return practice, owner, doctor


@pytest.mark.django_db
def test_a_stranger_cannot_rename_or_join_a_registered_practices_people(open_round, real_practice):
    practice, _owner, doctor = real_practice
    stranger = make_user("angriber@example.org")
    app = services.application_start(user=stranger, round_obj=open_round, practice=practice)
    _fill(app, stranger, doctor=("Angriberen", "rigtig@praksis.example"), staff=("Hjælper", "h@example.org"))

    doctor.refresh_from_db()
    assert (doctor.name, doctor.phone) == ("Dr. Rigtig", "86 12 34 56")
    assert set(Membership.objects.filter(practice=practice).values_list("person__name", flat=True)) == {
        "Dr. Rigtig"
    }
    assert practice.pk not in own_practice_ids(stranger)


@pytest.mark.django_db
def test_a_strangers_draft_is_a_request_that_cannot_be_submitted_and_blocks_nobody(open_round, real_practice):
    practice, owner, _doctor = real_practice
    stranger = make_user("angriber@example.org")
    request = services.application_start(user=stranger, round_obj=open_round, practice=practice)
    assert request.is_request
    _fill(request, stranger)
    with pytest.raises(DomainError) as refused:
        services.application_submit(application=request, user=stranger)
    assert refused.value.code == "request_unconfirmed"

    own = services.application_start(user=owner, round_obj=open_round, practice=practice)
    assert own.pk != request.pk and not own.is_request
    _fill(own, owner)
    services.application_submit(application=own, user=owner)
    assert Application.objects.get(pk=own.pk).status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_confirming_a_request_makes_its_author_act_for_the_practice(open_round, real_practice):
    practice, owner, _doctor = real_practice
    colleague = make_user("ny.kollega@praksis.example")
    request = services.application_start(user=colleague, round_obj=open_round, practice=practice)
    _fill(request, colleague)
    with pytest.raises(DomainError):  # the author cannot confirm their own request
        services.application_request_confirm(application=request, user=colleague)

    services.application_request_confirm(application=request, user=owner)
    request.refresh_from_db()
    assert not request.is_request and request.request_confirmed_by == owner
    assert PracticeGrant.objects.filter(user=colleague, practice=practice).exists()
    colleague = type(colleague).objects.get(pk=colleague.pk)  # a new request: grants are read afresh
    services.application_submit(application=request, user=colleague)


@pytest.mark.django_db
def test_a_project_leader_can_confirm_a_request(region, real_practice):
    practice, _owner, _doctor = real_practice
    round_obj = make_round(region)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    stranger = make_user()
    request = services.application_start(user=stranger, round_obj=round_obj, practice=practice)
    services.application_request_confirm(application=request, user=leader)
    assert PracticeGrant.objects.filter(user=stranger, practice=practice).exists()


@pytest.mark.django_db
def test_coordinators_become_people_only_when_the_practice_itself_submits(open_round, real_practice):
    practice, owner, doctor = real_practice
    app = services.application_start(user=owner, round_obj=open_round, practice=practice)
    _fill(app, owner, doctor=("Dr. Rigtig med nyt navn", "rigtig@praksis.example"))
    assert not Person.objects.filter(name="Ny Sygeplejerske").exists()  # a draft adds nobody

    services.application_submit(application=app, user=owner)
    app.refresh_from_db()
    assert app.doctor_coordinator == doctor  # the existing person, linked by e-mail ...
    doctor.refresh_from_db()
    assert doctor.name == "Dr. Rigtig"  # ... and never edited
    assert app.staff_coordinator.name == "Ny Sygeplejerske"
    assert Membership.objects.current().filter(practice=practice, person=app.staff_coordinator).exists()


@pytest.mark.django_db
def test_a_practice_has_one_open_draft_per_round_among_those_who_act_for_it(open_round, real_practice):
    practice, owner, _doctor = real_practice
    colleague = make_user(practice=practice)
    first = services.application_start(user=owner, round_obj=open_round, practice=practice)
    second = services.application_start(user=colleague, round_obj=open_round, practice=practice)
    assert second.pk == first.pk  # the colleague continues the practice's draft


@pytest.mark.django_db
def test_a_draft_can_be_deleted_by_its_author_only(open_round, real_practice):
    practice, owner, _doctor = real_practice
    colleague = make_user(practice=practice)
    draft = services.application_start(user=owner, round_obj=open_round, practice=practice)
    with pytest.raises(DomainError):
        services.application_delete(application=draft, user=colleague)
    services.application_delete(application=draft, user=owner)
    assert not Application.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_a_first_registration_is_used_at_once_but_confirmed_before_selection(client, region):
    round_obj = make_round(region)
    user = make_user("ny@klinik.example")
    client.force_login(user)
    muni = region.municipalities.get(name="Aarhus")
    response = client.post(
        reverse("applications:start", args=[round_obj.pk]),
        {
            "step": "register",
            "provider_numbers": "076543",
            "name": "Klinikken Ny",
            "cvr": "29190925",
            "address": "Nyvej 1",
            "postcode": "8000",
            "city": "Aarhus C",
            "municipality": muni.pk,
            "form": "solo",
            "doctor_capacities": "1",
            "staff_count": "2",
            "listed_patients": "1500",
        },
    )
    assert response.status_code == 302
    app = Application.objects.get(created_by=user)
    assert not app.is_request and app.practice.pk in own_practice_ids(user)
    assert app.practice.confirmed_at is None
    _fill(app, user)
    services.application_submit(application=app, user=user)

    # After the deadline the leader cannot select it before confirming the registration.
    ProgrammeRound.objects.filter(pk=round_obj.pk).update(application_deadline=timezone.now())
    app.refresh_from_db()
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    with pytest.raises(DomainError) as refused:
        services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    assert refused.value.code == "practice_unconfirmed"
    services.practice_registration_confirm(application=app, user=leader)
    services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)


@pytest.mark.django_db
def test_a_leader_hands_a_wrongly_claimed_practice_to_its_real_people(region):
    round_obj = make_round(region)
    claimant = make_user("falsk@example.org")
    practice = practice_services.practice_register(
        provider_numbers=["065432"],
        cvr="29190925",
        registered_by=claimant,
        name="Lægerne i Byen",
        address="Vej 1",
        postcode="8000",
        city="Aarhus C",
        municipality=region.municipalities.get(name="Aarhus"),
        form="solo",
        doctor_capacities=1,
        staff_count=2,
        listed_patients=1500,
    )
    practice_services.practice_grant(user=claimant, practice=practice)
    app = services.application_start(user=claimant, round_obj=round_obj, practice=practice)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)

    services.practice_hand_over(
        application=app, user=leader, email="rigtig@lægerne.example", name="Dr. Rigtig"
    )
    assert not PracticeGrant.objects.filter(user=claimant, practice=practice).exists()
    real = PracticeGrant.objects.get(practice=practice).user
    assert real.email == "rigtig@lægerne.example" and not real.has_usable_password()
    practice.refresh_from_db()
    assert practice.confirmed_at is not None


@pytest.mark.django_db
def test_requests_still_open_at_the_deadline_are_listed_for_the_leaders(client, region, real_practice):
    practice, _owner, _doctor = real_practice
    round_obj = make_round(region)
    stranger = make_user()
    request = services.application_start(user=stranger, round_obj=round_obj, practice=practice)
    assert list(selectors.open_requests(round_obj)) == [request]
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    client.force_login(leader)
    page = client.get(reverse("applications:round_list", args=[round_obj.pk])).content.decode()
    assert 'data-row="request"' in page and practice.name in page

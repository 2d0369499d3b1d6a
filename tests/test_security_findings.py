"""Security findings 7, 10 and 13 (registrations): each test failed on 2e04c07."""

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities.models import HourClaim
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from practices import services as practice_services
from practices.models import Practice, PracticeGrant
from tests.activities.service_factories import participate
from tests.conftest import make_practice, make_user

# --- Finding 7: nobody decides on their own practice's hours ---------------------------------------


@pytest.mark.django_db
def test_a_leader_cannot_approve_the_hour_claims_of_a_practice_they_act_for(closed_round, leader):
    participation, user = participate(closed_round, leader)
    practice_services.practice_grant(user=leader, practice=participation.practice)  # the leader's own
    leader = type(leader).objects.get(pk=leader.pk)
    claim = activity_services.claim_submit(
        user=user,
        practice=participation.practice,
        person=participation.application.doctor_coordinator,
        description="Kursus",
        occurred_on=timezone.localdate() - dt.timedelta(days=3),
        hours=Decimal("2"),
    )
    with pytest.raises(DomainError) as refused:
        activity_services.claim_decide(user=leader, claim=claim, approve=True)
    assert refused.value.code == "own_practice"
    assert HourClaim.objects.get(pk=claim.pk).status == "pending"
    other = make_user(role=Role.PROJECT_LEADER, round=closed_round)
    activity_services.claim_decide(user=other, claim=claim, approve=True)


# --- Finding 10: one login may act for several practices ----------------------------------------


def _consent_link(outbox):
    (message,) = [m for m in outbox if "/praksis/adgang/" in m.body]
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.mark.django_db
def test_a_doctor_with_a_login_in_one_practice_can_be_given_access_to_another(
    region, client, django_capture_on_commit_callbacks
):
    first, second = make_practice(region), make_practice(region)
    owner_first, owner_second = make_user(practice=first), make_user(practice=second)
    doctor = practice_services.person_add(
        user=owner_first, practice=first, name="Dr. To Steder", kind="doctor", email="to@steder.example"
    )
    assert practice_services.person_give_access(user=owner_first, practice=first, person=doctor) == "granted"
    login = type(owner_first).objects.get(email="to@steder.example")
    same_human = practice_services.person_add(
        user=owner_second, practice=second, name="Dr. To Steder", kind="doctor", email="to@steder.example"
    )
    # On 2e04c07 this failed with an IntegrityError (a 500): Person.user was one-to-one.
    client.force_login(owner_second)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:person_access", args=[second.pk, same_human.pk]), {"action": "access"}
        )
    assert response.status_code == 302
    assert not PracticeGrant.objects.filter(user=login, practice=second).exists()  # needs consent

    link = _consent_link(mail.outbox)
    anonymous = Client()
    assert anonymous.get(link).status_code == 200  # a mail scanner's GET spends nothing
    assert not PracticeGrant.objects.filter(user=login, practice=second).exists()
    anonymous.post(link)
    assert set(PracticeGrant.objects.filter(user=login).values_list("practice_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert {p.pk for p in login.persons.all()} == {doctor.pk, same_human.pk}


# --- Finding 8: attaching an existing account needs its consent -----------------------------------


@pytest.mark.django_db
def test_a_practice_cannot_attach_a_steering_members_login_without_consent(
    closed_round, region, steering, django_capture_on_commit_callbacks
):
    practice = make_practice(region)
    owner = make_user(practice=practice)
    person = practice_services.person_add(
        user=owner, practice=practice, name="Følgegruppemedlem", kind="doctor", email=steering.email
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = practice_services.person_give_access(
            user=owner,
            practice=practice,
            person=person,
            link_for=lambda t: f"http://testserver/praksis/adgang/{t}/",
        )
    assert outcome == "consent_requested"
    assert not PracticeGrant.objects.filter(user=steering, practice=practice).exists()
    person.refresh_from_db()
    assert person.user is None
    assert [m.to for m in mail.outbox] == [[steering.email]]
    assert not Client().post("/praksis/adgang/forged-token/").context["consent"]


# --- Finding 13: the same CVR registered six times at once ---------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_six_registrations_of_the_same_cvr_at_once_give_one_practice_and_clear_messages(region):
    if connections["default"].vendor != "postgresql":
        pytest.skip(
            "Concurrent registrations need PostgreSQL: set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    muni = region.municipalities.get(name="Aarhus")
    barrier = threading.Barrier(6)
    outcomes = []
    lock = threading.Lock()

    def register(n):
        try:
            barrier.wait(timeout=10)
            practice_services.practice_register(
                provider_numbers=[f"07654{n}"], cvr="29190925", name=f"Klinik {n}", address="Vej 1",
                postcode="8000", city="Aarhus C", municipality=muni, form="solo",
                doctor_capacities=1, staff_count=2, listed_patients=1500,
            )  # fmt: skip
            result = "ok"
        except DomainError as exc:
            result = exc.code
        except Exception as exc:  # noqa: BLE001 - a 500 in the view
            result = f"crash: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["cvr_taken"] * 5 + ["ok"], outcomes
    assert Practice.objects.filter(cvr="29190925").count() == 1
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.django_db
def test_a_coordinator_address_of_an_existing_login_is_not_attached_on_selection_without_consent(
    closed_round, leader, django_capture_on_commit_callbacks
):
    """Finding 8 through the application: a practice names a steering member's address as its
    coordinator; selecting it must not make that login act for the practice."""
    from applications import services as app_services
    from applications.models import ApplicationStatus
    from tests.conftest import make_application

    member = make_user("medlem@region.example", role=Role.STEERING, round=closed_round)
    app = make_application(closed_round)
    coordinator = app.doctor_coordinator
    coordinator.email = member.email
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        app_services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    assert not PracticeGrant.objects.filter(user=member, practice=app.practice).exists()
    assert any(member.email in m.to and "/praksis/adgang/" in m.body for m in mail.outbox)
    # The applicant's own login, which acts for the practice already, is simply linked.
    staff = app.staff_coordinator
    staff.refresh_from_db()
    assert PracticeGrant.objects.filter(user=staff.user, practice=app.practice).exists()

"""Light accounts: a practice that did not apply joins the activities; its people page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from practices.models import Membership, Person
from tests.conftest import make_practice, make_user
from tests.helpers import login


def _verify_link():
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


@pytest.mark.django_db
def test_a_practice_that_did_not_apply_registers_and_gets_access(
    client, region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("practices:join"), {"email": "ny@klinik.example"})
    link = _verify_link()
    assert client.get(link).status_code == 200  # a page with a "Log in" button
    response = client.post(link)
    assert response.status_code == 302 and response.url == reverse("practices:join_practice")
    muni = region.municipalities.get(name="Aarhus")
    response = client.post(
        reverse("practices:join_practice"),
        {
            "person_name": "Ida Ny",
            "person_kind": "staff",
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
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(email="ny@klinik.example")
    practice = Membership.objects.get(person=person).practice
    assert practice.provider_numbers.get().number == "076543"
    assert person.user.practice_grants.filter(practice=practice).exists()


@pytest.mark.django_db
def test_joining_an_already_registered_practice_is_refused_with_advice(client, region):
    existing = make_practice(region)
    number = existing.provider_numbers.get().number
    user = make_user("fremmed@example.org")
    login(client, user)
    muni = region.municipalities.get(name="Aarhus")
    response = client.post(
        reverse("practices:join_practice"),
        {
            "person_name": "Fremmed",
            "person_kind": "doctor",
            "provider_numbers": number,
            "name": "X",
            "cvr": "29190925",
            "address": "Vej 1",
            "postcode": "8000",
            "city": "Aarhus",
            "municipality": muni.pk,
            "form": "solo",
            "doctor_capacities": "1",
            "staff_count": "1",
            "listed_patients": "100",
        },
    )
    assert response.status_code == 200
    assert "colleague" in response.content.decode() or "kollega" in response.content.decode()
    assert not user.practice_grants.filter(practice=existing).exists()
    assert not Membership.objects.filter(practice=existing, person__user=user).exists()


@pytest.mark.django_db
def test_a_practice_user_adds_a_colleague_with_a_login_and_records_a_leaver(client, region):
    practice = make_practice(region)
    owner = make_user(practice=practice)
    login(client, owner)
    url = reverse("practices:people", args=[practice.pk])
    response = client.post(
        url, {"name": "Bo Sekretær", "kind": "staff", "email": "bo@example.org", "give_access": "on"}
    )
    assert response.status_code == 302
    bo = Person.objects.get(email="bo@example.org")
    assert bo.user.practice_grants.filter(practice=practice).exists()
    response = client.post(reverse("practices:person_access", args=[practice.pk, bo.pk]), {"action": "leave"})
    assert Membership.objects.get(person=bo, practice=practice).ended_on is not None
    assert not bo.user.practice_grants.filter(practice=practice).exists()


@pytest.mark.django_db
def test_people_page_cpr_in_a_name_is_refused_and_nothing_saved(client, region):
    practice = make_practice(region)
    login(client, make_user(practice=practice))
    before = Person.objects.count()
    response = client.post(
        reverse("practices:people", args=[practice.pk]), {"name": "Pt 010190-1234", "kind": "staff"}
    )
    assert response.status_code == 200
    assert "CPR" in response.content.decode()
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_outsider_gets_404_on_another_practices_people(client, region):
    practice = make_practice(region)
    login(client, make_user())
    assert client.get(reverse("practices:people", args=[practice.pk])).status_code == 404
    assert client.post(reverse("practices:person_access", args=[practice.pk, 1])).status_code == 404


REGIONS = (
    ("Region Hovedstaden", "hovedstaden", "Gentofte"),
    ("Region Sjælland", "sjaelland", "Roskilde"),
    ("Region Syddanmark", "syddanmark", "Odense"),
    ("Region Nordjylland", "nordjylland", "Aalborg"),
)


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(5))
def test_joining_registers_the_practice_in_the_region_of_its_municipality(client, region, index):
    """Five regions: each practice lands in its own municipality's region (not the first region), and
    the catalogue then shows that region's sessions by default."""
    from ligepraksis.models import Municipality, Region

    for name, code, muni in REGIONS:
        Municipality.objects.create(region=Region.objects.create(name=name, code=code), name=muni)
    municipalities = [region.municipalities.get(name="Aarhus")] + [
        Municipality.objects.get(name=muni) for _name, _code, muni in REGIONS
    ]
    chosen = municipalities[index]
    user = make_user(f"ny{index}@klinik.example")
    login(client, user)
    page = client.get(reverse("practices:join_practice")).content.decode()
    for muni in municipalities:  # every region's municipalities are offered, under their region
        assert f'<optgroup label="{muni.region.name}">' in page
        assert f'value="{muni.pk}"' in page
    response = client.post(
        reverse("practices:join_practice"),
        {
            "person_name": "Ida Ny",
            "person_kind": "staff",
            "provider_numbers": "076543",
            "name": "Klinikken Ny",
            "cvr": "29190925",
            "address": "Nyvej 1",
            "postcode": "8000",
            "city": "Byen",
            "municipality": chosen.pk,
            "form": "solo",
            "doctor_capacities": "1",
            "staff_count": "2",
            "listed_patients": "1500",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    practice = Membership.objects.get(person__user=user).practice
    assert practice.municipality.region == chosen.region
    catalogue = client.get(reverse("activities:catalogue"))
    assert catalogue.context["filters"].cleaned_data["region"] == chosen.region.pk

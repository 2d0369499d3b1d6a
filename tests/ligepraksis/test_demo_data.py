"""The demo_data command builds a usable, valid demo, twice without change; the admin works on it."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from applications.models import PLACE_HOLDING, Application, Practice, PracticeForm, ProviderNumber, Status
from ligepraksis.models import Area, Municipality, ProgrammeRound, Role, RoleGrant, TermsVersion, User
from ligepraksis.validators import cvr_is_valid

ROUND_A = "Lige Praksis i Midt 2026"
ROUND_B = "Lige Praksis i Midt 2027"


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.fixture
def demo(db):
    call_command("demo_data", "--quiet")


@pytest.fixture
def superuser_client(client, demo):
    client.force_login(User.objects.get(email="admin@demo.dk"))
    return client


@pytest.mark.django_db
def test_demo_data_is_complete_and_idempotent(capsys):
    call_command("demo_data", "--quiet")
    before = _counts()
    call_command("demo_data", "--quiet")
    assert _counts() == before  # the second run creates nothing
    assert capsys.readouterr().out == ""  # --quiet is quiet

    assert Municipality.objects.filter(region__code="midt").count() == 19
    round_a = ProgrammeRound.objects.get(name=ROUND_A)
    round_b = ProgrammeRound.objects.get(name=ROUND_B)
    for round_obj in (round_a, round_b):
        assert round_obj.areas.count() == 5
        assert round_obj.size_bands.count() == 3
        assert round_obj.criteria.count() == 3
        assert round_obj.current_terms() is not None
        # every municipality is in exactly one area
        assert sorted(Area.municipalities.through.objects.filter(area__round=round_obj).values_list(
            "municipality__name", flat=True
        )) == sorted(Municipality.objects.values_list("name", flat=True))  # fmt: skip

    # Round a is in review, round b open for applications.
    assert round_a.review_is_open() and not round_a.is_open_for_applications()
    assert round_b.is_open_for_applications() and not round_b.review_is_open()
    assert not round_b.applications.exists()

    practices = Practice.objects.all()
    assert practices.count() >= 40
    assert set(practices.values_list("form", flat=True)) == set(PracticeForm.values)
    assert practices.values("municipality").distinct().count() == 19
    assert all(cvr_is_valid(cvr) for cvr in practices.values_list("cvr", flat=True))
    numbers = list(ProviderNumber.objects.values_list("number", flat=True))
    assert all(re.fullmatch(r"\d{6}", n) for n in numbers)
    assert any(n.startswith("0") for n in numbers)
    for practice in practices.filter(form=PracticeForm.COOPERATING):
        assert practice.provider_numbers.count() == 2

    applications = Application.objects.filter(round=round_a)
    assert applications.count() >= 40
    assert not applications.filter(status=Status.DRAFT).exists()
    assert applications.filter(status=Status.SELECTED).count() == 8
    assert applications.filter(status=Status.WAITLISTED).count() == 5
    assert applications.filter(status=Status.REJECTED).count() == 5
    assert applications.filter(status__in=PLACE_HOLDING).count() <= round_a.places
    for application in applications:
        assert application.submitted_at < round_a.application_deadline
        assert application.doctor_coordinator and application.staff_coordinator
    assert applications.filter(reviews__conflict_of_interest=True).count() == 1


@pytest.mark.django_db
def test_demo_logins_work(demo):
    request = RequestFactory().post("/login/")
    leader = authenticate(request, username="leder@demo.dk", password="demo1234")
    assert leader is not None
    round_a = ProgrammeRound.objects.get(name=ROUND_A)
    assert RoleGrant.objects.filter(user=leader, role=Role.PROJECT_LEADER).count() == 2
    assert authenticate(request, username="ADMIN@demo.dk", password="demo1234").is_superuser

    practice_user = User.objects.get(email="praksis@demo.dk")
    own = Application.objects.get(round=round_a, created_by=practice_user)
    assert own.status == Status.SELECTED
    assert RoleGrant.objects.filter(user=practice_user, role=Role.PRACTICE, practice=own.practice).exists()


@pytest.mark.django_db
def test_every_admin_changelist_opens(superuser_client):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = superuser_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_admin_pages_of_demo_objects_open(superuser_client):
    application = Application.objects.filter(status=Status.SELECTED).first()
    round_obj = application.round
    for obj in (application, round_obj, application.practice, User.objects.get(email="leder@demo.dk")):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        assert superuser_client.get(url).status_code == 200, url
    assert superuser_client.get(reverse("admin:ligepraksis_user_add")).status_code == 200
    response = superuser_client.get(reverse("admin:applications_application_changelist"), {"q": "Åbyhøj"})
    assert response.status_code == 200
    assert "Lægerne i Åbyhøj" in response.content.decode()


@pytest.mark.django_db
def test_programme_records_are_read_only_in_admin(superuser_client, rf):
    request = rf.get("/")
    request.user = User.objects.get(email="admin@demo.dk")
    application = Application.objects.first()
    model_admin = admin.site._registry[Application]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, application)
    assert not model_admin.has_delete_permission(request, application)
    assert model_admin.has_view_permission(request, application)
    url = reverse("admin:applications_application_change", args=[application.pk])
    status_before = application.status
    superuser_client.post(url, {"status": Status.REJECTED})
    application.refresh_from_db()
    assert application.status == status_before
    assert superuser_client.get(reverse("admin:applications_application_add")).status_code == 403


@pytest.mark.django_db
def test_accepted_terms_cannot_be_changed_in_admin(superuser_client, rf):
    from applications import services

    application = Application.objects.get(created_by__email="praksis@demo.dk")
    terms = application.round.current_terms()
    model_admin = admin.site._registry[TermsVersion]
    request = rf.get("/")
    request.user = User.objects.get(email="admin@demo.dk")
    assert model_admin.has_change_permission(request, terms)

    services.application_accept(application=application, user=application.created_by, terms=terms)
    assert not model_admin.has_change_permission(request, terms)
    assert not model_admin.has_delete_permission(request, terms)
    response = superuser_client.get(
        reverse("admin:ligepraksis_programmeround_change", args=[application.round.pk])
    )
    assert response.status_code == 200
    terms_formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.model is TermsVersion
    ).formset
    form = next(f for f in terms_formset.forms if f.instance.pk == terms.pk)
    assert all(form.fields[name].disabled for name in ("version", "text", "published_at"))


@pytest.mark.django_db
def test_admin_adds_a_user_by_email(superuser_client):
    url = reverse("admin:ligepraksis_user_add")
    data = {
        "email": "Ny.Bruger@demo.dk",
        "full_name": "Ny Bruger",
        "usable_password": "true",
        "password1": "en-lang-adgangskode-42",
        "password2": "en-lang-adgangskode-42",
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    user = User.objects.get(email__iexact="ny.bruger@demo.dk")
    assert user.check_password("en-lang-adgangskode-42")

    response = superuser_client.post(url, {**data, "email": "LEDER@demo.dk"})
    assert response.status_code == 200  # the form again, with an error
    assert User.objects.filter(email__iexact="leder@demo.dk").count() == 1

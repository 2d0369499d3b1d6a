"""Security finding 11, the doors besides free text: an evidence file's name, an e-mail address, the
login username that django-axes stores, and an extra column of a catalogue import (which used to stay
whole in the session)."""

import datetime as dt
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities.exports import catalogue_export
from activities.views import IMPORT_SESSION_KEY
from ligepraksis.errors import DomainError
from practices import services as practice_services
from tests.activities.service_factories import make_activity, make_session, participate
from tests.conftest import make_practice, make_user
from tests.helpers import login

CPR = "010190-1234"


@pytest.mark.django_db
def test_an_evidence_file_named_with_a_cpr_number_is_refused(closed_round, leader):
    participation, user = participate(closed_round, leader)
    upload = SimpleUploadedFile("scan-0101901234.pdf", b"%PDF-1.4 bevis", content_type="application/pdf")
    with pytest.raises(DomainError) as refused:
        activity_services.claim_submit(
            user=user,
            practice=participation.practice,
            person=participation.application.doctor_coordinator,
            description="Kursus",
            occurred_on=timezone.localdate() - dt.timedelta(days=2),
            hours=Decimal("2"),
            evidence=upload,
        )
    assert refused.value.field == "evidence"
    assert not participation.practice.hour_claims.exists()


@pytest.mark.django_db
def test_an_email_address_with_a_cpr_number_is_refused(region):
    practice = make_practice(region)
    owner = make_user(practice=practice)
    with pytest.raises(DomainError) as refused:
        practice_services.person_add(
            user=owner, practice=practice, name="Ny", kind="staff", email=f"{CPR}@praksis.example"
        )
    assert refused.value.field == "email"


@pytest.mark.django_db
def test_a_sign_in_link_is_not_sent_to_an_address_with_a_cpr_number(client, open_round):
    response = client.post(reverse("applications:apply", args=[open_round.pk]), {"email": "0101901234@x.dk"})
    assert response.status_code == 200
    assert "CPR" in response.content.decode() or "cpr" in response.content.decode().lower()


@pytest.mark.django_db
def test_django_axes_never_stores_a_cpr_number_typed_as_the_username(client):
    client.post(reverse("login"), {"username": f"{CPR}@x.dk", "password": "forkert-kodeord"})
    stored = [*AccessAttempt.objects.values_list("username", flat=True)]
    stored += [*AccessFailureLog.objects.values_list("username", flat=True)]
    assert stored, "axes recorded the failed login"
    assert all("0101" not in (name or "") for name in stored)


@pytest.mark.django_db
def test_an_import_with_a_cpr_number_in_an_extra_column_is_refused_and_kept_nowhere(
    client, closed_round, leader, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_session(make_activity(closed_round, title="Webinar"), capacity=5)
    content, _type = catalogue_export(closed_round, "csv")
    text = content.decode("utf-8-sig").splitlines()
    text = [text[0] + ";noter", *(line + f";Patient {CPR}" for line in text[1:])]
    upload = SimpleUploadedFile("katalog.csv", "\r\n".join(text).encode("utf-8-sig"), content_type="text/csv")
    login(client, leader)
    response = client.post(reverse("activities:catalogue_import", args=[closed_round.pk]), {"file": upload})
    assert response.status_code == 200
    assert IMPORT_SESSION_KEY not in client.session
    assert not (tmp_path / "imports").exists() or not any((tmp_path / "imports").iterdir())


@pytest.mark.django_db
def test_a_checked_import_waits_in_storage_not_in_the_session_and_is_deleted_after(
    client, closed_round, leader, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_session(make_activity(closed_round, title="Webinar"), capacity=5)
    content, _type = catalogue_export(closed_round, "csv")
    login(client, leader)
    url = reverse("activities:catalogue_import", args=[closed_round.pk])
    client.post(url, {"file": SimpleUploadedFile("katalog.csv", content, content_type="text/csv")})
    stored = client.session[IMPORT_SESSION_KEY]
    assert "content" not in stored and (tmp_path / stored["path"]).exists()
    client.post(url, {"confirm": "1"})
    assert IMPORT_SESSION_KEY not in client.session
    assert not (tmp_path / stored["path"]).exists()


@pytest.mark.django_db
def test_handing_over_a_practice_to_an_address_with_a_cpr_number_is_refused_without_a_500(
    client, closed_round, leader
):
    from applications.models import Application
    from tests.conftest import make_application

    app = make_application(closed_round)
    login(client, leader)
    response = client.post(
        reverse("applications:hand_over", args=[app.pk]), {"email": f"{CPR}@x.dk", "name": "X"}
    )
    assert response.status_code == 302
    assert not type(leader).objects.filter(email__startswith="010190").exists()
    assert Application.objects.filter(pk=app.pk).exists()

"""Every text column of the portal's own apps either refuses CPR numbers or is allowed on purpose.

A new CharField/TextField (or subclass: EmailField, SlugField, ...) that is neither a CprGuardMixin
field nor on ALLOW_LIST below fails `test_every_text_field_is_guarded_or_allowed`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from applications.models import Application
from ligepraksis.cpr import CprGuardMixin
from practices.models import Practice
from tests.conftest import make_application, make_user

APPS = ("ligepraksis", "practices", "applications", "activities", "progress", "finance", "evaluation")
CPR = "010190-1234"
MAX_CPR_LENGTH = 10  # "0101901234": a field shorter than this cannot hold one

# "app_label.Model.field": why it may stay unguarded. "short" entries are also checked to be too short
# to hold a CPR number at all.
ALLOW_LIST = {
    # A login's e-mail: EmailValidator on every form; needed verbatim to send mail.
    "ligepraksis.User.email": "email",
    # The password hash Django writes itself; never typed text.
    "ligepraksis.User.password": "hash",
    # A region's slug code, set by administrators (SlugField).
    "ligepraksis.Region.code": "slug",
    # CVR number: 8 digits, validated by validate_cvr (modulus 11).
    "practices.Practice.cvr": "short",
    # Postcode: 4 digits (the register form checks them).
    "practices.Practice.postcode": "short",
    # Ydernummer: 6 digits, validated by validate_provider_number.
    "practices.ProviderNumber.number": "short",
    # A coordinator's e-mail address (EmailField).
    "practices.Person.email": "email",
    # The coordinators' addresses as typed into a draft (EmailField).
    "applications.Application.doctor_email": "email",
    "applications.Application.staff_email": "email",
    # Calendar-feed keys: random URL-safe text made by practices.models.new_feed_token, never typed.
    "practices.Practice.feed_token": "system",
    "practices.Person.feed_token": "system",
    # The outbox: a recipient address, and a subject and body rendered by the portal from its
    # templates and from fields that are guarded themselves; an idempotency key and a mail library's
    # error text, both written by the portal, never typed.
    "ligepraksis.OutboxMessage.to": "email",
    "ligepraksis.OutboxMessage.subject": "rendered",
    "ligepraksis.OutboxMessage.body": "rendered",
    "ligepraksis.OutboxMessage.key": "system",
    "ligepraksis.OutboxMessage.last_error": "system",
    # A file job's registered kind name, the file name the export composes, and the worker's error text.
    "ligepraksis.FileJob.kind": "system",
    "ligepraksis.FileJob.filename": "system",
    "ligepraksis.FileJob.error": "system",
    # A questionnaire invitation's address: copied from the coordinator's guarded Person.email
    # (EmailField, validate_email_no_cpr), needed verbatim for the invitation and the reminder.
    "evaluation.Invitation.email": "email",
}


def _text_fields():
    from simple_history.models import HistoricalChanges

    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            historical = hasattr(model, "instance_type")  # django-simple-history's copy of an audited model
            for f in model._meta.get_fields():
                if not isinstance(f, (models.CharField, models.TextField)):
                    continue
                if historical and f.name == "history_change_reason":
                    # The audit library's own column: written only by the portal's services, from text
                    # that a guarded field or form has checked. The copied fields keep their guard.
                    continue
                if f.choices:  # choices-only: the value is one of a fixed list
                    continue
                # A history model (django-simple-history) copies the audited fields with their guards;
                # its change reason is written by the services, from guarded text or their own words.
                if issubclass(model, HistoricalChanges) and f.name == "history_change_reason":
                    continue
                yield f"{label}.{model.__name__}.{f.name}", f


def test_every_text_field_is_guarded_or_allowed():
    fields = dict(_text_fields())
    unguarded = sorted(
        name for name, f in fields.items() if not isinstance(f, CprGuardMixin) and name not in ALLOW_LIST
    )
    assert not unguarded, (
        "Text fields that can store a CPR number: use GuardedCharField/GuardedTextField "
        f"or add them, with a reason, to ALLOW_LIST: {unguarded}"
    )


def test_the_audit_sees_the_guarded_fields():
    """The audit walks real models: the known guarded fields are found and guarded."""
    fields = dict(_text_fields())
    for name in (
        "applications.Application.motivation",
        "practices.Practice.name",
        "ligepraksis.User.full_name",
    ):
        assert isinstance(fields[name], CprGuardMixin), name
    assert "applications.Application.status" not in fields  # a choices field is left out


def test_allow_list_has_no_stale_or_needlessly_allowed_entries():
    fields = dict(_text_fields())
    stale = sorted(set(ALLOW_LIST) - set(fields))
    assert not stale, f"ALLOW_LIST names fields that do not exist: {stale}"
    guarded = sorted(n for n in ALLOW_LIST if isinstance(fields[n], CprGuardMixin))
    assert not guarded, f"Already guarded, remove from ALLOW_LIST: {guarded}"


def test_short_allowed_fields_cannot_hold_a_cpr_number():
    fields = dict(_text_fields())
    for name, reason in ALLOW_LIST.items():
        if reason == "short":
            assert fields[name].max_length < MAX_CPR_LENGTH, name
        if reason == "email":
            assert isinstance(fields[name], models.EmailField), name
        if reason == "slug":
            assert isinstance(fields[name], models.SlugField), name


# --- The guard itself on real models ---------------------------------------------------------------------


def _practice(region, **overrides) -> Practice:
    values = {
        "name": "Lægehuset Syd",
        "cvr": "29190925",
        "address": "Testvej 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "municipality": region.municipalities.get(name="Aarhus"),
        "form": "solo",
        "doctor_capacities": Decimal("1"),
        "staff_count": 2,
        "listed_patients": 1600,
    }
    values.update(overrides)
    return Practice(**values)


@pytest.mark.django_db
def test_a_clean_practice_passes_full_clean(region):
    _practice(region).full_clean()  # the fixture data itself is valid: the tests below fail for the CPR


@pytest.mark.django_db
def test_practice_with_cpr_number_fails_full_clean_naming_the_field(region):
    practice = _practice(region, address=f"Testvej 1, {CPR}")
    with pytest.raises(ValidationError) as exc:
        practice.full_clean()
    assert "address" in exc.value.message_dict
    assert exc.value.error_dict["address"][0].code == "cpr"


@pytest.mark.django_db
def test_practice_with_cpr_number_is_refused_by_a_raw_save(region):
    with pytest.raises(ValidationError), transaction.atomic():
        _practice(region, name=f"Praksis {CPR}").save()
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_application_with_cpr_number_fails_full_clean(open_round):
    app = make_application(open_round, submit=False)
    app.motivation = f"Vores patient {CPR} har brug for hjælp"
    with pytest.raises(ValidationError) as exc:
        app.full_clean()
    assert exc.value.error_dict["motivation"][0].code == "cpr"


@pytest.mark.django_db
def test_application_with_cpr_number_is_refused_by_a_raw_save(open_round):
    app = make_application(open_round, submit=False)
    app.patient_base = f"Fx {CPR.replace('-', '')}"
    with pytest.raises(ValidationError), transaction.atomic():
        app.save()
    app.refresh_from_db()
    assert CPR.replace("-", "") not in app.patient_base


@pytest.mark.django_db
def test_cpr_number_is_refused_by_queryset_update_and_bulk_create(open_round, region):
    app = make_application(open_round, submit=False)
    with pytest.raises(ValidationError), transaction.atomic():
        Application.objects.filter(pk=app.pk).update(motivation=CPR)
    with pytest.raises(ValidationError), transaction.atomic():
        Practice.objects.bulk_create([_practice(region, city=CPR)])
    assert not Application.objects.filter(motivation__contains="1234").exists()


@pytest.mark.django_db
def test_user_name_with_cpr_number_is_refused(db):
    user = make_user("navn@example.org")
    user.full_name = f"Jens {CPR}"
    with pytest.raises(ValidationError), transaction.atomic():
        user.save()

"""Issue 8: the admin says "Lige Praksis", reads as Danish, shows decimals as "10,00" and hides
Django's unused groups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_round
from tests.helpers import login


@pytest.fixture
def admin_client(client, db):
    from ligepraksis.services import user_get_or_create

    user = user_get_or_create(email="admin@example.org")
    user.is_staff = user.is_superuser = True
    user.save()
    return login(client, user)


@pytest.mark.django_db
def test_the_admin_says_lige_praksis(admin_client):
    body = admin_client.get(reverse("admin:index")).content.decode()
    assert "Lige Praksis" in body
    assert "Django" not in body
    login_page = admin_client.get(reverse("admin:login")).content.decode()
    assert "Django-administration" not in login_page


@pytest.mark.django_db
def test_groups_are_hidden(admin_client):
    assert not admin.site.is_registered(Group)
    body = admin_client.get(reverse("admin:index")).content.decode()
    assert "Grupper" not in body
    user_page = admin_client.get(reverse("admin:ligepraksis_user_add")).content.decode()
    assert 'name="groups"' not in user_page


def test_every_admin_form_shows_decimals_the_danish_way():
    """Every registered ModelAdmin (and inline) of every app: a localized field, not a number input."""
    checked = 0
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin, *(i(model, admin.site) for i in model_admin.inlines)]
        for a in admins:
            for field in a.model._meta.get_fields():
                if isinstance(field, models.DecimalField):
                    formfield = a.formfield_for_dbfield(field, request=None)
                    if formfield is not None:
                        assert formfield.localize, f"{a.model.__name__}.{field.name}"
                        assert not isinstance(formfield.widget, forms.NumberInput)
                        checked += 1
    assert checked >= 3  # hour targets, hours, doctor capacities


@pytest.mark.django_db
def test_the_round_form_shows_and_takes_10_comma_00(admin_client, region):
    round_obj = make_round(region)
    round_obj.hour_target = Decimal("10")
    round_obj.save()
    body = admin_client.get(
        reverse("admin:ligepraksis_programmeround_change", args=[round_obj.pk])
    ).content.decode()
    assert 'name="hour_target" value="10,00"' in body


@pytest.mark.parametrize(
    ("msgid", "danish"),
    [
        ("whose hours count", "timer tæller for"),
        ("online link", "link til onlinemøde"),
        ("to", "modtager"),
    ],
)
def test_admin_labels_read_as_danish(msgid, danish):
    with translation.override("da"):
        assert translation.gettext(msgid) == danish


@pytest.mark.django_db
def test_the_round_page_reads_timer_taeller_for(admin_client, region):
    round_obj = make_round(region)
    body = admin_client.get(
        reverse("admin:ligepraksis_programmeround_change", args=[round_obj.pk])
    ).content.decode()
    assert "Timer tæller for" in body and "Hvis timer tæller" not in body


PORTAL_APPS = ("ligepraksis", "practices", "applications", "activities", "progress", "finance", "evaluation")

# "<Model>.<field>" of concrete fields that may go without a verbose_name of their own (the admin would
# show Django's English field name). Empty: every field has one. Add a field only with a comment saying
# why no one ever sees its label.
ALLOWED_WITHOUT_LABEL: set[str] = set()

# django-simple-history adds these bookkeeping columns to every `Historical<Model>`; the library labels
# them in its own history pages, so they are left out here (the copied fields are checked as usual).
HISTORY_LIBRARY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def _is_history_library_field(model, field) -> bool:
    return hasattr(model, "instance_type") and field.name in HISTORY_LIBRARY_FIELDS


def test_every_model_field_declares_a_translated_label():
    """A field the admin shows as "Granted at" or "Round" is one declared without `verbose_name=_(...)`;
    a new one fails here. (Django's own automatic `id` is labelled "ID".)"""
    from django.apps import apps
    from django.utils.functional import Promise

    unlabelled, untranslated, checked = [], [], 0
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        historical = hasattr(model, "instance_type")  # a django-simple-history model of an audited one
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or _is_history_library_field(model, field):
                continue
            if historical and field.name.startswith("history_"):
                continue  # the audit library's own columns (id, date, user, type, reason): its own labels
            name = f"{model.__name__}.{field.name}"
            checked += 1
            if field._verbose_name is None:
                unlabelled.append(name)
            elif not field.auto_created and not isinstance(field._verbose_name, Promise):
                untranslated.append(name)  # a plain str: no gettext_lazy, so never Danish
    assert sorted(set(unlabelled) - ALLOWED_WITHOUT_LABEL) == []
    assert ALLOWED_WITHOUT_LABEL <= set(unlabelled), "the allow-list names a field that has a label now"
    assert untranslated == []
    assert checked > 100
    from ligepraksis.models import RoleGrant

    with translation.override("da"):
        assert str(RoleGrant._meta.get_field("granted_at").verbose_name) == "tildelt"
        assert str(RoleGrant._meta.get_field("round").verbose_name) == "runde"


@pytest.mark.django_db
def test_the_declared_labels_have_their_migrations():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_the_role_page_reads_as_danish(admin_client):
    body = admin_client.get(reverse("admin:ligepraksis_rolegrant_add")).content.decode()
    for english in ("User:", "Round:", "Provider:", "Granted at:"):
        assert english not in body
    assert "Runde:" in body and "Tildelt:" in body


@pytest.mark.django_db
def test_the_login_records_read_as_danish(admin_client):
    body = admin_client.get(reverse("admin:index")).content.decode()
    assert "Loginforsøg" in body and "Access attempts" not in body and "Access logs" not in body
    changelist = admin_client.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert "IP-adresse" in changelist and "Attempt Time" not in changelist

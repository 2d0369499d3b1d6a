"""The waiting list reads as a rank without gaps (1, 2, 3 ... among those still waiting), while each
application keeps its stored position (the unique constraint `waitlist_position_unique` is never
fought): on the practice's page, in the selection workspace and in the waiting-list e-mail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications import selectors, services
from applications.models import Application, ApplicationStatus
from ligepraksis.models import OutboxMessage, Role
from ligepraksis.services import role_grant
from tests.conftest import make_application, make_round
from tests.helpers import english, login


def _waitlist(round_obj, leader, count):
    apps = [make_application(round_obj) for _ in range(count)]
    for app in apps:
        services.application_decide(application=app, user=leader, outcome=ApplicationStatus.WAITLISTED)
        app.refresh_from_db()
    return apps


def _withdraw_first(app):
    services.application_withdraw(application=app, user=app.created_by, reason="Vi kan ikke alligevel")


@pytest.mark.django_db
def test_rank_closes_the_gap_when_someone_ahead_leaves_and_positions_are_kept(closed_round, leader):
    first, second, third = _waitlist(closed_round, leader, 3)
    _withdraw_first(first)

    ranks = dict(
        Application.objects.filter(round=closed_round).with_waitlist_rank().values_list("pk", "waitlist_rank")
    )
    assert ranks == {first.pk: None, second.pk: 1, third.pk: 2}
    # The stored positions are untouched: 2 and 3.
    assert list(
        Application.objects.filter(pk__in=[second.pk, third.pk])
        .order_by("pk")
        .values_list("waitlist_position", flat=True)
    ) == [2, 3]
    # The rank of one application, read on its own, is the same.
    assert selectors.waitlist_rank(third) == 2
    assert selectors.waitlist_rank(first) is None


@pytest.mark.django_db
def test_the_practice_page_shows_the_rank_not_the_stored_position(client, closed_round, leader):
    first, _second, third = _waitlist(closed_round, leader, 3)
    _withdraw_first(first)
    html = english(login(client, third.created_by)).get(reverse("applications:detail", args=[third.pk]))
    html = html.content.decode()
    assert "number 2 on the waiting list" in html
    assert "number 3" not in html


@pytest.mark.django_db
def test_the_selection_workspace_shows_the_rank(client, closed_round, leader):
    first, _second, third = _waitlist(closed_round, leader, 3)
    _withdraw_first(first)
    response = login(client, leader).get(reverse("applications:selection", args=[closed_round.pk]))
    rows = {row["app"].pk: row for row in response.context["rows"]}
    assert rows[third.pk]["app"].waitlist_rank == 2
    html = response.content.decode()
    assert f'data-waitlist-rank="{third.pk}">2<' in html


@pytest.mark.django_db
def test_the_waiting_list_mail_gives_the_rank(closed_round, leader):
    first, _second = _waitlist(closed_round, leader, 2)
    _withdraw_first(first)
    late = make_application(closed_round)
    services.application_decide(application=late, user=leader, outcome=ApplicationStatus.WAITLISTED)
    late.refresh_from_db()
    assert late.waitlist_position == 3  # stored after the last one, as before
    mails = OutboxMessage.objects.filter(to=late.created_by.email, subject__icontains="venteliste")
    assert mails.count() == 1
    body = mails.get().body
    assert "nummer 2 på ventelisten" in body
    assert "nummer 3" not in body


@pytest.mark.django_db
def test_rank_is_per_round(region, closed_round, leader):
    other = make_round(region, open_=False)
    role_grant(user=leader, role=Role.PROJECT_LEADER, round=other)
    a = _waitlist(closed_round, leader, 2)
    b = _waitlist(other, leader, 1)
    assert selectors.waitlist_rank(a[1]) == 2
    assert selectors.waitlist_rank(b[0]) == 1


@pytest.mark.django_db
def test_the_export_writes_the_rank_not_the_stored_position(client, closed_round, leader):
    from io import BytesIO

    from openpyxl import load_workbook

    first, second, third = _waitlist(closed_round, leader, 3)
    _withdraw_first(first)
    response = english(login(client, leader)).get(
        reverse("applications:export", args=[closed_round.pk]) + "?format=xlsx"
    )
    sheet = load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    header = [c.value for c in sheet[1]]
    column = header.index("Waiting list no.")
    by_practice = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert by_practice[second.practice.name] == 1
    assert by_practice[third.practice.name] == 2
    assert by_practice[first.practice.name] is None

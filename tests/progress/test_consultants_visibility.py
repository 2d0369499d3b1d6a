"""A consultant sees only the participations assigned to them (issue 10), on every page that loads a
practice through the lower apps' permissions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Participation
from ligepraksis.models import Role
from practices.permissions import practices_for_user
from tests.conftest import make_application, make_user
from tests.helpers import login

pytestmark = pytest.mark.django_db


def participate(round_obj, **kw) -> Participation:
    app = make_application(round_obj, **kw)
    return Participation.objects.create(
        round=round_obj,
        practice=app.practice,
        application=app,
        terms=round_obj.current_terms(),
        accepted_by=app.created_by,
    )


def test_an_unassigned_consultant_of_the_round_does_not_see_the_practice(closed_round):
    p = participate(closed_round)
    consultant = make_user(role=Role.CONSULTANT, round=closed_round)
    assert not practices_for_user(consultant).filter(pk=p.practice_id).exists()
    for name in ("activities:practice_hours", "activities:practice_history", "practices:people"):
        response = login(Client(), consultant).get(reverse(name, args=[p.practice_id]))
        assert response.status_code == 404, name


def test_the_assigned_consultant_sees_only_their_practice(closed_round):
    mine, other = participate(closed_round), participate(closed_round)
    consultant = make_user(role=Role.CONSULTANT, round=closed_round)
    Participation.objects.filter(pk=mine.pk).update(consultant=consultant)
    assert set(practices_for_user(consultant).values_list("pk", flat=True)) == {mine.practice_id}
    client = login(Client(), consultant)
    assert client.get(reverse("activities:practice_hours", args=[mine.practice_id])).status_code == 200
    assert client.get(reverse("activities:practice_hours", args=[other.practice_id])).status_code == 404


def test_an_assignment_without_the_rounds_consultant_grant_opens_nothing(closed_round):
    """The grant is taken away after the assignment: the practice closes again."""
    p = participate(closed_round)
    former = make_user()  # no consultant grant (any more)
    Participation.objects.filter(pk=p.pk).update(consultant=former)
    assert not practices_for_user(former).exists()


def test_the_hours_page_shows_a_consultant_only_the_assigned_rounds_ledger(closed_round, region):
    """The practice takes part in two rounds; its consultant in one of them sees only that ledger."""
    from tests.conftest import make_round

    mine = participate(closed_round)
    later_round = make_round(region, open_=False, name="Lige Praksis 2027")
    app = make_application(later_round, practice=mine.practice, user=mine.accepted_by)
    Participation.objects.create(
        round=later_round,
        practice=mine.practice,
        application=app,
        terms=later_round.current_terms(),
        accepted_by=mine.accepted_by,
    )
    consultant = make_user(role=Role.CONSULTANT, round=closed_round)
    Participation.objects.filter(pk=mine.pk).update(consultant=consultant)
    url = reverse("activities:practice_hours", args=[mine.practice_id])
    seen = login(Client(), consultant).get(url).context["ledgers"]
    assert [lg.participation.round_id for lg in seen] == [closed_round.pk]
    owner_sees = login(Client(), mine.accepted_by).get(url).context["ledgers"]
    assert {lg.participation.round_id for lg in owner_sees} == {closed_round.pk, later_round.pk}


def test_the_history_page_shows_a_consultant_only_the_assigned_rounds_claims_and_sign_ups(
    closed_round, region
):
    """The practice takes part in two rounds; its consultant in one of them sees the claims and past
    sign-ups of that round only on the practice's history page; the practice sees both."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from activities.models import HourClaim, Registration, RegistrationStatus
    from tests.activities.service_factories import make_activity, make_person, make_session
    from tests.conftest import make_round

    mine = participate(closed_round)
    later_round = make_round(region, open_=False, name="Lige Praksis 2027")
    app = make_application(later_round, practice=mine.practice, user=mine.accepted_by)
    Participation.objects.create(
        round=later_round,
        practice=mine.practice,
        application=app,
        terms=later_round.current_terms(),
        accepted_by=mine.accepted_by,
    )
    person = make_person(mine.practice, name="Bente Sørensen")
    for r, text in ((closed_round, "Kursus i vores runde"), (later_round, "Kursus i den anden runde")):
        HourClaim.objects.create(
            round=r,
            practice=mine.practice,
            person=person,
            description=text,
            occurred_on=timezone.localdate() - dt.timedelta(days=2),
            hours=Decimal("2"),
            submitted_by=mine.accepted_by,
        )
        session = make_session(
            make_activity(r, title=f"Webinar {text}"), starts_at=timezone.now() - dt.timedelta(days=3)
        )
        Registration.objects.create(
            session=session, person=person, practice=mine.practice, status=RegistrationStatus.CONFIRMED
        )
    consultant = make_user(role=Role.CONSULTANT, round=closed_round)
    Participation.objects.filter(pk=mine.pk).update(consultant=consultant)
    url = reverse("activities:practice_history", args=[mine.practice_id])
    page = login(Client(), consultant).get(url).content.decode()
    assert "Kursus i vores runde" in page and "Webinar Kursus i vores runde" in page
    assert "den anden runde" not in page
    own = login(Client(), mine.accepted_by).get(url).content.decode()
    assert "Kursus i vores runde" in own and "Kursus i den anden runde" in own

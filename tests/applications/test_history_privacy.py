"""An applicant never sees reviews, scores, recommendations or who wrote them: not in the list of
recommendations, and not in the application's history either (issue 8, privacy). The steering group
and the project leaders still see everything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications import selectors, services
from applications.models import ApplicationEvent, ApplicationStatus
from ligepraksis.models import Role
from tests.conftest import make_application, make_user
from tests.helpers import english, login

REVIEWER = "Birthe Vurderingsen"
LIFTER = "Carsten Inhabilsen"
RECOMMENDATION = "Stærk ansøgning med klar plan for de sårbare patienter"
REVIEW_COMMENT = "Meget overbevisende motivation"
CONFLICT_REASON = "Ingen reel tilknytning til praksis"


def _named(email, name, **kw):
    user = make_user(email, **kw)
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def assessed(closed_round, leader):
    """A submitted application that the steering group scored and recommended, and where a declared
    conflict of interest was lifted; then a decision the practice is meant to read."""
    app = make_application(closed_round)
    member = _named("birthe@example.org", REVIEWER, role=Role.STEERING, round=closed_round)
    other = _named("conflicted@example.org", "Dorthe Konfliktsen", role=Role.STEERING, round=closed_round)
    criteria = list(closed_round.criteria.order_by("order"))
    services.review_save(
        application=app,
        reviewer=member,
        scores={c.pk: (4 + i, "Særdeles velbeskrevet") for i, c in enumerate(criteria)},
        comment=REVIEW_COMMENT,
        conflict=False,
    )
    services.recommendation_record(application=app, user=member, outcome="select", reason=RECOMMENDATION)
    services.review_save(application=app, reviewer=other, scores={}, comment="", conflict=True)
    lifter = _named("carsten@example.org", LIFTER, role=Role.PROJECT_LEADER, round=closed_round)
    services.conflict_lift(application=app, reviewer=other, user=lifter, reason=CONFLICT_REASON)
    services.application_decide(
        application=app, user=leader, outcome=ApplicationStatus.SELECTED, reason="Velkommen i projektet"
    )
    return app


FORBIDDEN = (
    REVIEWER,
    "birthe@example.org",
    "Dorthe Konfliktsen",
    RECOMMENDATION,
    REVIEW_COMMENT,
    CONFLICT_REASON,
    "Særdeles velbeskrevet",
    "Indstilling",
    "Recommendation",
    "Udvælg:",
    "Select:",
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_the_applicant_sees_no_review_score_or_recommendation_in_the_history(client, assessed, language):
    client.cookies["django_language"] = language
    response = login(client, assessed.created_by).get(reverse("applications:detail", args=[assessed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in FORBIDDEN:
        assert text not in html, f"the applicant's page shows {text!r}"
    # No score either: the criterion scores 4 and 5 and their mean appear nowhere.
    assert "4,50" not in html and "4.50" not in html and "<strong>5</strong>" not in html
    assert "Velkommen i projektet" in html  # the decision and its reason are for the practice


@pytest.mark.django_db
def test_the_history_for_the_practice_holds_only_its_own_events(assessed):
    rows = selectors.application_history(assessed, assessed.created_by)
    kinds = {e.kind for e in rows}
    assert ApplicationEvent.Kind.RECOMMENDATION not in kinds
    assert all(LIFTER != str(e.actor) for e in rows)
    assert [e.to_status for e in rows if e.kind == ApplicationEvent.Kind.DECISION] == [
        ApplicationStatus.SELECTED
    ]


@pytest.mark.django_db
def test_a_steering_member_who_acts_for_the_practice_sees_no_recommendation(client, assessed, closed_round):
    """Their own practice's assessment is hidden from a steering member too (they are its applicant)."""
    insider = _named("insider@example.org", "Erik Indefra", role=Role.STEERING, round=closed_round,
                     practice=assessed.practice)  # fmt: skip
    html = (
        english(login(client, insider))
        .get(reverse("applications:detail", args=[assessed.pk]))
        .content.decode()
    )
    for text in FORBIDDEN:
        assert text not in html


@pytest.mark.django_db
def test_leaders_and_the_steering_group_still_see_the_recommendation_in_the_history(client, assessed, leader):
    html = (
        english(login(client, leader))
        .get(reverse("applications:detail", args=[assessed.pk]))
        .content.decode()
    )
    assert RECOMMENDATION in html and REVIEWER in html and CONFLICT_REASON in html

"""The whole path through the services: submit, review, recommend, decide, accept."""

import pytest
from django.core import mail

from applications import services
from applications.models import ApplicationStatus, Participation
from tests.conftest import make_application, make_user


@pytest.mark.django_db
def test_submitted_application_can_be_reviewed_selected_and_accepted(
    closed_round, leader, steering, django_capture_on_commit_callbacks
):
    owner = make_user()
    app = make_application(closed_round, user=owner)
    assert app.status == ApplicationStatus.SUBMITTED
    scores = {c.pk: (4, "") for c in closed_round.criteria.all()}
    services.review_save(application=app, reviewer=steering, scores=scores, comment="God", conflict=False)
    services.recommendation_record(application=app, user=steering, outcome="select", reason="Stærk")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SELECTED
    assert {m.to[0] for m in mail.outbox} >= {p.email for p in app.coordinators}
    # Both coordinators got accounts with access to the practice.
    for person in app.coordinators:
        person.refresh_from_db()
        assert person.user is not None
        assert person.user.practice_grants.filter(practice=app.practice).exists()
    services.application_accept(application=app, user=owner, terms=closed_round.current_terms())
    participation = Participation.objects.get(application=app)
    assert participation.terms.version == "1.0"
    assert list(app.events.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "",
        "selected",
        "accepted",
    ]

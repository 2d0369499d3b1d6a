"""A decision is one click from a mistake no more (issue 8): no default in the dropdown, a confirmation
that says what will happen and who gets mail, a reason for a rejection or a changed decision (enforced
by the service), the workspace sorted by mean score, and the balanced suggestion applied only after
the leader confirms its preview. Form errors name the field by its Danish label."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from applications import services
from applications.forms import DecisionForm
from applications.models import ApplicationEvent, ApplicationStatus
from ligepraksis.errors import DomainError
from ligepraksis.models import OutboxMessage
from tests.conftest import make_application
from tests.helpers import english, login

CPR_TEXT = "Lægen har cpr 010190-1234"


def _scores(app, steering, *values):
    criteria = list(app.round.criteria.order_by("order"))
    services.review_save(
        application=app,
        reviewer=steering,
        scores={c.pk: (v, "") for c, v in zip(criteria, values, strict=True)},
        comment="",
        conflict=False,
    )


# --- The service: a reason for a rejection and for a changed decision --------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_without_a_reason_is_refused_by_the_service(closed_round, leader, reason):
    app = make_application(closed_round)
    with translation.override("en"), pytest.raises(DomainError) as err:
        services.application_decide(
            application=app, user=leader, outcome=ApplicationStatus.REJECTED, reason=reason
        )
    assert err.value.code == "reason_required" and err.value.field == "reason"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert not app.events.filter(kind=ApplicationEvent.Kind.DECISION).exists()
    assert not OutboxMessage.objects.filter(subject__icontains="ikke udvalgt").exists()


@pytest.mark.django_db
def test_a_changed_decision_without_a_reason_is_refused_and_with_one_recorded(closed_round, leader):
    app = make_application(closed_round)
    services.application_decide(
        application=app, user=leader, outcome=ApplicationStatus.SELECTED
    )  # first: none
    with pytest.raises(DomainError) as err:
        services.application_decide(application=app, user=leader, outcome=ApplicationStatus.WAITLISTED)
    assert err.value.code == "reason_required"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SELECTED
    services.application_decide(
        application=app,
        user=leader,
        outcome=ApplicationStatus.WAITLISTED,
        reason="Pladsen gik til en anden egn",
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WAITLISTED
    assert app.events.last().reason == "Pladsen gik til en anden egn"


@pytest.mark.django_db
def test_a_first_selection_or_waiting_list_needs_no_reason(closed_round, leader):
    a, b = make_application(closed_round), make_application(closed_round)
    a = services.application_decide(application=a, user=leader, outcome=ApplicationStatus.SELECTED)
    b = services.application_decide(application=b, user=leader, outcome=ApplicationStatus.WAITLISTED)
    assert (a.status, b.status) == (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED)


@pytest.mark.django_db
def test_the_preview_changes_nothing_and_names_the_recipients(closed_round, leader):
    app = make_application(closed_round)
    mails = OutboxMessage.objects.count()
    preview = services.decision_preview(application=app, user=leader, outcome=ApplicationStatus.REJECTED)
    assert preview.reason_required is True
    assert set(preview.recipients) == {app.created_by.email, app.doctor_email, app.staff_email}
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert OutboxMessage.objects.count() == mails


@pytest.mark.django_db
def test_the_preview_refuses_what_the_decision_would_refuse(closed_round, leader):
    app = make_application(closed_round)
    services.application_decide(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    with pytest.raises(DomainError) as err:
        services.decision_preview(application=app, user=leader, outcome=ApplicationStatus.SELECTED)
    assert err.value.code == "same_decision"


# --- The pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_decision_dropdown_has_no_default(client, closed_round, leader):
    make_application(closed_round)
    assert DecisionForm().fields["outcome"].choices[0][0] == ""
    html = (
        login(client, leader).get(reverse("applications:selection", args=[closed_round.pk])).content.decode()
    )
    select = html[html.index('name="outcome"') :]
    select = select[: select.index("</select>")]
    assert select.count(" selected") == 1 and '<option value="" selected>' in select


@pytest.mark.django_db
def test_submitting_a_decision_shows_what_will_happen_and_who_gets_mail(client, closed_round, leader):
    app = make_application(closed_round)
    response = english(login(client, leader)).post(
        reverse("applications:decide", args=[app.pk]), {"outcome": ApplicationStatus.SELECTED}
    )
    assert response.status_code == 200
    html = response.content.decode()
    for email in (app.created_by.email, app.doctor_email, app.staff_email):
        assert email in html
    assert "takes one of the round&#x27;s places" in html or "takes one of the round's places" in html
    assert 'name="confirm"' in html
    assert "The reason is e-mailed to the practice and shown in its history." in html
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert not OutboxMessage.objects.filter(subject__icontains="udvalgt").exists()


@pytest.mark.django_db
def test_confirming_a_rejection_without_a_reason_asks_again_beside_the_field(client, closed_round, leader):
    app = make_application(closed_round)
    url = reverse("applications:decide", args=[app.pk])
    response = english(login(client, leader)).post(
        url, {"outcome": ApplicationStatus.REJECTED, "confirm": "1", "reason": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    response = client.post(
        url, {"outcome": ApplicationStatus.REJECTED, "confirm": "1", "reason": "Uden for målgruppen"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED


@pytest.mark.django_db
def test_a_decision_without_a_choice_is_refused_with_the_danish_field_name(client, closed_round, leader):
    app = make_application(closed_round)
    response = login(client, leader).post(reverse("applications:decide", args=[app.pk]), {"confirm": "1"})
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert text == "Vælg en beslutning." and "outcome" not in text  # the message names the field itself
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_a_cpr_number_in_a_reason_names_the_field_in_danish(client, closed_round, leader):
    """Not "* reason * Teksten ser ud til …": the message names the Danish label."""
    app = make_application(closed_round)
    response = login(client, leader).post(
        reverse("applications:withdraw", args=[app.pk]), {"reason": CPR_TEXT}
    )
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert text.startswith("Begrundelse:")
    assert "* reason" not in text and "reason" not in text
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_the_workspace_is_sorted_by_mean_score_unscored_last(client, closed_round, leader, steering):
    low, unscored, high = (make_application(closed_round) for _ in range(3))
    _scores(low, steering, 1, 2)
    _scores(high, steering, 5, 4)
    response = login(client, leader).get(reverse("applications:selection", args=[closed_round.pk]))
    assert [r["app"].pk for r in response.context["rows"]] == [high.pk, low.pk, unscored.pk]
    html = response.content.decode()
    header = html[html.index("<thead>") : html.index("</thead>")]
    assert header.index("Beslut") < header.index("Område")  # the decision comes before the details


@pytest.mark.django_db
def test_the_balanced_suggestion_is_a_preview_until_the_leader_confirms(
    client, closed_round, leader, steering
):
    apps = [make_application(closed_round) for _ in range(4)]
    for i, app in enumerate(apps):
        _scores(app, steering, 1 + i, 1 + i)
    login(client, leader)
    response = client.get(reverse("applications:selection", args=[closed_round.pk]) + "?suggest=1")
    preview = response.context["suggestion_preview"]
    assert len(preview.to_select) == closed_round.places == 3
    assert 'data-testid="suggestion-changes"' in response.content.decode()
    for app in apps:
        app.refresh_from_db()
        assert app.status == ApplicationStatus.SUBMITTED  # looking changes nothing

    response = client.post(
        reverse("applications:apply_suggestion", args=[closed_round.pk]),
        {"application": [str(pk) for pk in preview.keys]},
    )
    assert response.status_code == 302
    statuses = {a.pk: a.status for a in (x.__class__.objects.get(pk=x.pk) for x in apps)}
    assert sorted(pk for pk, s in statuses.items() if s == ApplicationStatus.SELECTED) == sorted(preview.keys)


@pytest.mark.django_db
def test_a_suggestion_that_changed_since_its_preview_is_not_applied(client, closed_round, leader, steering):
    apps = [make_application(closed_round) for _ in range(4)]
    for i, app in enumerate(apps):
        _scores(app, steering, 1 + i, 1 + i)
    seen = services.suggestion_preview(round_obj=closed_round).keys
    outside = next(a for a in apps if a.pk not in seen)
    services.application_decide(application=outside, user=leader, outcome=ApplicationStatus.SELECTED)
    response = login(client, leader).post(
        reverse("applications:apply_suggestion", args=[closed_round.pk]),
        {"application": [str(k) for k in seen]},
    )
    assert response.status_code == 302
    assert "?suggest=1" in response["Location"]
    assert (
        sum(a.__class__.objects.get(pk=a.pk).status == ApplicationStatus.SELECTED for a in apps) == 1
    )  # only the one decided by hand

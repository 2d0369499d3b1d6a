"""Questionnaires: building, sending with personal links, answering once, the one reminder,
anonymity in the database, the results before against after, exports and access."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from evaluation import tasks
from evaluation.models import Answer, Invitation, Phase, QuestionKind, Questionnaire, Response
from evaluation.selectors import questionnaires as selectors
from evaluation.services import questionnaires as services
from ligepraksis.errors import DomainError
from ligepraksis.models import OutboxMessage, Role
from tests.conftest import make_round, make_user
from tests.evaluation.factories import answer, participate, post_data, questionnaire, token
from tests.helpers import english, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluator(closed_round):
    return make_user(role=Role.EVALUATOR, round=closed_round)


@pytest.fixture
def sent(closed_round, evaluator):
    """A sent anonymous questionnaire to two practices (two coordinators each)."""
    parts = [participate(closed_round), participate(closed_round)]
    q = questionnaire(closed_round, evaluator)
    services.questionnaire_send(user=evaluator, questionnaire=q)
    return q, parts


def _answer_url(inv, tok=None):
    return reverse("evaluation:answer", args=[inv.questionnaire_id, tok or token(inv)])


# --- Building ---------------------------------------------------------------------------------------


def test_a_scale_needs_a_label_on_each_of_its_five_points(closed_round, evaluator):
    q = services.questionnaire_create(
        user=evaluator, round_obj=closed_round, title="T", phase=Phase.BEFORE, anonymous=True
    )
    with pytest.raises(DomainError) as exc:
        services.question_add(
            user=evaluator, questionnaire=q, kind=QuestionKind.LIKERT, text="S?", options="a\nb\nc\nd"
        )
    assert exc.value.field == "options"
    with pytest.raises(DomainError):
        services.question_add(
            user=evaluator, questionnaire=q, kind=QuestionKind.CHOICE, text="V?", options="kun én"
        )
    with pytest.raises(DomainError):
        services.question_add(
            user=evaluator, questionnaire=q, kind=QuestionKind.NUMBER, text="N?", minimum=5, maximum=1
        )
    with pytest.raises(DomainError):
        services.question_add(
            user=evaluator, questionnaire=q, kind=QuestionKind.TEXT, text="CPR 010190-1234?"
        )
    assert not q.questions.exists()


def test_questions_are_ordered_and_frozen_once_sent(closed_round, evaluator):
    participate(closed_round)
    q = questionnaire(closed_round, evaluator)
    assert [x.order for x in q.questions.order_by("order")] == [1, 2, 3, 4]
    services.questionnaire_send(user=evaluator, questionnaire=q)
    with pytest.raises(DomainError):
        services.question_add(user=evaluator, questionnaire=q, kind=QuestionKind.TEXT, text="Mere?")
    with pytest.raises(DomainError):
        services.questionnaire_send(user=evaluator, questionnaire=q)


def test_the_evaluator_builds_a_questionnaire_on_its_pages(client, closed_round, evaluator):
    english(login(client, evaluator))
    response = client.post(
        reverse("evaluation:questionnaire_new", args=[closed_round.pk]),
        {"title": "Før", "phase": "before", "anonymous": "on", "remind_after_days": "7"},
    )
    q = Questionnaire.objects.get()
    assert response.status_code == 302 and q.anonymous and q.created_by == evaluator
    response = client.post(
        reverse("evaluation:question_new", args=[q.pk]),
        {"kind": "likert", "text": "Overblik?", "options": "1\n2\n3", "required": "on"},
    )
    assert response.status_code == 200 and "5 points" in response.content.decode()
    response = client.post(
        reverse("evaluation:question_new", args=[q.pk]),
        {"kind": "likert", "text": "Overblik?", "options": "a\nb\nc\nd\ne", "required": "on"},
    )
    assert response.status_code == 302 and q.questions.count() == 1
    assert "1 – a" in client.get(reverse("evaluation:questionnaire", args=[q.pk])).content.decode()


# --- Sending ----------------------------------------------------------------------------------------


def test_sending_invites_each_coordinator_with_a_personal_link_in_one_transaction(sent):
    q, parts = sent
    invitations = Invitation.objects.filter(questionnaire=q)
    assert invitations.count() == 4
    for inv in invitations:
        message = OutboxMessage.objects.get(key=f"questionnaire-invitation-{inv.pk}")
        assert message.to == inv.email
        assert _answer_url(inv).split("/svar/")[0] in message.body
    assert (
        len({OutboxMessage.objects.get(key=f"questionnaire-invitation-{i.pk}").body for i in invitations})
        == 4
    )


def test_sending_fails_whole_when_the_mail_cannot_be_written(closed_round, evaluator, monkeypatch):
    participate(closed_round)
    q = questionnaire(closed_round, evaluator)

    def broken(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(services.mail, "enqueue", broken)
    with pytest.raises(RuntimeError):
        services.questionnaire_send(user=evaluator, questionnaire=q)
    q.refresh_from_db()
    assert q.sent_at is None and not Invitation.objects.exists()


def test_sending_without_participating_practices_is_refused(closed_round, evaluator):
    q = questionnaire(closed_round, evaluator)
    with pytest.raises(DomainError):
        services.questionnaire_send(user=evaluator, questionnaire=q)
    assert not Invitation.objects.exists()


# --- Answering through the link -------------------------------------------------------------------


def test_opening_the_link_shows_the_form_logs_nobody_in_and_spends_nothing(sent):
    q, _parts = sent
    inv = Invitation.objects.filter(questionnaire=q).first()
    client = Client()
    page = client.get(_answer_url(inv))
    assert page.status_code == 200 and "Vi har overblik." in page.content.decode()
    assert "_auth_user_id" not in client.session
    inv.refresh_from_db()
    assert not inv.answered


def test_an_answer_spends_the_link_and_a_second_answer_is_refused_in_danish(sent):
    q, _parts = sent
    inv = Invitation.objects.filter(questionnaire=q).first()
    client = Client()
    response = client.post(_answer_url(inv), post_data(q, text="Tid"))
    assert response.status_code == 200 and b'data-testid="thanks"' in response.content
    assert "_auth_user_id" not in client.session
    inv.refresh_from_db()
    assert inv.answered and Response.objects.count() == 1 and Answer.objects.count() == 4
    with translation.override("da"):
        again = client.post(_answer_url(inv), post_data(q, likert=2), HTTP_ACCEPT_LANGUAGE="da")
        opened = client.get(_answer_url(inv), HTTP_ACCEPT_LANGUAGE="da")
    assert again.status_code == 410 and opened.status_code == 410
    assert "allerede besvaret" in again.content.decode()
    assert Response.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        answer(inv)
    assert exc.value.code == services.ALREADY_ANSWERED


def test_a_tampered_or_foreign_link_is_refused(sent, closed_round, evaluator):
    q, _parts = sent
    inv = Invitation.objects.filter(questionnaire=q).first()
    good = token(inv)
    client = Client()
    tampered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    assert client.get(_answer_url(inv, tampered)).status_code == 404
    assert client.post(_answer_url(inv, tampered), post_data(q)).status_code == 404
    # A valid link, but for another questionnaire's address.
    other = questionnaire(closed_round, evaluator, title="Andet")
    assert client.get(reverse("evaluation:answer", args=[other.pk, good])).status_code == 404
    # A value signed by the portal for another purpose does not open it.
    from django.core import signing

    foreign = signing.dumps(str(inv.key), salt="ligepraksis.something-else")
    response = client.get(reverse("evaluation:answer", args=[q.pk, foreign]))
    assert response.status_code == 404 and b'data-testid="refused"' in response.content
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "kw, field",
    [({"likert": 6}, 0), ({"likert": 0}, 0), ({"choice": 3}, 1), ({"number": 101}, 2), ({"number": -1}, 2)],
)
def test_an_answer_out_of_range_is_refused_and_nothing_is_saved(sent, kw, field):
    q, _parts = sent
    inv = Invitation.objects.filter(questionnaire=q).first()
    qs = list(q.questions.order_by("order"))
    response = Client().post(_answer_url(inv), post_data(q, **kw))
    assert response.status_code == 200 and response.context["form"].errors[f"q{qs[field].pk}"]
    with pytest.raises(DomainError) as exc:
        answer(inv, **kw)
    assert exc.value.field == f"q{qs[field].pk}"
    inv.refresh_from_db()
    assert not inv.answered and not Response.objects.exists() and not Answer.objects.exists()


def test_a_cpr_number_in_free_text_is_refused_and_nothing_is_saved(sent):
    q, _parts = sent
    inv = Invitation.objects.filter(questionnaire=q).first()
    response = Client().post(_answer_url(inv), post_data(q, text="Patient 010190-1234 udeblev"))
    assert response.status_code == 200 and b'data-testid="errors"' in response.content
    with pytest.raises(DomainError):
        answer(inv, text="Patient 0101901234")
    inv.refresh_from_db()
    assert not inv.answered and not Response.objects.exists()


# --- Anonymity --------------------------------------------------------------------------------------


def test_an_anonymous_answer_keeps_no_link_to_the_practice_or_person(sent):
    q, _parts = sent
    inv = Invitation.objects.filter(questionnaire=q).first()
    response = answer(inv, text="Tid")
    row = Response.objects.values().get(pk=response.pk)
    assert row["invitation_id"] is None and row["practice_id"] is None
    # No column of the response or its answers can tie it back: no time finer than the day, random keys.
    for model in (Response, Answer):
        fields = model._meta.concrete_fields
        assert not [f.name for f in fields if isinstance(f, models.DateTimeField)], model
        assert isinstance(model._meta.pk, models.UUIDField), model
    assert {f.related_model for f in Answer._meta.concrete_fields if f.is_relation} == {
        Response,
        q.questions.model,
    }
    # The invitation records only that it was answered; no history row dates that moment.
    assert (
        not hasattr(Invitation, "history")
        and not hasattr(Response, "history")
        and not hasattr(Answer, "history")
    )
    inv_row = Invitation.objects.values().get(pk=inv.pk)
    assert inv_row["answered"] is True
    assert not [
        f.name
        for f in Invitation._meta.concrete_fields
        if f.name.startswith("answered") and f.name != "answered"
    ]


def test_a_named_answer_keeps_its_invitation_and_practice(closed_round, evaluator):
    p = participate(closed_round)
    q = questionnaire(closed_round, evaluator, anonymous=False)
    services.questionnaire_send(user=evaluator, questionnaire=q)
    inv = Invitation.objects.filter(questionnaire=q).first()
    response = answer(inv)
    assert response.invitation == inv and response.practice == p.practice


# --- The reminder -----------------------------------------------------------------------------------


def test_one_reminder_to_those_who_have_not_answered_even_when_the_task_runs_twice(sent):
    q, _parts = sent
    first, *others = Invitation.objects.filter(questionnaire=q).order_by("pk")
    answer(first)
    assert services.questionnaire_reminders_send() == 0  # not due yet
    later = timezone.now() + dt.timedelta(days=8)
    assert services.questionnaire_reminders_send(now=later) == 3
    assert services.questionnaire_reminders_send(now=later) == 0
    reminders = OutboxMessage.objects.filter(key__startswith="questionnaire-reminder-")
    assert sorted(m.to for m in reminders) == sorted(i.email for i in others)
    assert not Invitation.objects.filter(pk=first.pk, reminded_at__isnull=False).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_through_a_real_worker_twice_writes_one_message_each(region, real_worker):
    from celery import signals

    round_obj = make_round(region, open_=False)
    user = make_user(role=Role.EVALUATOR, round=round_obj)
    participate(round_obj)
    q = questionnaire(round_obj, user)
    services.questionnaire_send(user=user, questionnaire=q, now=timezone.now() - dt.timedelta(days=10))
    done = []

    def finished(sender=None, **kwargs):
        if sender is not None and sender.name == tasks.send_questionnaire_reminders.name:
            done.append(kwargs.get("retval"))

    signals.task_postrun.connect(finished, weak=False)
    try:
        with real_worker():
            tasks.send_questionnaire_reminders.delay()
            tasks.send_questionnaire_reminders.delay()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(done) < 2:
                time.sleep(0.2)
    finally:
        signals.task_postrun.disconnect(finished)
    assert len(done) == 2, "the worker did not run the task twice within 30 s"
    assert sorted(done) == [0, 2]
    assert OutboxMessage.objects.filter(key__startswith="questionnaire-reminder-").count() == 2


# --- Results ----------------------------------------------------------------------------------------


def _round_with_answers(closed_round, evaluator, n_before, n_after, *, anonymous=True, practices=None):
    for _i in range(practices or (max(n_before, n_after) + 1) // 2):
        participate(closed_round)
    before = questionnaire(closed_round, evaluator, anonymous=anonymous)
    after = questionnaire(closed_round, evaluator, phase=Phase.AFTER, title="Efter", anonymous=anonymous)
    for q, n, likert in ((before, n_before, 2), (after, n_after, 4)):
        services.questionnaire_send(user=evaluator, questionnaire=q)
        for i, inv in enumerate(Invitation.objects.filter(questionnaire=q).order_by("pk")[:n]):
            answer(inv, likert=likert + (i % 2), number=10 * (i + 1), text=f"Svar {i}")
    return before, after


def test_results_before_against_after_as_groups(closed_round, evaluator):
    before, after = _round_with_answers(closed_round, evaluator, 6, 5)
    b, a = selectors.results(before), selectors.results(after)
    assert (b.invited, b.answered, b.responses, b.rate) == (6, 6, 6, 100)
    likert_b, likert_a = b.questions[0], a.questions[0]
    assert likert_b.count == 6 and float(likert_b.mean) == 2.5
    assert [n for _l, n in likert_b.distribution] == [0, 3, 3, 0, 0]
    assert [n for _l, n in likert_a.distribution] == [0, 0, 0, 3, 2]
    assert float(b.questions[2].mean) == 35.0
    rows = selectors.compare(b, a)
    assert [(c.before is not None, c.after is not None) for c in rows] == [(True, True)] * 4
    assert rows[0].points[3] == ("4 Enig", 0, 3)


def test_few_anonymous_answers_show_no_distribution_mean_or_free_text(closed_round, evaluator, client):
    before, _after = _round_with_answers(closed_round, evaluator, 4, 0)
    r = selectors.results(before)
    assert r.questions[0].count == 4
    assert r.questions[0].distribution is None and r.questions[0].mean is None and r.questions[3].texts == []
    page = (
        english(login(client, evaluator))
        .get(reverse("evaluation:results", args=[before.pk]))
        .content.decode()
    )
    assert "Svar 1" not in page and 'data-testid="hidden"' in page


def test_the_results_page_draws_charts_and_lists_the_figures(client, closed_round, evaluator):
    before, after = _round_with_answers(closed_round, evaluator, 6, 6)
    page = (
        english(login(client, evaluator)).get(reverse("evaluation:results", args=[after.pk])).content.decode()
    )
    assert page.count('data-testid="chart"') == 3  # scale, choice, number
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert 'data-figure="rate-before">100 %' in page and "Svar 5" in page


def test_the_results_page_makes_the_same_number_of_queries_for_5_and_50_answers(
    client, closed_round, evaluator
):
    before, after = _round_with_answers(closed_round, evaluator, 5, 5, practices=25)
    login(client, evaluator)
    url = reverse("evaluation:results", args=[before.pk])

    def measure(n):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        assert page.status_code == 200
        assert (
            page.content.decode().count("<li>Svar ") == 2 * n
        )  # every free-text answer rendered, both phases
        return len(ctx.captured_queries)

    few = measure(5)
    for q in (before, after):
        for i, inv in enumerate(
            Invitation.objects.filter(questionnaire=q, answered=False).order_by("pk")[:45]
        ):
            answer(inv, text=f"Svar {i + 5}")
    assert measure(50) == few <= 25


def test_the_raw_answers_export_has_typed_cells_and_no_practice_when_anonymous(
    client, closed_round, evaluator
):
    before, _after = _round_with_answers(closed_round, evaluator, 2, 0)
    response = english(login(client, evaluator)).get(
        reverse("evaluation:answers_export", args=[before.pk, "csv"])
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3 and "Practice" not in lines[0] and "1. Vi har overblik." in lines[0]
    from evaluation.exports import answers_table

    rows = list(answers_table({"questionnaire": before.pk}).rows)
    assert isinstance(rows[0][1], dt.date) and isinstance(rows[0][2], int) and isinstance(rows[0][4], int)
    assert {r[5] for r in rows} == {"Svar 0", "Svar 1"}
    assert client.get(reverse("evaluation:answers_export", args=[before.pk, "xlsx"])).status_code == 200


def test_a_practice_sees_its_own_named_answers_only(client, closed_round, evaluator):
    p = participate(closed_round)
    other = participate(closed_round)
    named = questionnaire(closed_round, evaluator, anonymous=False, title="Navngivet")
    anonymous = questionnaire(closed_round, evaluator, title="Anonymt")
    for q in (named, anonymous):
        services.questionnaire_send(user=evaluator, questionnaire=q)
        for inv in Invitation.objects.filter(questionnaire=q, practice=p.practice)[:1]:
            answer(inv, text="Vores svar")
    user = p.application.created_by
    page = english(login(client, user)).get(reverse("evaluation:practice_answers", args=[p.practice_id]))
    html = page.content.decode()
    assert "Navngivet" in html and "Anonymt" not in html and "4 – Enig" in html
    assert client.get(reverse("evaluation:practice_answers", args=[other.practice_id])).status_code == 404
    assert reverse("evaluation:practice_answers", args=[p.practice_id]) in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["outsider", "steering", "consultant", "other_evaluator"])
def test_everyone_else_gets_404_on_the_questionnaire_pages(who, client, closed_round, region, evaluator):
    participate(closed_round)
    q = questionnaire(closed_round, evaluator)
    if who == "other_evaluator":
        user = make_user(role=Role.EVALUATOR, round=make_round(region, open_=False))
    elif who == "outsider":
        user = make_user()
    else:
        user = make_user(role=Role.STEERING if who == "steering" else Role.CONSULTANT, round=closed_round)
    login(client, user)
    for url in (
        reverse("evaluation:questionnaires", args=[closed_round.pk]),
        reverse("evaluation:questionnaire", args=[q.pk]),
        reverse("evaluation:results", args=[q.pk]),
        reverse("evaluation:answers_export", args=[q.pk, "csv"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("evaluation:questionnaire_send", args=[q.pk])).status_code == 404
    assert Questionnaire.objects.get(pk=q.pk).sent_at is None


def test_a_project_leader_of_the_round_builds_and_reads_results(client, closed_round, leader):
    participate(closed_round)
    q = questionnaire(closed_round, leader)
    login(client, leader)
    assert client.post(reverse("evaluation:questionnaire_send", args=[q.pk])).status_code == 302
    assert client.get(reverse("evaluation:results", args=[q.pk])).status_code == 200


def test_the_evaluators_start_page_card_leads_to_the_questionnaires(client, closed_round, evaluator):
    html = english(login(client, evaluator)).get("/").content.decode()
    assert f'data-card="evaluator-{closed_round.pk}"' in html
    assert reverse("evaluation:questionnaire_new", args=[closed_round.pk]) in html
    assert "comes with the evaluation module" not in html


def test_the_chart_is_a_pure_function_of_the_figures_without_script():
    from evaluation.charts import question_svg
    from evaluation.models import Question
    from evaluation.selectors.questionnaires import Comparison, QuestionResult

    q = Question(kind=QuestionKind.LIKERT, text="Overblik?", options="a\nb\nc\nd\ne")
    dist = [(f"{i} x", n) for i, n in enumerate([0, 1, 2, 1, 1], start=1)]
    with translation.override("en"):
        svg = question_svg(Comparison(before=QuestionResult(q, 5, 3.4, dist), after=None))
    assert svg.startswith("<svg") and "<script" not in svg and "Share of answers" in svg
    assert "Before" in svg and "1 x" in svg
    hidden = QuestionResult(q, 3, None, None)
    assert question_svg(Comparison(before=hidden, after=hidden)) == ""
    text = Question(kind=QuestionKind.TEXT, text="Hvorfor?")
    assert question_svg(Comparison(before=QuestionResult(text, 5), after=None)) == ""

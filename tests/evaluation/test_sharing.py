"""Interviews (notes for the round's evaluators and project leaders only), the practice's own
evaluation and its consent to publish (withdrawn: the postcard leaves the public page), the public
postcards with the clinic module's material, and the knowledge-sharing register linked only to the
practice's own evaluation hours (summed in the database). Bad input: a CPR number in a note, a
learning point or a title is refused with a clear message and nothing is saved; a stale version is
refused. Lists keep the same number of queries for 5 and 50 rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Interview, InterviewStatus, KnowledgeItem, KnowledgeKind, PracticeEvaluation
from evaluation.selectors import sharing as selectors
from evaluation.services import sharing as services
from finance.models import ItemKind
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from tests.conftest import make_round, make_user
from tests.evaluation.factories import (
    evaluation_hours,
    evaluation_written,
    participate,
    practice_user,
)
from tests.helpers import english, login

pytestmark = pytest.mark.django_db

CPR_TEXT = "Patienten 010190-1234 var glad"
CPR_SAYS = "looks like it contains a CPR number"  # ligepraksis.cpr.CPR_FIELD_MESSAGE, naming the field
SOON = timezone.now() + dt.timedelta(days=7)


@pytest.fixture
def evaluator(closed_round):
    return make_user("evaluator@example.org", role=Role.EVALUATOR, round=closed_round)


@pytest.fixture
def part(closed_round):
    return participate(closed_round)


def _interview(evaluator, participation, **kw):
    return services.interview_schedule(
        user=evaluator, participation=participation, scheduled_at=kw.pop("at", SOON), place="Video", **kw
    )


# --- Interviews ----------------------------------------------------------------------------------------


def test_an_evaluator_schedules_an_interview_and_keeps_notes(client, evaluator, part):
    english(login(client, evaluator))
    url = reverse("evaluation:interview_new", args=[part.round_id])
    response = client.post(
        url,
        {"participation": part.pk, "scheduled_at": "22.11.2026 14:30", "place": "Video", "status": "planned"},
    )
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert interview.evaluator == evaluator and interview.participation == part
    assert timezone.localtime(interview.scheduled_at).strftime("%d.%m.%Y %H:%M") == "22.11.2026 14:30"
    page = client.get(reverse("evaluation:interview", args=[interview.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("evaluation:interview", args=[interview.pk]),
        {
            "scheduled_at": "22.11.2026 14:30",
            "place": "Video",
            "status": "held",
            "notes": "Gode erfaringer med opringninger.",
            "version": interview.version,
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.HELD and interview.notes.startswith("Gode")
    assert interview.version == 2 and interview.history.count() == 2
    listing = client.get(reverse("evaluation:interviews", args=[part.round_id])).content.decode()
    assert part.practice.name in listing and "Gode erfaringer" not in listing  # notes only on its page


def test_a_stale_version_of_an_interview_is_refused_and_nothing_is_overwritten(evaluator, leader, part):
    interview = _interview(evaluator, part)
    services.interview_update(user=leader, interview=interview, version=1, data={"notes": "Lederens note."})
    with pytest.raises(DomainError) as exc:
        services.interview_update(user=evaluator, interview=interview, version=1, data={"notes": "Min note."})
    assert exc.value.code == services.CHANGED
    assert Interview.objects.get().notes == "Lederens note."


def test_a_cpr_number_in_interview_notes_is_refused_with_a_clear_message_and_nothing_saved(
    client, evaluator, part
):
    interview = _interview(evaluator, part, notes="Første note.")
    english(login(client, evaluator))
    response = client.post(
        reverse("evaluation:interview", args=[interview.pk]),
        {"scheduled_at": "22.11.2026 14:30", "place": "", "status": "held", "notes": CPR_TEXT, "version": 1},
    )
    assert response.status_code == 200
    assert CPR_SAYS in response.content.decode()
    interview.refresh_from_db()
    assert interview.notes == "Første note." and interview.version == 1 and interview.place == "Video"
    with pytest.raises(DomainError) as exc:  # the service refuses it too (a command, an import)
        services.interview_update(user=evaluator, interview=interview, version=1, data={"notes": CPR_TEXT})
    assert exc.value.field == "notes"
    assert Interview.objects.get().notes == "Første note."


def test_interview_notes_are_for_the_rounds_evaluators_and_leaders_only(
    client, closed_round, evaluator, leader, part
):
    interview = _interview(evaluator, part, notes="Fortroligt.")
    url = reverse("evaluation:interview", args=[interview.pk])
    listing = reverse("evaluation:interviews", args=[closed_round.pk])
    part.consultant = make_user(role=Role.CONSULTANT, round=closed_round)
    part.save(update_fields=["consultant"])
    readers = [evaluator, leader]
    others = [
        practice_user(part),
        make_user(role=Role.STEERING, round=closed_round),
        part.consultant,
        make_user(role=Role.KEU, region=closed_round.region),
        make_user(),
        make_user(role=Role.EVALUATOR, round=make_round(closed_round.region, open_=False)),  # another round
    ]
    for user in readers:
        login(client, user)
        assert client.get(url).status_code == 200
        assert client.get(listing).status_code == 200
    for user in others:
        client.logout()
        login(client, user)
        assert client.get(url).status_code == 404, user
        assert client.get(listing).status_code == 404, user
        assert client.post(url, {"notes": "x", "version": 1}).status_code == 404
    client.logout()
    assert "Fortroligt." not in client.get(reverse("evaluation:postcards")).content.decode()


def test_a_leader_acting_for_the_practice_does_not_see_its_interview(
    client, closed_round, evaluator, leader, part
):
    from practices.services import practice_grant

    interview = _interview(evaluator, part)
    practice_grant(user=leader, practice=part.practice)
    login(client, leader)
    assert client.get(reverse("evaluation:interview", args=[interview.pk])).status_code == 404
    page = client.get(reverse("evaluation:interviews", args=[closed_round.pk]))
    assert page.status_code == 200 and 'data-row="interview"' not in page.content.decode()
    with pytest.raises(DomainError) as exc:
        _interview(leader, part)
    assert exc.value.code == services.FORBIDDEN


# --- The practice's own evaluation and its consent -----------------------------------------------------


def test_the_practice_writes_its_evaluation_versioned(client, part):
    user = practice_user(part)
    english(login(client, user))
    url = reverse("evaluation:practice_evaluation", args=[part.pk])
    assert client.get(url).status_code == 200
    data = {
        "example": "Vi ringer op.",
        "learning_points": "Faste tider.",
        "what_worked": "",
        "what_did_not": "",
    }
    assert client.post(url, {**data, "recommendations": ""}).status_code == 302
    evaluation = PracticeEvaluation.objects.get()
    assert evaluation.version == 1 and evaluation.learning_points == "Faste tider."
    assert client.post(url, {**data, "recommendations": "Start småt.", "version": 1}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.version == 2 and evaluation.recommendations == "Start småt."
    stale = client.post(url, {**data, "recommendations": "Gammel.", "version": 1})
    assert stale.status_code == 200
    assert "Someone else saved this record" in stale.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.recommendations == "Start småt."


def test_a_cpr_number_in_learning_points_is_refused_and_nothing_saved(client, part):
    evaluation_written(part, learning="Første læringspunkt.")
    english(login(client, practice_user(part)))
    response = client.post(
        reverse("evaluation:practice_evaluation", args=[part.pk]),
        {"example": "Nyt eksempel", "learning_points": CPR_TEXT, "version": 1},
    )
    assert response.status_code == 200 and CPR_SAYS in response.content.decode()
    evaluation = PracticeEvaluation.objects.get()
    assert evaluation.learning_points == "Første læringspunkt." and evaluation.example == "Vi ringer op."
    assert evaluation.version == 1


def test_consent_is_given_withdrawn_and_given_again(part):
    user = practice_user(part)
    with pytest.raises(DomainError) as exc:
        services.evaluation_consent(user=user, participation=part, give=True)
    assert exc.value.code == services.NO_EVALUATION
    evaluation_written(part)
    with pytest.raises(DomainError) as exc:
        services.evaluation_consent(user=user, participation=part, give=False)
    assert exc.value.code == services.NO_CONSENT
    first = timezone.now() - dt.timedelta(days=3)
    e = services.evaluation_consent(user=user, participation=part, give=True, now=first)
    assert e.consent_given_at == first and e.consent_withdrawn_at is None and e.consent_by == user
    assert e.is_published and PracticeEvaluation.objects.published().count() == 1
    again = services.evaluation_consent(user=user, participation=part, give=True)  # no change
    assert again.consent_given_at == first
    withdrawn = timezone.now() - dt.timedelta(days=1)
    e = services.evaluation_consent(user=user, participation=part, give=False, now=withdrawn)
    assert e.consent_withdrawn_at == withdrawn and e.consent_given_at == first
    assert not PracticeEvaluation.objects.published().exists()
    e = services.evaluation_consent(user=user, participation=part, give=True)
    assert e.consent_given_at > withdrawn and e.consent_withdrawn_at is None
    assert PracticeEvaluation.objects.published().count() == 1
    assert e.history.count() == 4  # written, given, withdrawn, given again (the "no change" wrote nothing)


def test_only_those_acting_for_the_practice_write_or_consent(client, closed_round, evaluator, leader, part):
    evaluation_written(part)
    for user in (evaluator, leader):
        login(client, user)
        assert client.get(reverse("evaluation:practice_evaluation", args=[part.pk])).status_code == 200
        assert (
            client.post(
                reverse("evaluation:evaluation_consent", args=[part.pk]), {"action": "give"}
            ).status_code
            == 403
        )
        with pytest.raises(DomainError):
            services.evaluation_consent(user=user, participation=part, give=True)
    assert PracticeEvaluation.objects.get().consent_given_at is None


def test_the_steering_group_reads_consented_evaluations_only(client, closed_round, evaluator):
    consenting, silent, withdrawn = (participate(closed_round) for _ in range(3))
    evaluation_written(consenting, consent=True, learning="Delt læring.")
    evaluation_written(silent, learning="Ikke delt læring.")
    evaluation_written(withdrawn, consent=True, learning="Trukket læring.")
    services.evaluation_consent(user=practice_user(withdrawn), participation=withdrawn, give=False)
    steering = make_user(role=Role.STEERING, round=closed_round)
    login(client, steering)
    listing = client.get(reverse("evaluation:evaluations", args=[closed_round.pk])).content.decode()
    assert "Delt læring." in listing
    assert "Ikke delt læring." not in listing and "Trukket læring." not in listing
    assert client.get(reverse("evaluation:practice_evaluation", args=[consenting.pk])).status_code == 200
    assert client.get(reverse("evaluation:practice_evaluation", args=[silent.pk])).status_code == 404
    assert client.get(reverse("evaluation:practice_evaluation", args=[withdrawn.pk])).status_code == 404
    client.logout()
    login(client, evaluator)  # the evaluator reads every one
    listing = client.get(reverse("evaluation:evaluations", args=[closed_round.pk])).content.decode()
    assert listing.count('data-row="evaluation"') == 3


# --- Postcards and the public page --------------------------------------------------------------------


def _material(leader, round_obj, kind, title, published=True):
    from progress.sample_files import sample_pdf
    from progress.services import material as material_services

    return material_services.material_upload(
        user=leader,
        round_obj=round_obj,
        upload=SimpleUploadedFile("a.pdf", sample_pdf(title, ["Linje"])),
        title=title,
        kind=kind,
        published=published,
    )


def test_the_public_page_lists_published_postcards_and_the_clinic_modules_material(
    client, closed_round, leader, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    shown, silent, withdrawn = (participate(closed_round) for _ in range(3))
    card = evaluation_written(
        shown, consent=True, learning="Små vaner holder bedre.", example="Vi ringer op."
    )
    evaluation_written(silent, learning="Hemmelig læring.")
    evaluation_written(withdrawn, consent=True, learning="Trukket tilbage læring.")
    _material(leader, closed_round, "clinic_module", "Klinikmodulets mødeguide")
    _material(leader, closed_round, "clinic_module", "Kladde til klinikmodul", published=False)
    url = reverse("evaluation:postcards")

    page = client.get(url)  # nobody logged in
    body = page.content.decode()
    assert page.status_code == 200
    assert shown.practice.name in body and "Små vaner holder bedre." in body and "Vi ringer op." in body
    assert "Trukket tilbage læring." in body  # consent stands until it is withdrawn
    assert "Hemmelig læring." not in body and silent.practice.name not in body
    assert "Klinikmodulets mødeguide" in body and "Kladde til klinikmodul" not in body
    assert client.get(reverse("evaluation:postcard", args=[card.pk])).status_code == 200
    silent_row = PracticeEvaluation.objects.get(participation=silent)
    assert client.get(reverse("evaluation:postcard", args=[silent_row.pk])).status_code == 404

    services.evaluation_consent(user=practice_user(withdrawn), participation=withdrawn, give=False)
    body = client.get(url).content.decode()
    assert "Trukket tilbage læring." not in body and withdrawn.practice.name not in body
    gone = PracticeEvaluation.objects.get(participation=withdrawn)
    assert client.get(reverse("evaluation:postcard", args=[gone.pk])).status_code == 404
    assert [e.pk for e in selectors.published_postcards()] == [card.pk]


def test_a_consent_without_learning_points_shows_no_postcard(client, part):
    evaluation_written(part, consent=True, learning="")
    assert not selectors.published_postcards().exists()
    assert part.practice.name not in client.get(reverse("evaluation:postcards")).content.decode()


def test_published_postcards_is_one_query_with_practice_and_round(closed_round):
    for _ in range(3):
        evaluation_written(participate(closed_round), consent=True)
    other = make_round(closed_round.region, open_=False)
    other_round_part = participate(other)
    evaluation_written(other_round_part, consent=True)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(selectors.published_postcards())
        names = [(e.participation.practice.name, e.participation.round.name) for e in rows]
    assert len(ctx.captured_queries) == 1 and len(names) == 4
    assert [e.participation_id for e in selectors.published_postcards(round_id=other.pk)] == [
        other_round_part.pk
    ]


# --- The knowledge-sharing register --------------------------------------------------------------------

ITEM = {"kind": KnowledgeKind.ARTICLE, "title": "Små vaner", "channel": "Practicus", "status": "planned"}


def test_an_entry_links_the_practices_own_evaluation_hours_and_sums_them_in_the_database(
    client, closed_round, evaluator, part
):
    a, b = evaluation_hours(part, "2"), evaluation_hours(part, "1.5")
    user = practice_user(part)
    english(login(client, user))
    url = reverse("evaluation:participation_register", args=[part.pk])
    response = client.post(url, {**ITEM, "happens_on": "01.09.2026", "hour_entries": [a.pk, b.pk]})
    assert response.status_code == 302
    item = KnowledgeItem.objects.get()
    assert set(item.hour_entries.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert item.created_by == user and item.happens_on == dt.date(2026, 9, 1)
    row = selectors.register(selectors.register_items(participation=part)).get()
    assert row.linked_hours == Decimal("3.5")
    second = services.knowledge_item_add(
        user=user, participation=part, data={**ITEM, "title": "Webinar"}, hour_entry_ids=[a.pk]
    )
    assert selectors.linked_hours_total(selectors.register_items(participation=part)) == Decimal(
        "3.5"
    )  # once
    page = client.get(url).content.decode()
    assert "3.5 hours" in page and page.count('data-row="knowledge"') == 2  # English: 3.5
    login(client, evaluator)
    page = client.get(reverse("evaluation:register", args=[closed_round.pk])).content.decode()
    assert "Webinar" in page and "Små vaner" in page and "3.5 hours" in page
    filtered = client.get(
        reverse("evaluation:register", args=[closed_round.pk]), {"kind": "webinar"}
    ).content.decode()
    assert filtered.count('data-row="knowledge"') == 0
    services.knowledge_item_update(user=evaluator, item=second, data={"kind": "webinar"}, hour_entry_ids=[])
    filtered = client.get(
        reverse("evaluation:register", args=[closed_round.pk]), {"kind": "webinar"}
    ).content.decode()
    assert filtered.count('data-row="knowledge"') == 1
    assert not KnowledgeItem.objects.get(pk=second.pk).hour_entries.exists()


def test_someone_elses_or_a_non_evaluation_entry_cannot_be_linked(client, closed_round, part):
    other = participate(closed_round)
    theirs = evaluation_hours(other, "2")
    own_intervention = evaluation_hours(part, "2", kind=ItemKind.OWN_INTERVENTION, text="Egen indsats")
    mine = evaluation_hours(part, "1")
    user = practice_user(part)
    for bad in ([theirs.pk], [own_intervention.pk], [mine.pk, theirs.pk]):
        with pytest.raises(DomainError) as exc:
            services.knowledge_item_add(user=user, participation=part, data=ITEM, hour_entry_ids=bad)
        assert exc.value.code == services.HOURS_NOT_LINKABLE and exc.value.field == "hour_entries"
    assert not KnowledgeItem.objects.exists()  # nothing half-saved
    item = services.knowledge_item_add(user=user, participation=part, data=ITEM, hour_entry_ids=[mine.pk])
    with pytest.raises(DomainError):
        services.knowledge_item_update(
            user=user, item=item, data={"title": "Ny titel"}, hour_entry_ids=[theirs.pk]
        )
    item.refresh_from_db()
    assert item.title == "Små vaner" and list(item.hour_entries.all()) == [mine]
    # Through the page: the other practice's entry is no choice at all.
    english(login(client, user))
    response = client.post(
        reverse("evaluation:participation_register", args=[part.pk]), {**ITEM, "hour_entries": [theirs.pk]}
    )
    assert response.status_code == 200 and KnowledgeItem.objects.count() == 1
    assert "Select a valid choice" in response.content.decode()


def test_a_rejected_entry_cannot_be_linked(closed_round, leader, part):
    from finance.services.earnings import entry_decide

    entry = evaluation_hours(part, "2")
    entry_decide(user=leader, entry=entry, approve=False, reason="Ikke dokumenteret")
    with pytest.raises(DomainError):
        services.knowledge_item_add(
            user=practice_user(part), participation=part, data=ITEM, hour_entry_ids=[entry.pk]
        )


def test_the_register_is_kept_by_the_practice_and_the_rounds_evaluators_only(
    client, closed_round, evaluator, leader, part
):
    other = participate(closed_round)
    item = services.knowledge_item_add(user=practice_user(part), participation=part, data=ITEM)
    url = reverse("evaluation:knowledge_item", args=[item.pk])
    for user in (practice_user(part), evaluator, leader):
        login(client, user)
        assert client.get(url).status_code == 200
    for user in (practice_user(other), make_user(role=Role.STEERING, round=closed_round), make_user()):
        client.logout()
        login(client, user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("evaluation:participation_register", args=[part.pk])).status_code == 404
        with pytest.raises(DomainError):
            services.knowledge_item_update(user=user, item=item, data={"title": "x"})
    assert client.get(reverse("evaluation:register", args=[closed_round.pk])).status_code == 404


def test_a_cpr_number_in_a_register_title_is_refused_and_nothing_saved(client, part):
    english(login(client, practice_user(part)))
    response = client.post(
        reverse("evaluation:participation_register", args=[part.pk]), {**ITEM, "title": CPR_TEXT}
    )
    assert response.status_code == 200 and CPR_SAYS in response.content.decode()
    assert not KnowledgeItem.objects.exists()


# --- Query counts: 5 and 50 rows -----------------------------------------------------------------------


def _count(client, url, marker, expected_rows):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count(marker) == expected_rows
    return len(ctx.captured_queries)


@pytest.fixture
def all_on_one_page(monkeypatch):
    for name in ("INTERVIEWS_PER_PAGE", "EVALUATIONS_PER_PAGE", "REGISTER_PER_PAGE", "POSTCARDS_PER_PAGE"):
        monkeypatch.setattr(selectors, name, 100)


def test_interview_and_register_lists_make_the_same_queries_for_5_and_50_rows(
    client, closed_round, evaluator, all_on_one_page
):
    parts = [participate(closed_round) for _ in range(5)]
    entries = {p.pk: evaluation_hours(p, "1") for p in parts}
    login(client, evaluator)
    interviews = reverse("evaluation:interviews", args=[closed_round.pk])
    register = reverse("evaluation:register", args=[closed_round.pk])
    own = reverse("evaluation:participation_register", args=[parts[0].pk])

    def add(n):
        for i in range(n):
            p = parts[i % 5]
            _interview(evaluator, p)
            services.knowledge_item_add(
                user=evaluator,
                participation=p,
                data={**ITEM, "title": f"Artikel {i}"},
                hour_entry_ids=[entries[p.pk].pk],
            )

    add(5)
    few = [
        _count(client, interviews, 'data-row="interview"', 5),
        _count(client, register, 'data-row="knowledge"', 5),
        _count(client, own, 'data-row="knowledge"', 1),
    ]
    add(45)
    many = [
        _count(client, interviews, 'data-row="interview"', 50),
        _count(client, register, 'data-row="knowledge"', 50),
        _count(client, own, 'data-row="knowledge"', 10),
    ]
    assert many == few


def test_evaluation_and_postcard_lists_make_the_same_queries_for_5_and_50_rows(
    client, closed_round, evaluator, all_on_one_page
):
    parts = [participate(closed_round) for _ in range(50)]
    for p in parts[:5]:
        evaluation_written(p, consent=True)
    login(client, evaluator)
    evaluations = reverse("evaluation:evaluations", args=[closed_round.pk])
    few = _count(client, evaluations, 'data-row="evaluation"', 5)
    client.logout()
    few_public = _count(client, reverse("evaluation:postcards"), 'data-row="postcard"', 5)
    for p in parts[5:]:
        evaluation_written(p, consent=True)
    many_public = _count(client, reverse("evaluation:postcards"), 'data-row="postcard"', 50)
    login(client, evaluator)
    assert _count(client, evaluations, 'data-row="evaluation"', 50) == few
    assert many_public == few_public


# --- Start page and menu -------------------------------------------------------------------------------


def test_start_cards_and_round_menu_lead_to_the_pages(client, closed_round, evaluator, leader, part):
    from ligepraksis.registry import collect_round_menu

    login(client, evaluator)
    home = client.get("/").content.decode()
    for name in ("interviews", "evaluations", "register"):
        assert reverse(f"evaluation:{name}", args=[closed_round.pk]) in home
    client.logout()
    login(client, practice_user(part))
    home = client.get("/").content.decode()
    assert reverse("evaluation:practice_evaluation", args=[part.pk]) in home
    assert reverse("evaluation:participation_register", args=[part.pk]) in home
    client.logout()
    assert reverse("evaluation:postcards") in client.get("/").content.decode()
    urls = [link.url for link in collect_round_menu(leader, closed_round, is_leader=True)]
    assert reverse("evaluation:interviews", args=[closed_round.pk]) in urls
    steering = make_user(role=Role.STEERING, round=closed_round)
    urls = [link.url for link in collect_round_menu(steering, closed_round, is_leader=False)]
    assert reverse("evaluation:evaluations", args=[closed_round.pk]) in urls
    assert reverse("evaluation:interviews", args=[closed_round.pk]) not in urls


def test_the_practice_sees_when_and_where_it_is_interviewed_but_never_the_notes(client, evaluator, part):
    _interview(evaluator, part, notes="NOTERTILEVALUATORERNE")
    cancelled = _interview(evaluator, part, at=SOON + dt.timedelta(days=1))
    services.interview_update(
        user=evaluator,
        interview=cancelled,
        version=1,
        data={"status": InterviewStatus.CANCELLED, "place": "AFLYST"},
    )
    html = (
        english(login(client, practice_user(part)))
        .get(reverse("evaluation:practice_evaluation", args=[part.pk]))
        .content.decode()
    )
    assert 'data-testid="interview-times"' in html and "Video" in html
    assert "NOTERTILEVALUATORERNE" not in html and "AFLYST" not in html

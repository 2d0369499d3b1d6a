"""Reading questionnaires: the results (counts, means and distributions made in the database, a
fixed number of queries whatever the number of answers), before against after, and the raw answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q

from evaluation.models import Answer, Invitation, Phase, Question, QuestionKind, Questionnaire, Response

MIN_GROUP = 5  # no distribution (and for an anonymous questionnaire no mean or free text) below this
TEXTS_SHOWN = 200  # free-text answers shown per question on the page (the export has them all)


@dataclass
class QuestionResult:
    question: Question
    count: int = 0
    mean: float | None = None
    distribution: list[tuple[str, int]] | None = None  # (label, count) per point/choice; None if hidden
    texts: list[str] = field(default_factory=list)


@dataclass
class Results:
    questionnaire: Questionnaire
    invited: int
    answered: int
    responses: int
    questions: list[QuestionResult]

    @property
    def rate(self) -> int | None:
        """The response rate in whole per cent (answered invitations of all invitations)."""
        return round(100 * self.answered / self.invited) if self.invited else None

    @property
    def small(self) -> bool:
        return self.responses < MIN_GROUP

    def by_text(self) -> dict[tuple[str, str], QuestionResult]:
        return {(r.question.kind, r.question.text.strip().lower()): r for r in self.questions}


def _labels(question: Question) -> list[str]:
    if question.kind == QuestionKind.LIKERT:
        return [f"{i} {label}" for i, label in enumerate(question.labels, start=1)]
    return question.labels


def results(questionnaire: Questionnaire) -> Results:
    inv = Invitation.objects.filter(questionnaire=questionnaire).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    responses = Response.objects.filter(questionnaire=questionnaire).count()
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("order", "pk"))
    answers = Answer.objects.filter(response__questionnaire=questionnaire)
    totals = {
        row["question_id"]: row
        for row in answers.values("question_id").annotate(
            n=Count("pk", filter=~Q(number=None) | ~Q(text="")), mean=Avg("number")
        )
    }
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in answers.exclude(number=None).values("question_id", "number").annotate(n=Count("pk")):
        counts[row["question_id"]][row["number"]] = row["n"]
    hide_small = responses < MIN_GROUP
    anonymous_small = questionnaire.anonymous and hide_small
    texts: dict[int, list[str]] = defaultdict(list)
    if not anonymous_small:
        text_questions = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
        rows = answers.filter(question_id__in=text_questions).exclude(text="").order_by("question_id", "text")
        for question_id, text in rows.values_list("question_id", "text")[
            : TEXTS_SHOWN * max(1, len(text_questions))
        ]:
            if len(texts[question_id]) < TEXTS_SHOWN:
                texts[question_id].append(text)
    out = []
    for q in questions:
        t = totals.get(q.pk, {})
        r = QuestionResult(question=q, count=t.get("n", 0))
        if q.kind in (QuestionKind.LIKERT, QuestionKind.NUMBER) and not anonymous_small:
            r.mean = t.get("mean")
        if q.kind in (QuestionKind.LIKERT, QuestionKind.CHOICE) and not hide_small:
            r.distribution = [(label, counts[q.pk].get(i, 0)) for i, label in enumerate(_labels(q), start=1)]
        if q.kind == QuestionKind.TEXT:
            r.texts = texts.get(q.pk, [])
        out.append(r)
    return Results(questionnaire, inv["invited"], inv["answered"], responses, out)


def counterpart(questionnaire: Questionnaire) -> Questionnaire | None:
    """The round's latest sent questionnaire of the other phase, to compare as groups (never paired);
    none for a questionnaire sent when a milestone closes (it has no before or after)."""
    if questionnaire.phase == Phase.MILESTONE:
        return None
    other = Phase.AFTER if questionnaire.phase == Phase.BEFORE else Phase.BEFORE
    return (
        Questionnaire.objects.filter(round_id=questionnaire.round_id, phase=other, sent_at__isnull=False)
        .order_by("-sent_at", "-pk")
        .first()
    )


@dataclass
class Comparison:
    """One question before and after (either may be missing)."""

    before: QuestionResult | None
    after: QuestionResult | None

    @property
    def question(self) -> Question:
        return (self.after or self.before).question

    @property
    def points(self) -> list[tuple[str, int | None, int | None]]:
        """(label, count before, count after) per point or choice; [] when both are hidden."""
        b = self.before.distribution if self.before is not None else None
        a = self.after.distribution if self.after is not None else None
        base = b or a or []

        def at(dist, i):
            return dist[i][1] if dist is not None and i < len(dist) else None

        return [(label, at(b, i), at(a, i)) for i, (label, _n) in enumerate(base)]


def compare(before: Results | None, after: Results | None) -> list[Comparison]:
    """The questions of both, matched by kind and text: before's order first, then after's others."""
    after_by = after.by_text() if after is not None else {}
    out, used = [], set()
    for r in before.questions if before is not None else []:
        key = (r.question.kind, r.question.text.strip().lower())
        other = after_by.get(key)
        if other is not None:
            used.add(key)
        out.append(Comparison(before=r, after=other))
    out += [Comparison(before=None, after=r) for key, r in after_by.items() if key not in used]
    return out


def round_questionnaires(round_obj):
    return (
        Questionnaire.objects.filter(round=round_obj)
        .annotate(
            invited=Count("invitations", distinct=True),
            answered_count=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
            question_count=Count("questions", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def practice_answers(practice_id: int):
    """The practice's own responses to questionnaires that are not anonymous, newest first."""
    return (
        Response.objects.filter(practice_id=practice_id, questionnaire__anonymous=False)
        .select_related("questionnaire__round")
        .prefetch_related("answers__question")
        .order_by("-answered_on", "questionnaire__title")
    )

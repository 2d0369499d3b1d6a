"""The raw answers of a questionnaire as a spreadsheet (ligepraksis/exports.py), for DEFACTUM's own
analysis: one row per response, one column per question, typed cells (numbers as numbers, the day as
a date cell). An anonymous questionnaire's export has no practice column; its rows are ordered by day
and the response's random key, so the order tells nothing either."""

from __future__ import annotations

from itertools import groupby

from django.utils.translation import gettext as _

from evaluation.models import Answer, Question, QuestionKind, Questionnaire, Response
from ligepraksis.exports import Table, chunk_size

ANSWERS = "evaluation.answers"


def answers_table(p: dict) -> Table:
    questionnaire = Questionnaire.objects.get(pk=p["questionnaire"])
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("order", "pk"))
    header = [_("Response"), _("Answered on")]
    if not questionnaire.anonymous:
        header.append(_("Practice"))
    header += [f"{i}. {q.text}" for i, q in enumerate(questions, start=1)]
    columns = {q.pk: i for i, q in enumerate(questions)}
    kinds = {q.pk: q.kind for q in questions}

    def rows():
        answers = (
            Answer.objects.filter(response__questionnaire=questionnaire)
            .order_by("response__answered_on", "response_id")
            .values_list(
                "response_id",
                "response__answered_on",
                "response__practice__name",
                "question_id",
                "number",
                "text",
            )
        )
        for (response_id, day, practice), group in groupby(
            answers.iterator(chunk_size=chunk_size()), key=lambda r: r[:3]
        ):
            cells: list = [None] * len(questions)
            for *_key, question_id, number, text in group:
                cells[columns[question_id]] = text if kinds[question_id] == QuestionKind.TEXT else number
            yield [str(response_id), day, *([practice or ""] if not questionnaire.anonymous else []), *cells]

    return Table(
        title=_("Answers"),
        header=header,
        rows=rows(),
        count=lambda: Response.objects.filter(questionnaire=questionnaire).count(),
        basename=f"spoergeskema-{questionnaire.pk}-svar",
    )

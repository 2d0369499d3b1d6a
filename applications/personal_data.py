"""applications/' part of a person's personal data (practices/personal_data.py runs it): the
applications a person is a coordinator of, and the free texts around them that may name the person."""

from __future__ import annotations

from django.db.models import Q

from applications import letters
from applications.models import Application, ApplicationEvent, Recommendation, Review, Score
from ligepraksis.registry import personal_data
from practices.personal_data import rewrite_texts


def _coordinating(person_ids):
    return Q(doctor_coordinator_id__in=person_ids) | Q(staff_coordinator_id__in=person_ids)


def export(person) -> list[dict]:
    applications = (
        Application.objects.filter(_coordinating([person.pk]))
        .select_related("round", "practice")
        .order_by("created_at", "pk")
    )
    return [
        {
            "round": a.round.name,
            "year": a.round.year,
            "practice": a.practice.name,
            "role": "doctor coordinator" if a.doctor_coordinator_id == person.pk else "staff coordinator",
            "status": a.get_status_display(),
            "submitted_at": a.submitted_at,
        }
        for a in applications
    ]


def erase(person, *, label: str) -> None:
    """The person's name in the texts of the applications of their practices (the history's reasons,
    recommendations, reviews and the application texts) becomes the label; the rows stay."""
    applications = Application.objects.filter(
        _coordinating([person.pk]) | Q(practice__memberships__person=person)
    ).distinct()
    ids = list(applications.values_list("pk", flat=True))
    name = person.name
    texts = ("practice_description", "patient_base", "motivation")
    rewrite_texts(Application.objects.filter(pk__in=ids), texts, name, label)
    rewrite_texts(ApplicationEvent.objects.filter(application_id__in=ids), ("reason",), name, label)
    rewrite_texts(Recommendation.objects.filter(application_id__in=ids), ("reason",), name, label)
    rewrite_texts(Review.objects.filter(application_id__in=ids), ("comment",), name, label)
    rewrite_texts(Score.objects.filter(review__application_id__in=ids), ("comment",), name, label)
    letters.letters_forget(application_ids=ids)  # their PDFs are made again from the rewritten rows


def rounds(person_ids):
    """A coordinator took part in the application's round."""
    for doctor, staff, round_id in Application.objects.filter(_coordinating(person_ids)).values_list(
        "doctor_coordinator_id", "staff_coordinator_id", "round_id"
    ):
        for person_id in (doctor, staff):
            if person_id in person_ids:
                yield person_id, round_id


personal_data("applications", export=export, erase=erase, rounds=rounds, order=30)

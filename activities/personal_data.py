"""activities/' part of a person's personal data (practices/personal_data.py runs it): sign-ups,
attendance and hour claims. Anonymising keeps every row and hour; it replaces the person's name in
the claims' texts and deletes the claims' evidence files (a certificate names the person)."""

from __future__ import annotations

from activities.models import HourClaim, Registration
from ligepraksis.registry import personal_data
from practices.personal_data import rewrite_texts


def export(person) -> dict:
    registrations = (
        Registration.objects.filter(person=person)
        .select_related("session__activity", "practice")
        .order_by("session__starts_at", "pk")
    )
    claims = HourClaim.objects.filter(person=person).select_related("round", "practice", "activity")
    return {
        "registrations": [
            {
                "activity": r.session.activity.title,
                "starts_at": r.session.starts_at,
                "ends_at": r.session.ends_at,
                "practice": r.practice.name,
                "status": r.get_status_display(),
                "signed_up_at": r.created_at,
                "cancelled_at": r.cancelled_at,
                "walk_in": r.walk_in,
                "attended": r.attended,
            }
            for r in registrations
        ],
        "hour_claims": [
            {
                "round": c.round.name,
                "practice": c.practice.name,
                "activity": c.activity.title if c.activity else None,
                "description": c.description,
                "date": c.occurred_on,
                "hours": c.hours,
                "status": c.get_status_display(),
                "submitted_at": c.submitted_at,
                "decided_at": c.decided_at,
                "decision_reason": c.decision_reason,
                "evidence": c.evidence.name.rsplit("/", 1)[-1] if c.evidence else None,
            }
            for c in claims.order_by("submitted_at", "pk")
        ],
    }


def erase(person, *, label: str) -> None:
    claims = HourClaim.objects.filter(person=person)
    rewrite_texts(claims, ("description", "decision_reason"), person.name, label)
    for claim in claims.exclude(evidence=""):
        claim.evidence.delete(save=False)
        HourClaim.objects.filter(pk=claim.pk).update(evidence="")


def rounds(person_ids):
    """A person took part in the rounds of the sessions they signed up for and of their hour claims."""
    yield from (
        Registration.objects.filter(person_id__in=person_ids)
        .values_list("person_id", "session__activity__round_id")
        .distinct()
    )
    yield from (
        HourClaim.objects.filter(person_id__in=person_ids).values_list("person_id", "round_id").distinct()
    )


personal_data("activities", export=export, erase=erase, rounds=rounds, order=40)

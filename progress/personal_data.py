"""progress/' part of a person's personal data (practices/personal_data.py runs it).

progress/ links no row to a person: its records belong to a participation. A person appears in them
in two ways: by name, in the free texts of their practices' records (who took part, what was
decided, the PDSA log), and, through their login, as the one who made a change (the history rows'
`history_user`, a milestone's `changed_by`). The export lists both; the erasure replaces the name by
the label in the records' texts AND in their history rows (django-simple-history keeps every earlier
version of a text), keeping every row, date and number. The login itself is closed or unlinked by
practices/personal_data.py, so the history then names no one.
"""

from __future__ import annotations

from ligepraksis.registry import personal_data
from practices.models import Membership
from practices.personal_data import rewrite_texts
from progress.models import ClinicModule, FollowupMeeting, Intervention, Milestone, PdsaCycle

# model -> its free-text fields, and how a row reaches its participation's practice
TEXTS = (
    (ClinicModule, ("patient_group_text", "challenges", "focus_text"), "participation__practice_id__in"),
    (FollowupMeeting, ("participants", "decisions"), "participation__practice_id__in"),
    (Intervention, ("aims", "changes_planned", "participants"), "participation__practice_id__in"),
    (PdsaCycle, ("plan", "do", "study", "act", "measure"), "intervention__participation__practice_id__in"),
)
HISTORIES = (
    (ClinicModule, ("patient_group_text", "challenges", "focus_text"), "participation__practice_id__in"),
    (FollowupMeeting, ("participants", "decisions"), "participation__practice_id__in"),
    (Intervention, ("aims", "changes_planned", "participants"), "participation__practice_id__in"),
    (PdsaCycle, ("plan", "do", "study", "act", "measure"), "intervention_id__in"),
    (Milestone, ("reason", "evidence"), "participation__practice_id__in"),
)


def _practice_ids(person) -> list[int]:
    return list(Membership.objects.filter(person=person).values_list("practice_id", flat=True).distinct())


def _mentions(queryset, fields, name):
    from django.db.models import Q

    q = Q(pk__in=[])
    for f in fields:
        q |= Q(**{f"{f}__contains": name})
    return queryset.filter(q)


def export(person) -> dict:
    practices = _practice_ids(person)
    name = (person.name or "").strip()
    mentioned = []
    if len(name) >= 3 and practices:
        for model, fields, path in TEXTS:
            for obj in _mentions(model.objects.filter(**{path: practices}), fields, name).order_by("pk"):
                mentioned.append(
                    {
                        "record": str(model._meta.verbose_name),
                        "id": obj.pk,
                        **{f: getattr(obj, f) for f in fields if name in getattr(obj, f)},
                    }
                )
    changes = []
    if person.user_id:
        for model in (ClinicModule, FollowupMeeting, Intervention, PdsaCycle, Milestone):
            for h in model.history.filter(history_user_id=person.user_id).order_by(
                "history_date", "history_id"
            ):
                changes.append(
                    {
                        "record": str(model._meta.verbose_name),
                        "id": h.id,
                        "changed_at": h.history_date,
                        "change": h.get_history_type_display(),
                    }
                )
    return {"mentioned_in_records": mentioned, "changes_made": changes}


def erase(person, *, label: str) -> None:
    practices = _practice_ids(person)
    if not practices:
        return
    for model, fields, path in TEXTS:
        rewrite_texts(model.objects.filter(**{path: practices}), fields, person.name, label)
    for model, fields, path in HISTORIES:
        history = model.history.model.objects
        if model is PdsaCycle:
            ids = list(
                Intervention.history.model.objects.filter(participation__practice_id__in=practices)
                .values_list("id", flat=True)
                .distinct()
            )
            rows = history.filter(intervention_id__in=ids)
        else:
            rows = history.filter(**{path: practices})
        rewrite_texts(rows, fields, person.name, label)


personal_data("progress.milestones", export=export, erase=erase, order=50)

"""Danish labels for model fields declared without a verbose_name (the admin's forms, columns and
filters show them; Django would show the English field name, "Granted at", "Round").

The label is given at start-up (LigePraksisConfig.ready) to every field of the portal's apps whose name
is below and that has no verbose_name of its own. Migrations are not affected: a field is deconstructed
from the verbose_name it was declared with (`Field._verbose_name`), which stays None. A field that
declares a verbose_name keeps it; to give one field a different label, declare it on the field.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

PORTAL_APPS = ("ligepraksis", "practices", "applications", "activities", "evaluation")

LABELS = {
    "accepted_at": _("accepted"),
    "accepted_by": _("accepted by"),
    "account": _("login"),
    "activity": _("activity"),
    "actor": _("done by"),
    "application": _("application"),
    "at": _("time"),
    "attachments": _("attachments"),
    "attempts": _("attempts"),
    "attendance_at": _("attendance recorded"),
    "attendance_by": _("attendance recorded by"),
    "cancelled_at": _("cancelled"),
    "claimed_at": _("being sent since"),
    "created_at": _("created"),
    "created_by": _("created by"),
    "criterion": _("criterion"),
    "decided_at": _("decided"),
    "decided_by": _("decided by"),
    "ended_at": _("ended"),
    "from_status": _("from status"),
    "granted_at": _("granted"),
    "key": _("key"),
    "kind": _("kind"),
    "last_error": _("last error"),
    "not_before": _("send no earlier than"),
    "participation": _("participation"),
    "person": _("person"),
    "practice": _("practice"),
    "provider": _("activity provider"),
    "recorded_at": _("recorded"),
    "recorded_by": _("recorded by"),
    "region": _("region"),
    "registered_by": _("signed up by"),
    "reminded_at": _("reminder sent"),
    "request_confirmed_at": _("request confirmed"),
    "request_confirmed_by": _("request confirmed by"),
    "requested_by": _("requested by"),
    "review": _("review"),
    "reviewer": _("reviewer"),
    "round": _("round"),
    "sent_at": _("sent"),
    "session": _("session"),
    "submitted_at": _("submitted"),
    "submitted_by": _("submitted by"),
    "to_status": _("to status"),
    "updated_at": _("updated"),
    "user": _("login"),
}


def apply() -> list[str]:
    """Label every unlabelled field named in LABELS; returns "<Model>.<field>" of those still without
    a label of their own (for the test that keeps this list complete)."""
    unlabelled = []
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.auto_created:
                continue
            if getattr(field, "_verbose_name", "") is not None:
                continue  # declared with a verbose_name of its own
            if field.name in LABELS:
                field.verbose_name = LABELS[field.name]
            else:
                unlabelled.append(f"{model.__name__}.{field.name}")
    return unlabelled

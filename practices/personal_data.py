"""A person's personal data: export it (a JSON download from the admin), anonymise it on request, and
anonymise it by itself when the retention period of the person's rounds has passed.

The person (practices.Person) lives here, but the apps above hold their own parts (applications:
coordinator roles and history texts; activities: sign-ups, attendance, hour claims). Each app
registers its part in its portal.py with `ligepraksis.registry.personal_data`, so this module never
imports an app above it.

Anonymising keeps every count and amount: sign-up, attendance, hour-claim, application and
participation rows stay, pointing at the same person row, so a practice's hours, the programme's
statistics and the money stay right. What goes:

- the person: name -> "Anonymiseret person #<id>", e-mail, phone and job title blanked, the calendar
  feed key cleared, memberships still open ended today;
- their login, when no one else uses it (no other person who is not anonymised, no role, not staff):
  deactivated, its password made unusable, its name blanked, its e-mail replaced by
  anonymiseret-<id>@anonymiseret.invalid, its practice access removed, its django-axes login records
  deleted; a login that is still used elsewhere is only unlinked from the person;
- the admin's history (LogEntry) names the person, and a closed login, by the label from now on;
- the outbox: every message to the person's addresses (unless someone who is not anonymised shares
  the address) is deleted, whatever its state; other messages that name the person get the label;
- the apps' parts (see their personal_data.py): the name is replaced by the label in free texts that
  mention it, and evidence files of hour claims are deleted (the claim rows and hours stay).

Names are replaced as a whole, case-sensitive, between word boundaries; a name shorter than three
characters is not looked for in texts (too many false hits).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from ligepraksis.models import OutboxMessage, ProgrammeRound, RoleGrant, add_months
from ligepraksis.permissions import forget_grants
from ligepraksis.registry import personal_data, registry
from practices.models import Membership, Person, PracticeGrant

log = logging.getLogger(__name__)

BATCH = 500
MIN_NAME_LENGTH = 3


def anonymised_name(person_id: int) -> str:
    # Stored data, not a page text: always Danish, the portal's language.
    return f"Anonymiseret person #{person_id}"


def anonymised_email(user_id: int) -> str:
    return f"anonymiseret-{user_id}@anonymiseret.invalid"


def replace_name(text: str, name: str, label: str) -> str:
    """`text` with every whole occurrence of `name` replaced by `label`."""
    name = (name or "").strip()
    if not text or len(name) < MIN_NAME_LENGTH:
        return text
    return re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", label, text)


def rewrite_texts(queryset, fields: tuple[str, ...], name: str, label: str) -> int:
    """Replace the name in the given text fields of the rows that mention it; returns rows changed."""
    name = (name or "").strip()
    if len(name) < MIN_NAME_LENGTH:
        return 0
    mentions = Q()
    for f in fields:
        mentions |= Q(**{f"{f}__contains": name})
    changed = []
    for obj in queryset.filter(mentions):
        before = [getattr(obj, f) for f in fields]
        for f in fields:
            setattr(obj, f, replace_name(getattr(obj, f), name, label))
        if [getattr(obj, f) for f in fields] != before:
            changed.append(obj)
    if changed:
        queryset.model.objects.bulk_update(changed, list(fields))
    return len(changed)


def _addresses(person: Person) -> set[str]:
    found = {person.email.strip().lower()} if person.email else set()
    if person.user_id and person.user.email:
        found.add(person.user.email.strip().lower())
    return found


def _address_q(addresses, field="to") -> Q:
    q = Q(pk__in=[])
    for address in addresses:
        q |= Q(**{f"{field}__iexact": address})
    return q


# --- Export -------------------------------------------------------------------------------------------


def person_export(person: Person) -> dict:
    """Everything the portal holds about a person, as plain JSON-able values (the apps add theirs)."""
    person = Person.objects.select_related("user").get(pk=person.pk)
    user = person.user
    data = {
        "exported_at": timezone.now(),
        "person": {
            "id": person.pk,
            "name": person.name,
            "kind": person.get_kind_display(),
            "title": person.title,
            "email": person.email,
            "phone": person.phone,
            "anonymised_at": person.anonymised_at,
            "login": (
                {
                    "email": user.email,
                    "name": user.full_name,
                    "active": user.is_active,
                    "created": user.date_joined,
                    "last_login": user.last_login,
                }
                if user
                else None
            ),
        },
    }
    for provider in registry.personal_data:
        data[provider.name] = provider.export(person)
    return data


def persons_export_json(persons) -> bytes:
    payload = [person_export(p) for p in persons]
    return json.dumps(
        payload[0] if len(payload) == 1 else payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode("utf-8")


def _export_practices(person: Person) -> dict:
    memberships = person.memberships.select_related("practice").order_by("started_on", "pk")
    grants = (
        PracticeGrant.objects.filter(user_id=person.user_id).select_related("practice").order_by("pk")
        if person.user_id
        else []
    )
    addresses = _addresses(person)
    messages = OutboxMessage.objects.filter(_address_q(addresses)).order_by("created_at", "pk")
    return {
        "memberships": [
            {
                "practice": m.practice.name,
                "cvr": m.practice.cvr,
                "from": m.started_on,
                "until": m.ended_on,
            }
            for m in memberships
        ],
        "practice_access": [{"practice": g.practice.name, "granted_at": g.granted_at} for g in grants],
        "emails": [
            {
                "to": m.to,
                "subject": m.subject,
                "body": m.body,
                "attachments": [a.get("filename") for a in m.attachments],
                "state": m.state,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
            }
            for m in messages
        ],
    }


def _erase_practices(person: Person, *, label: str) -> None:
    """The outbox: messages to the person's addresses go (unless the address is shared with someone who
    is not anonymised); other messages that name the person get the label."""
    others = Person.objects.filter(anonymised_at__isnull=True).exclude(pk=person.pk)
    logins = get_user_model().objects.filter(is_active=True)
    if _login_closes(person):
        logins = logins.exclude(pk=person.user_id)
    for address in _addresses(person):
        shared = (
            others.filter(email__iexact=address).exists() or logins.filter(email__iexact=address).exists()
        )
        if not shared:
            OutboxMessage.objects.filter(to__iexact=address).delete()
    rewrite_texts(OutboxMessage.objects.all(), ("subject", "body"), person.name, label)


personal_data("practices", export=_export_practices, erase=_erase_practices, order=10)


# --- Anonymising one person ---------------------------------------------------------------------------


def _login_closes(person: Person) -> bool:
    """The login goes with the person when no one else needs it."""
    user = person.user
    if user is None or user.is_staff or user.is_superuser:
        return False
    if RoleGrant.objects.filter(user=user).exists():
        return False
    return not Person.objects.filter(user=user, anonymised_at__isnull=True).exclude(pk=person.pk).exists()


def _relabel_admin_log(obj, label: str) -> None:
    """The admin's history names the object as it was then: it gets the label."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).update(object_repr=label)


def _close_login(user) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    _relabel_admin_log(user, anonymised_email(user.pk))
    old_email = user.email
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=old_email).delete()
    PracticeGrant.objects.filter(user=user).delete()
    forget_grants(user)
    user.email = anonymised_email(user.pk)
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "full_name", "is_active", "password"])


@transaction.atomic
def person_anonymise(*, person: Person, now=None) -> Person:
    """Erase a person's name and contact details everywhere, keeping every count and amount (see the
    module's docstring). Idempotent: an anonymised person is left as it is."""
    now = now or timezone.now()
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    if person.anonymised_at is not None:
        return person
    label = anonymised_name(person.pk)
    # The apps' parts first (higher apps first), while the name and addresses can still be read.
    for provider in reversed(registry.personal_data):
        if provider.erase is not None:
            provider.erase(person, label=label)
    today = timezone.localdate(now)
    practice_ids = set(Membership.objects.filter(person=person).values_list("practice_id", flat=True))
    # Memberships end today; one that has not begun yet never will.
    Membership.objects.filter(person=person, started_on__gt=today).delete()
    Membership.objects.filter(person=person).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today)).update(
        ended_on=today
    )
    user = person.user
    if user is not None:
        if _login_closes(person):
            _close_login(user)
        else:  # another practice's person row, a role or the admin still use the login
            still = (
                Membership.objects.filter(person__user=user, person__anonymised_at__isnull=True)
                .exclude(person=person)
                .values("practice_id")
            )
            PracticeGrant.objects.filter(user=user, practice_id__in=practice_ids).exclude(
                practice_id__in=still
            ).delete()
            forget_grants(user)
    _relabel_admin_log(person, label)
    person.name = label
    person.email = person.phone = person.title = ""
    person.user = None
    person.feed_token = None
    person.anonymised_at = now
    person.save(update_fields=["name", "email", "phone", "title", "user", "feed_token", "anonymised_at"])
    return person


# --- Anonymising when the retention period has passed -----------------------------------------------


def _not_leaving(today: dt.date):
    return Membership.objects.filter(person=OuterRef("pk")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )


def persons_due(*, today: dt.date | None = None) -> list[int]:
    """Ids of the persons whose data has passed its retention period: not anonymised, no membership in
    force today or later, and every round they took part in ended more than its `retention_months`
    ago. A person in no round is due `PERSONAL_DATA_RETENTION_MONTHS` after their last membership
    ended (a person with neither a round nor a membership is left for the administrator)."""
    today = today or timezone.localdate()
    candidates = list(
        Person.objects.filter(anonymised_at__isnull=True)
        .exclude(Exists(_not_leaving(today)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    due = []
    for start in range(0, len(candidates), BATCH):
        ids = candidates[start : start + BATCH]
        rounds_of: dict[int, set[int]] = defaultdict(set)
        for provider in registry.personal_data:
            if provider.rounds is not None:
                for person_id, round_id in provider.rounds(ids):
                    rounds_of[person_id].add(round_id)
        kept_until = {
            r.pk: r.personal_data_kept_until()
            for r in ProgrammeRound.objects.filter(pk__in={r for rs in rounds_of.values() for r in rs})
        }
        last_end = dict(
            Membership.objects.filter(person_id__in=ids)
            .values("person_id")
            .annotate(last=Max("ended_on"))
            .values_list("person_id", "last")
        )
        for person_id in ids:
            rounds = rounds_of.get(person_id)
            if rounds:
                if all(kept_until[r] < today for r in rounds):
                    due.append(person_id)
            elif last_end.get(person_id) is not None:
                if add_months(last_end[person_id], settings.PERSONAL_DATA_RETENTION_MONTHS) < today:
                    due.append(person_id)
    return due


def anonymise_expired(*, now=None) -> list[int]:
    """Anonymise every person whose data has passed its retention period (daily, by Celery beat and
    `manage.py anonymise_expired`). One transaction per person; one that fails is logged and left
    for the next run. Returns the ids anonymised."""
    now = now or timezone.now()
    done = []
    for person_id in persons_due(today=timezone.localdate(now)):
        try:
            person_anonymise(person=Person(pk=person_id), now=now)
        except Exception:  # noqa: BLE001 - one bad row must not stop the others; logged, retried tomorrow
            log.exception("Could not anonymise person %s", person_id)
        else:
            done.append(person_id)
    return done

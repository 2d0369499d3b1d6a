"""Writes for the catalogue, sign-ups, attendance and hour claims.

Every function validates before it writes, locks what it changes and raises DomainError with a
message the view can show; nothing is half-saved. E-mails are queued on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activities import notifications, permissions, selectors
from activities.models import (
    Activity,
    ClaimStatus,
    HourClaim,
    Registration,
    RegistrationStatus,
    Session,
)
from ligepraksis import formatting, uploads
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.models import ProgrammeRound
from practices import selectors as practice_selectors
from practices import services as practice_services
from practices.models import Membership, Person, PersonKind, Practice

# Error codes a view may branch on (never on the translated text).
PRACTICE_SESSION_LIMIT = "practice_session_limit"
ALREADY_SIGNED_UP = "already_signed_up"


def _full_clean(obj, exclude=None):
    validate_or_refuse(obj, exclude=exclude)


def _lock_session(session_id: int) -> Session:
    """Serialises every sign-up, cancellation and promotion of one session (tests switch it off)."""
    return Session.objects.select_for_update().select_related("activity").get(pk=session_id)


# --- Catalogue ---------------------------------------------------------------------------------


def _require_catalogue_editor(user, activity: Activity) -> None:
    if not permissions.can_edit_activity(user, activity):
        raise DomainError(_("You cannot edit this activity."))


@transaction.atomic
def activity_save(*, user, activity: Activity) -> Activity:
    """Create or change an activity (project leaders of its round, or its provider)."""
    if activity.pk:  # the stored activity must be the user's too, not only the changed copy
        stored = Activity.objects.filter(pk=activity.pk).first()
        if stored is not None:
            _require_catalogue_editor(user, stored)
    _require_catalogue_editor(user, activity)
    _full_clean(activity)
    activity.save()
    return activity


@transaction.atomic
def session_save(*, user, session: Session, now=None) -> Session:
    """Create or change a session. Moving it (a new start or end, place or online link) raises its
    calendar version and tells everyone signed up: the confirmed get an updated invitation (the same
    UID, the higher SEQUENCE), the waiting list a note. Any other change tells nobody."""
    if session.pk:  # nor can a session be moved away from an activity the user may not edit
        stored = Session.objects.select_related("activity").filter(pk=session.pk).first()
        if stored is not None:
            _require_catalogue_editor(user, stored.activity)
    _require_catalogue_editor(user, session.activity)
    stored = _lock_session(session.pk) if session.pk else None  # sign-ups wait while it changes
    _full_clean(session)  # Session.clean: never below the confirmed sign-ups
    if stored is not None:
        session_move_announce(session=session, stored=stored, now=now)
    session.save()
    waitlist_promote(session=session)
    return session


def session_move_announce(*, session: Session, stored: Session, now=None) -> bool:
    """The one home of "a moved session gets a new calendar version and tells those signed up" (the
    session form through session_save, and the admin). Call it in the transaction that saves
    `session`, with `stored` its locked row as it was: when the time, place or online link changed,
    `session.sequence` is raised above the stored one (not the one a form loaded: two editors at
    once) and the updated invitations and notes are put in the outbox. Returns whether it moved."""
    moved = bool(session.calendar_changes(stored))
    session.sequence = stored.sequence + 1 if moved else stored.sequence
    if moved:
        notifications.session_moved_enqueue(session, previous=stored, now=now)
    return moved


def waitlist_promote(*, session: Session) -> list[Registration]:
    """Confirm the waiting list in order while places are free (the session row must be locked, or
    the caller holds the transaction that created it). Each promoted person is mailed."""
    if session.is_cancelled:
        return []
    free = session.capacity - session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if free <= 0:
        return []
    promoted = list(
        session.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .select_related("person", "registered_by", "session__activity")
        .order_by("created_at", "pk")[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status"])
        notifications.registration_enqueue(registration)
    return promoted


def session_cancel(*, user, session: Session, reason: str, now=None) -> Session:
    """Cancel a session; everyone signed up is told by e-mail."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session.pk)
        _require_catalogue_editor(user, session.activity)
        if session.is_cancelled:
            raise DomainError(_("The session is already cancelled."))
        if not reason.strip():
            raise DomainError(
                _("Give a reason for cancelling; it is sent to those signed up."), field="reason"
            )
        session.cancelled_at = now
        session.cancel_reason = reason
        session.sequence += 1  # the cancelling .ics must win over every invitation sent before
        _full_clean(session)
        session.save(update_fields=["cancelled_at", "cancel_reason", "sequence"])
        notifications.session_cancelled_enqueue(session)
    return session


# --- Sign-up and cancellation -----------------------------------------------------------------


@dataclass
class SignupResult:
    confirmed: list[Registration]
    waitlisted: list[Registration]


def registration_signup(
    *, user, session: Session, practice: Practice, persons: Sequence[Person], now=None
) -> SignupResult:
    """Sign persons of a practice up for a session: the first are confirmed while places last,
    the rest wait. Validates everything before writing anything."""
    now = now or timezone.now()
    if not persons:
        raise DomainError(_("Choose at least one person to sign up."))
    if len({p.pk for p in persons}) != len(persons):
        raise DomainError(_("The same person is chosen twice."))
    if not permissions.acts_for(user, practice.pk):
        raise DomainError(_("You can only sign up people from your own practice."))
    members = set(Membership.objects.current().filter(practice=practice).values_list("person_id", flat=True))
    for person in persons:
        if person.pk not in members:
            raise DomainError(_("%(name)s is not a member of the practice.") % {"name": person.name})
    with transaction.atomic():
        session = _lock_session(session.pk)
        if session.is_cancelled:
            raise DomainError(_("This session is cancelled."))
        if session.starts_at <= now:
            raise DomainError(_("This session has already taken place."))
        if session.signup_deadline <= now:
            raise DomainError(
                _("The sign-up deadline (%(deadline)s) has passed.")
                % {"deadline": formatting.when(session.signup_deadline)}
            )
        already = set(
            session.registrations.exclude(status=RegistrationStatus.CANCELLED)
            .filter(person__in=persons)
            .values_list("person__name", flat=True)
        )
        if already:
            raise DomainError(
                ngettext(
                    "%(names)s is already signed up for this session (confirmed or on the waiting list) "
                    "and cannot be signed up again.",
                    "%(names)s are already signed up for this session (confirmed or on the waiting list) "
                    "and cannot be signed up again.",
                    len(already),
                )
                % {"names": selectors.and_list(sorted(already))},
                field="persons",
                code=ALREADY_SIGNED_UP,
            )
        # No practice fills a session alone (a made-up practice could otherwise take every seat):
        # confirmed and waiting sign-ups of the practice count together, under the session's lock.
        limit = ProgrammeRound.objects.values_list("signups_per_practice_per_session", flat=True).get(
            pk=session.activity.round_id
        )
        held = (
            session.registrations.filter(practice=practice)
            .exclude(status=RegistrationStatus.CANCELLED)
            .count()
        )
        if held + len(persons) > limit:
            raise DomainError(
                _(
                    "A practice can sign up at most %(limit)s people for one session (confirmed and on the "
                    "waiting list together); %(practice)s has %(count)s signed up already."
                )
                % {"limit": limit, "practice": practice.name, "count": held},
                code=PRACTICE_SESSION_LIMIT,
            )
        free = session.capacity - session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        result = SignupResult(confirmed=[], waitlisted=[])
        for person in persons:
            status = RegistrationStatus.CONFIRMED if free > 0 else RegistrationStatus.WAITLISTED
            free -= 1
            reg = Registration.objects.create(
                session=session,
                person=person,
                practice=practice,
                status=status,
                registered_by=user,
                created_at=now,
            )
            (result.confirmed if status == RegistrationStatus.CONFIRMED else result.waitlisted).append(reg)
            notifications.registration_enqueue(reg, now=now)
    return result


def registration_cancel(*, user, registration: Registration, now=None) -> Registration | None:
    """Cancel before the sign-up deadline; a freed place goes to the first on the waiting list.
    Returns the promoted registration, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not permissions.acts_for(user, registration.practice_id) and not permissions.is_leader(
            user, session.activity.round
        ):
            raise DomainError(_("You cannot cancel this registration."))
        registration.session = session  # the locked row
        refusal = registration.cancel_refusal(now)  # the rule the page's button asks too
        if refusal is not None:
            raise refusal
        freed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = waitlist_promote(session=session) if freed else []
    return promoted[0] if promoted else None


# --- Attendance ---------------------------------------------------------------------------------


@dataclass
class WalkIn:
    practice: Practice
    person: Person


@transaction.atomic
def attendance_record(
    *, user, session: Session, attended_ids: Sequence[int], walk_ins: Sequence[WalkIn] = (), now=None
) -> int:
    """Take attendance in one go: confirmed registrations in attended_ids attended, the others are
    no-shows; walk-ins (or substitutes) are added as attended. Returns how many attended."""
    now = now or timezone.now()
    session = _lock_session(session.pk)
    if not permissions.can_take_attendance(user, session.activity):
        raise DomainError(_("You cannot take attendance for this session."))
    if session.is_cancelled:
        raise DomainError(_("This session is cancelled."))
    if session.starts_at > now:
        raise DomainError(_("Attendance can be taken once the session has started."))
    confirmed = list(session.registrations.filter(status=RegistrationStatus.CONFIRMED))
    wanted = set(attended_ids)
    unknown = wanted - {r.pk for r in confirmed}
    if unknown:
        raise DomainError(_("Some of the people marked are not confirmed for this session."))
    for reg in confirmed:
        reg.attended = reg.pk in wanted
        reg.attendance_by = user
        reg.attendance_at = now
    Registration.objects.bulk_update(confirmed, ["attended", "attendance_by", "attendance_at"])
    present = sum(1 for r in confirmed if r.attended)
    for walk_in in walk_ins:
        existing = (
            session.registrations.filter(person=walk_in.person)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if existing is not None and existing.status == RegistrationStatus.WAITLISTED:
            # Someone from the waiting list who turned up (often for a no-show) attended.
            existing.status = RegistrationStatus.CONFIRMED
            existing.walk_in = existing.attended = True
            existing.attendance_by, existing.attendance_at = user, now
            existing.save(update_fields=["status", "walk_in", "attended", "attendance_by", "attendance_at"])
            present += 1
            continue
        if existing is not None:
            raise DomainError(_("%(name)s is already on the list.") % {"name": walk_in.person.name})
        Registration.objects.create(
            session=session,
            person=walk_in.person,
            practice=walk_in.practice,
            status=RegistrationStatus.CONFIRMED,
            registered_by=user,
            created_at=now,
            walk_in=True,
            attended=True,
            attendance_by=user,
            attendance_at=now,
        )
        present += 1
    return present


@dataclass
class NewPerson:
    """A person typed in on a form (sign-up on the spot, a walk-in or a substitute)."""

    name: str
    kind: str
    email: str = ""


def registration_signup_with_new_person(
    *,
    user,
    session: Session,
    practice: Practice,
    persons: Sequence[Person],
    new_person: NewPerson | None = None,
    now=None,
) -> SignupResult:
    """The sign-up page: optionally add a person to the practice on the spot, then sign everyone up.
    One transaction, so a refused sign-up never leaves the new person behind."""
    with transaction.atomic():
        persons = list(persons)
        if new_person is not None:
            added = practice_services.person_add(
                user=user,
                practice=practice,
                name=new_person.name,
                kind=new_person.kind,
                email=new_person.email,
            )
            persons.append(added)
        return registration_signup(user=user, session=session, practice=practice, persons=persons, now=now)


def walk_in_person(*, user, session: Session, practice: Practice, name: str, kind: str) -> Person:
    """A walk-in or substitute of a practice: its current member of that name, or a new member."""
    if not permissions.can_take_attendance(user, session.activity):
        raise DomainError(_("You cannot take attendance for this session."))
    name = name.strip()
    if not name:
        raise DomainError(_("Give the name of the walk-in."))
    if kind not in PersonKind.values:
        raise DomainError(_("Choose doctor or practice staff."))
    existing = practice_selectors.member_with_name(practice, name)
    if existing is not None:
        return existing
    return practice_services.member_create(practice=practice, name=name, kind=kind)


@dataclass
class NewWalkIn:
    practice: Practice
    name: str
    kind: str


@transaction.atomic
def attendance_take(
    *,
    user,
    session: Session,
    attended_ids: Sequence[int],
    new_walk_ins: Sequence[NewWalkIn] = (),
    now=None,
) -> int:
    """The attendance page: find or add each walk-in's person, then record attendance; all or nothing."""
    walk_ins = [
        WalkIn(
            practice=w.practice,
            person=walk_in_person(user=user, session=session, practice=w.practice, name=w.name, kind=w.kind),
        )
        for w in new_walk_ins
    ]
    names = [w.person.pk for w in walk_ins]
    if len(set(names)) != len(names):
        raise DomainError(_("The same walk-in is entered twice."))
    return attendance_record(
        user=user, session=session, attended_ids=attended_ids, walk_ins=walk_ins, now=now
    )


# --- Hour claims --------------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
EVIDENCE_KINDS = ("pdf", "png", "jpg")


def _check_evidence(upload) -> None:
    """A PDF or an image, by content and not only by name, and not too large (ligepraksis.uploads)."""
    if upload is None:
        return
    uploads.check_upload(
        upload,
        kinds=EVIDENCE_KINDS,
        max_bytes=MAX_EVIDENCE_BYTES,
        field="evidence",
        type_message=_("The evidence must be a PDF or an image (PNG or JPEG)."),
    )


def claim_submit(
    *,
    user,
    practice: Practice,
    person: Person,
    description: str,
    occurred_on,
    hours,
    round_obj=None,
    activity: Activity | None = None,
    evidence=None,
) -> HourClaim:
    """Claim hours from outside the portal. The round is the activity's, else the practice's newest
    participation's; a practice that takes part in no round has no hour target to claim toward."""
    if not permissions.acts_for(user, practice.pk):
        raise DomainError(_("You can only claim hours for your own practice."))
    if round_obj is None:
        round_obj = activity.round if activity is not None else selectors.claim_round(practice)
    if round_obj is None:
        raise DomainError(_("Only a participating practice has an hour target to claim hours toward."))
    if not Membership.objects.filter(practice=practice, person=person).exists():
        raise DomainError(_("%(name)s is not a member of the practice.") % {"name": person.name})
    _check_evidence(evidence)
    claim = HourClaim(
        round=round_obj,
        practice=practice,
        person=person,
        activity=activity,
        description=description,
        occurred_on=occurred_on,
        hours=hours,
        submitted_by=user,
    )
    if evidence is not None:
        claim.evidence = evidence
    _full_clean(claim, exclude=["submitted_by"])
    with transaction.atomic():
        claim.save()
    return claim


def claim_decide(*, user, claim: HourClaim, approve: bool, reason: str = "", now=None) -> HourClaim:
    now = now or timezone.now()
    with transaction.atomic():
        claim = (
            HourClaim.objects.select_for_update(of=("self",))
            .select_related("round", "submitted_by", "practice")
            .get(pk=claim.pk)
        )
        if not permissions.is_leader(user, claim.round):
            raise DomainError(_("Only the round's project leaders can approve hours."))
        if not permissions.can_decide_claim(user, claim):
            raise DomainError(
                _("You act for this practice, so another project leader must decide on its hours."),
                code="own_practice",
            )
        if claim.status != ClaimStatus.PENDING:
            raise DomainError(_("This claim has already been decided."))
        if not approve and not reason.strip():
            raise DomainError(_("Give a reason for rejecting the claim."), field="reason")
        claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
        claim.decided_by, claim.decided_at, claim.decision_reason = user, now, reason
        _full_clean(claim)
        claim.save()
        notifications.claim_decided_enqueue(claim)
    return claim


def _claim_label(claim: HourClaim) -> str:
    return f"{claim.practice.name} · {claim.person.name} · {formatting.day(claim.occurred_on)}"


def claims_decide(*, user, claims, approve: bool, reason: str = "", now=None) -> list[HourClaim]:
    """One decision for several claims (the leaders' queue): all of them are decided, or none.

    A batch holding a claim the leader may not decide (`permissions.can_decide_claim`: a practice they
    act for, or another round's) or one decided meanwhile is refused whole, naming those claims; each
    claim is then decided by `claim_decide`, its one rule, in the same transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = list(
            HourClaim.objects.select_for_update(of=("self",))
            .select_related("round", "practice", "person")
            .filter(pk__in=[c.pk for c in claims])
            .order_by("practice__name", "occurred_on", "pk")
        )
        if not locked:
            raise DomainError(_("Tick the claims the decision is for."), field="claims")
        not_theirs = [c for c in locked if not permissions.can_decide_claim(user, c)]
        if not_theirs:
            raise DomainError(
                _(
                    "Nothing is decided: you may not decide on %(claims)s (you act for the practice, so "
                    "another project leader must decide on its hours). Untick it and try again."
                )
                % {"claims": "; ".join(_claim_label(c) for c in not_theirs)},
                field="claims",
                code="own_practice",
            )
        decided = [c for c in locked if c.status != ClaimStatus.PENDING]
        if decided:
            raise DomainError(
                _("Nothing is decided: %(claims)s has already been decided.")
                % {"claims": "; ".join(_claim_label(c) for c in decided)},
                field="claims",
            )
        return [
            claim_decide(user=user, claim=claim, approve=approve, reason=reason, now=now) for claim in locked
        ]

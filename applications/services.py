"""Writes and state changes for practices, applications, reviews, decisions and participations.

Every function validates, locks what it changes, records the change in the application's history
and raises DomainError with a message the view can show. E-mails are queued on commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import (
    PLACE_HOLDING,
    Application,
    ApplicationEvent,
    Membership,
    Participation,
    Person,
    PersonKind,
    Practice,
    ProviderNumber,
    Recommendation,
    Review,
    Score,
    Status,
)
from ligepraksis import permissions
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.models import ProgrammeRound, Role, TermsVersion
from ligepraksis.services import role_grant, user_get_or_create
from ligepraksis.validators import normalise_digits


def _full_clean(obj, exclude=None):
    validate_or_refuse(obj, exclude=exclude)


def _record(application, *, actor, to_status, reason="", kind=ApplicationEvent.Kind.STATUS, from_status=None):
    event = ApplicationEvent(
        application=application,
        kind=kind,
        actor=actor,
        from_status=application.status if from_status is None else from_status,
        to_status=to_status,
        reason=reason,
    )
    _full_clean(event, exclude=["application", "actor"])
    event.save()
    return event


def _notify_on_commit(event: ApplicationEvent) -> None:
    from applications.tasks import notify_application_event

    transaction.on_commit(lambda: notify_application_event.delay(event.pk))


def _lock_round(round_id: int) -> ProgrammeRound:
    return ProgrammeRound.objects.select_for_update().get(pk=round_id)


def _lock_application(application_id: int) -> Application:
    return Application.objects.select_for_update().select_related("round", "practice").get(pk=application_id)


# --- Practices -------------------------------------------------------------------------------------


def practice_find(*, provider_number: str) -> Practice | None:
    number = normalise_digits(provider_number)
    found = ProviderNumber.objects.select_related("practice__municipality").filter(number=number).first()
    return found.practice if found else None


@transaction.atomic
def practice_register(*, provider_numbers: list[str], cvr: str, **fields) -> Practice:
    """A new practice with one or more provider numbers (each unique across all practices)."""
    numbers = [normalise_digits(n) for n in provider_numbers if n and n.strip()]
    if not numbers:
        raise DomainError(
            _("At least one provider number (ydernummer) is required."), field="provider_numbers"
        )
    if len(set(numbers)) != len(numbers):
        raise DomainError(_("The same provider number is given twice."), field="provider_numbers")
    taken = list(ProviderNumber.objects.filter(number__in=numbers).values_list("number", flat=True))
    if taken:
        raise DomainError(
            _("Provider number %(number)s is already registered to a practice. Look it up instead.")
            % {"number": taken[0]},
            field="provider_numbers",
        )
    cvr = normalise_digits(cvr)
    if Practice.objects.filter(cvr=cvr).exists():
        raise DomainError(_("A practice with this CVR number is already registered."), field="cvr")
    practice = Practice(cvr=cvr, **fields)
    _full_clean(practice)
    practice.save()
    for number in numbers:
        pn = ProviderNumber(practice=practice, number=number)
        _full_clean(pn, exclude=["practice"])
        pn.save()
    return practice


# --- Applying -------------------------------------------------------------------------------------


def _require_open(round_obj: ProgrammeRound, now=None) -> None:
    now = now or timezone.now()
    if now < round_obj.applications_open_at:
        raise DomainError(_("Applications for this round have not opened yet."))
    if now >= round_obj.application_deadline:
        deadline = timezone.localtime(round_obj.application_deadline).strftime("%d.%m.%Y %H:%M")
        raise DomainError(
            _("The application deadline (%(deadline)s) has passed. Applications can no longer be changed.")
            % {"deadline": deadline}
        )


@transaction.atomic
def application_start(*, user, round_obj: ProgrammeRound, practice: Practice, now=None) -> Application:
    _require_open(round_obj, now)
    application = Application.objects.create(round=round_obj, practice=practice, created_by=user)
    _record(application, actor=user, from_status="", to_status=Status.DRAFT)
    return application


@dataclass
class CoordinatorData:
    name: str
    email: str
    phone: str = ""
    title: str = ""


def _coordinator(practice: Practice, kind: str, data: CoordinatorData | None) -> Person | None:
    """The practice's person with this e-mail (updated), or a new person with a membership."""
    if data is None or not (data.name or data.email):
        return None
    person = (
        Person.objects.filter(
            memberships__practice=practice, memberships__ended_on__isnull=True, email__iexact=data.email
        )
        .distinct()
        .first()
        if data.email
        else None
    )
    if person is None:
        person = Person(kind=kind)
    person.name, person.email, person.phone, person.title = data.name, data.email, data.phone, data.title
    person.kind = kind
    _full_clean(person, exclude=["user"])
    person.save()
    Membership.objects.get_or_create(person=person, practice=practice, ended_on=None)
    return person


@transaction.atomic
def application_update(
    *,
    application: Application,
    user,
    practice_description: str,
    patient_base: str,
    motivation: str,
    doctor: CoordinatorData | None,
    staff: CoordinatorData | None,
    now=None,
) -> Application:
    """Save a draft. Nothing is written unless every field passes (the CPR guard included)."""
    application = _lock_application(application.pk)
    if application.status != Status.DRAFT:
        raise DomainError(_("Only a draft can be changed. Reopen the submitted application first."))
    _require_open(application.round, now)
    application.practice_description = practice_description
    application.patient_base = patient_base
    application.motivation = motivation
    _full_clean(application)
    if doctor and staff and doctor.email and doctor.email.lower() == staff.email.lower():
        raise DomainError(
            _("The two coordinators must be two different people with their own e-mail addresses.")
        )
    application.doctor_coordinator = _coordinator(application.practice, PersonKind.DOCTOR, doctor)
    application.staff_coordinator = _coordinator(application.practice, PersonKind.STAFF, staff)
    application.save()
    return application


def _missing_for_submit(application: Application) -> list[str]:
    missing = []
    for field in ("practice_description", "patient_base", "motivation"):
        if not (getattr(application, field) or "").strip():
            missing.append(str(Application._meta.get_field(field).verbose_name))
    if application.doctor_coordinator is None or not application.doctor_coordinator.email:
        missing.append(str(_("coordinator (doctor)")))
    if application.staff_coordinator is None or not application.staff_coordinator.email:
        missing.append(str(_("coordinator (staff)")))
    return missing


def application_submit(*, application: Application, user, now=None) -> Application:
    try:
        with transaction.atomic():
            application = _lock_application(application.pk)
            if application.status != Status.DRAFT:
                raise DomainError(_("This application has already been submitted."))
            _require_open(application.round, now)
            missing = _missing_for_submit(application)
            if missing:
                raise DomainError(
                    _("The application cannot be submitted yet. Please fill in: %(fields)s.")
                    % {"fields": ", ".join(missing)}
                )
            other = (
                Application.objects.filter(round=application.round, practice=application.practice)
                .exclude(status=Status.DRAFT)
                .exclude(pk=application.pk)
            )
            if other.exists():
                raise DomainError(
                    _("%(practice)s has already submitted an application for this round.")
                    % {"practice": application.practice.name}
                )
            event = _record(application, actor=user, to_status=Status.SUBMITTED)
            application.status = Status.SUBMITTED
            application.submitted_at = now or timezone.now()
            application.save(update_fields=["status", "submitted_at", "updated_at"])
            _notify_on_commit(event)
    except IntegrityError as exc:  # two submits of the same practice at the same moment
        raise DomainError(
            _("%(practice)s has already submitted an application for this round.")
            % {"practice": application.practice.name}
        ) from exc
    return application


@transaction.atomic
def application_reopen(*, application: Application, user, now=None) -> Application:
    application = _lock_application(application.pk)
    if application.status != Status.SUBMITTED:
        raise DomainError(_("Only a submitted application that has not been decided on can be reopened."))
    _require_open(application.round, now)
    _record(application, actor=user, to_status=Status.DRAFT)
    application.status = Status.DRAFT
    application.save(update_fields=["status", "updated_at"])
    return application


# --- Review and recommendation ---------------------------------------------------------------------


@transaction.atomic
def review_save(
    *,
    application: Application,
    reviewer,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
    conflict: bool,
) -> Review:
    """Scores per criterion (criterion id -> (value, comment)), or a declared conflict of interest."""
    if not permissions.can_review(reviewer, application):
        raise DomainError(_("You cannot review this application."))
    review, _created = Review.objects.select_for_update().get_or_create(
        application=application, reviewer=reviewer
    )
    review.conflict_of_interest = conflict
    review.comment = "" if conflict else comment
    _full_clean(review, exclude=["application", "reviewer"])
    review.save()
    review.scores.all().delete()
    if conflict:
        return review
    round_obj = application.round
    criteria = list(round_obj.criteria.all())
    for criterion in criteria:
        value, text = scores.get(criterion.pk, (None, ""))
        if value is None:
            raise DomainError(_("Give a score for “%(criterion)s”.") % {"criterion": criterion.name})
        if not round_obj.score_min <= value <= round_obj.score_max:
            raise DomainError(
                _("Scores go from %(min)s to %(max)s.")
                % {"min": round_obj.score_min, "max": round_obj.score_max}
            )
        score = Score(review=review, criterion=criterion, value=value, comment=text)
        _full_clean(score, exclude=["review", "criterion"])
        score.save()
    return review


@transaction.atomic
def recommendation_record(
    *, application: Application, user, outcome: str, reason: str = ""
) -> Recommendation:
    if not permissions.can_recommend(user, application):
        raise DomainError(_("You cannot record a recommendation for this application."))
    if application.status == Status.DRAFT:
        raise DomainError(_("A draft cannot be recommended."))
    rec = Recommendation(application=application, outcome=outcome, reason=reason, recorded_by=user)
    _full_clean(rec, exclude=["application", "recorded_by"])
    rec.save()
    _record(
        application,
        actor=user,
        kind=ApplicationEvent.Kind.RECOMMENDATION,
        to_status="",
        from_status="",
        reason=f"{rec.get_outcome_display()}: {reason}".strip(": ").strip(),
    )
    return rec


# --- Decisions, places and the waiting list -------------------------------------------------------


def places_taken(round_obj: ProgrammeRound, now=None) -> int:
    """Selected and participating practices plus open (unexpired) offers."""
    now = now or timezone.now()
    holders = Application.objects.filter(round=round_obj, status__in=PLACE_HOLDING)
    return holders.exclude(status=Status.OFFERED, offer_expires_at__lte=now).count()


def _check_place_free(round_obj: ProgrammeRound, now) -> None:
    taken = places_taken(round_obj, now)
    if taken >= round_obj.places:
        raise DomainError(
            _("All %(places)s places are taken (selected, participating or offered). Release a place first.")
            % {"places": round_obj.places}
        )


def _give_coordinators_accounts(application: Application) -> None:
    """Both coordinators get a login with access to their practice when it is selected or offered."""
    for person in application.coordinators:
        if not person.email:
            continue
        user = person.user or user_get_or_create(email=person.email, full_name=person.name)
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        role_grant(user=user, role=Role.PRACTICE, practice=application.practice)


def _next_waitlist_position(round_obj) -> int:
    top = Application.objects.filter(round=round_obj, status=Status.WAITLISTED).aggregate(
        m=Max("waitlist_position")
    )
    return (top["m"] or 0) + 1


DECIDABLE_FROM = {Status.SUBMITTED, Status.WAITLISTED, Status.REJECTED, Status.SELECTED}
OUTCOMES = {Status.SELECTED, Status.WAITLISTED, Status.REJECTED}


def application_decide(
    *, application: Application, user, outcome: str, reason: str = "", now=None
) -> Application:
    """A project leader's decision: selected, waiting list or rejected. Places are never exceeded."""
    now = now or timezone.now()
    if outcome not in OUTCOMES:
        raise DomainError(_("Unknown decision."))
    with transaction.atomic():
        round_obj = _lock_round(application.round_id)  # serialises every decision in the round
        application = _lock_application(application.pk)
        if not permissions.can_decide(user, application):
            raise DomainError(
                _("Only the round's project leaders can decide, and not on their own practice.")
            )
        if not round_obj.review_is_open(now):
            raise DomainError(_("Decisions can be made after the application deadline."))
        if application.status not in DECIDABLE_FROM:
            raise DomainError(
                _("An application that is “%(status)s” cannot be decided on.")
                % {"status": application.get_status_display()}
            )
        if application.status == outcome:
            raise DomainError(_("The application already has this decision."))
        if outcome == Status.SELECTED:
            _check_place_free(round_obj, now)
        event = _record(
            application, actor=user, to_status=outcome, reason=reason, kind=ApplicationEvent.Kind.DECISION
        )
        application.status = outcome
        application.waitlist_position = (
            _next_waitlist_position(round_obj) if outcome == Status.WAITLISTED else None
        )
        application.offer_expires_at = None
        application.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
        if outcome == Status.SELECTED:
            _give_coordinators_accounts(application)
        _notify_on_commit(event)
    return application


def _offer(application: Application, *, actor, reason: str, now) -> ApplicationEvent:
    round_obj = application.round
    event = _record(
        application, actor=actor, to_status=Status.OFFERED, reason=reason, kind=ApplicationEvent.Kind.DECISION
    )
    application.status = Status.OFFERED
    application.waitlist_position = None
    application.offer_expires_at = now + dt.timedelta(days=round_obj.offer_days)
    application.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
    _give_coordinators_accounts(application)
    _notify_on_commit(event)
    return event


def _waitlist(round_obj):
    return Application.objects.filter(round=round_obj, status=Status.WAITLISTED).order_by("waitlist_position")


def _offer_next_if_free(round_obj: ProgrammeRound, *, actor, now) -> Application | None:
    """Offer a freed place to the first on the waiting list (the round row must be locked)."""
    if places_taken(round_obj, now) >= round_obj.places:
        return None
    first = _waitlist(round_obj).select_related("round").first()
    if first is None:
        return None
    _offer(first, actor=actor, reason=str(_("First on the waiting list when a place became free.")), now=now)
    return first


def waitlist_offer(*, application: Application, user, reason: str = "", now=None) -> Application:
    """A leader offers a free place to someone on the waiting list; skipping anyone needs a reason."""
    now = now or timezone.now()
    with transaction.atomic():
        round_obj = _lock_round(application.round_id)
        application = _lock_application(application.pk)
        if not permissions.can_decide(user, application):
            raise DomainError(_("Only the round's project leaders can offer places."))
        if application.status != Status.WAITLISTED:
            raise DomainError(_("Only an application on the waiting list can be offered a place."))
        _check_place_free(round_obj, now)
        skipped = _waitlist(round_obj).filter(waitlist_position__lt=application.waitlist_position).count()
        if skipped and not reason.strip():
            raise DomainError(
                _("%(count)s practice(s) are ahead on the waiting list. Give a reason for skipping them.")
                % {"count": skipped},
                field="reason",
            )
        _offer(application, actor=user, reason=reason, now=now)
    return application


WITHDRAWABLE = {Status.SUBMITTED, Status.SELECTED, Status.OFFERED, Status.ACCEPTED, Status.WAITLISTED}


def application_withdraw(*, application: Application, user, reason: str = "", now=None) -> Application:
    """The practice withdraws. A freed place goes to the first on the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        round_obj = _lock_round(application.round_id)
        application = _lock_application(application.pk)
        if not permissions.is_application_owner(user, application) and not permissions.is_leader(
            user, round_obj
        ):
            raise DomainError(_("You cannot withdraw this application."))
        if application.status not in WITHDRAWABLE:
            raise DomainError(_("This application cannot be withdrawn."))
        held_place = application.holds_place()
        event = _record(application, actor=user, to_status=Status.WITHDRAWN, reason=reason)
        application.status = Status.WITHDRAWN
        application.waitlist_position = None
        application.offer_expires_at = None
        application.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
        Participation.objects.filter(application=application, ended_at__isnull=True).update(ended_at=now)
        _notify_on_commit(event)
        if held_place:
            _offer_next_if_free(round_obj, actor=user, now=now)
    return application


def offers_expire(*, now=None) -> int:
    """Expire offers past their date and pass the place on. Safe to run often and concurrently."""
    now = now or timezone.now()
    expired = 0
    round_ids = set(
        Application.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
            "round_id", flat=True
        )
    )
    for round_id in round_ids:
        with transaction.atomic():
            round_obj = _lock_round(round_id)
            for application in Application.objects.select_for_update().filter(
                round=round_obj, status=Status.OFFERED, offer_expires_at__lte=now
            ):
                event = _record(application, actor=None, to_status=Status.EXPIRED)
                application.status = Status.EXPIRED
                application.save(update_fields=["status", "updated_at"])
                _notify_on_commit(event)
                expired += 1
            while _offer_next_if_free(round_obj, actor=None, now=now):
                pass
    return expired


def application_accept(*, application: Application, user, terms: TermsVersion, now=None) -> Participation:
    """The selected practice accepts the participation terms; this creates its participation."""
    now = now or timezone.now()
    with transaction.atomic():
        round_obj = _lock_round(application.round_id)
        application = _lock_application(application.pk)
        if not permissions.is_application_owner(user, application):
            raise DomainError(_("Only the practice itself can accept the terms."))
        if application.status == Status.ACCEPTED:
            raise DomainError(_("The terms have already been accepted."))
        if application.offer_expires_at is not None and (
            application.status == Status.EXPIRED
            or (application.status == Status.OFFERED and application.offer_expires_at <= now)
        ):
            raise DomainError(
                _("The offer expired on %(date)s and can no longer be accepted.")
                % {"date": timezone.localtime(application.offer_expires_at).strftime("%d.%m.%Y %H:%M")}
            )
        if application.status not in (Status.SELECTED, Status.OFFERED):
            raise DomainError(_("Only a selected practice can accept the participation terms."))
        current = round_obj.current_terms()
        if current is None or terms.pk != current.pk:
            raise DomainError(_("The terms have changed since the page was opened. Please read them again."))
        participation = Participation.objects.create(
            round=round_obj,
            practice=application.practice,
            application=application,
            terms=terms,
            accepted_by=user,
            accepted_at=now,
        )
        event = _record(application, actor=user, to_status=Status.ACCEPTED, reason=f"v{terms.version}")
        application.status = Status.ACCEPTED
        application.offer_expires_at = None
        application.save(update_fields=["status", "offer_expires_at", "updated_at"])
        _notify_on_commit(event)
    return participation


# --- Light accounts for practices that did not apply ------------------------------------------


@transaction.atomic
def practice_join(
    *, user, person_name: str, person_kind: str, provider_numbers: list[str], cvr: str, **fields
) -> Practice:
    """Any practice in the region may join the activities: register it and give the user access.

    Only a practice that is not registered yet can be claimed this way; an existing practice's data
    and applications stay with the people who already have access (they can add colleagues).
    """
    practice = practice_register(provider_numbers=provider_numbers, cvr=cvr, **fields)
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person(name=person_name, kind=person_kind, email=user.email, user=user)
        _full_clean(person, exclude=["user"])
        person.save()
    Membership.objects.get_or_create(person=person, practice=practice, ended_on=None)
    role_grant(user=user, role=Role.PRACTICE, practice=practice)
    return practice


@transaction.atomic
def person_give_access(*, user, practice: Practice, person: Person):
    """A practice user gives a colleague (a member with an e-mail address) a login to the practice."""
    if practice.pk not in permissions.own_practice_ids(user):
        raise DomainError(_("You can only give access to your own practice."))
    if not Membership.objects.filter(practice=practice, person=person, ended_on__isnull=True).exists():
        raise DomainError(_("%(name)s is not a member of the practice.") % {"name": person.name})
    if not person.email:
        raise DomainError(_("Add an e-mail address for %(name)s first.") % {"name": person.name})
    account = person.user or user_get_or_create(email=person.email, full_name=person.name)
    if person.user_id is None:
        person.user = account
        person.save(update_fields=["user"])
    role_grant(user=account, role=Role.PRACTICE, practice=practice)
    return account


@transaction.atomic
def membership_end(*, user, practice: Practice, person: Person, on=None) -> None:
    """A person leaves the practice: the membership gets an end date (their hours stay)."""
    if practice.pk not in permissions.own_practice_ids(user):
        raise DomainError(_("You can only change your own practice."))
    on = on or timezone.localdate()
    updated = Membership.objects.filter(practice=practice, person=person, ended_on__isnull=True).update(
        ended_on=on
    )
    if not updated:
        raise DomainError(_("%(name)s is not a member of the practice.") % {"name": person.name})
    if person.user_id:
        from ligepraksis.models import RoleGrant

        RoleGrant.objects.filter(user_id=person.user_id, role=Role.PRACTICE, practice=practice).delete()

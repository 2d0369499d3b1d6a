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
from django.utils.translation import ngettext

from applications import letters, notifications, permissions, selectors
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Participation,
    Recommendation,
    Review,
    Score,
)
from ligepraksis import formatting
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.models import ProgrammeRound, Role, RoleGrant, TermsVersion
from practices import selectors as practice_selectors
from practices import services as practice_services
from practices.models import Membership, Person, PersonKind, Practice, PracticeGrant
from practices.permissions import acts_for


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


def _notify(event: ApplicationEvent) -> None:
    """Mail the practice about this history entry: outbox rows in the same transaction."""
    notifications.application_event_enqueue(event)


def _lock_round(round_id: int) -> ProgrammeRound:
    return ProgrammeRound.objects.select_for_update().get(pk=round_id)


def _lock_application(application_id: int) -> Application:
    return Application.objects.select_for_update().select_related("round", "practice").get(pk=application_id)


# --- Applying -------------------------------------------------------------------------------------


def _require_open(round_obj: ProgrammeRound, now=None) -> None:
    now = now or timezone.now()
    if now < round_obj.applications_open_at:
        raise DomainError(_("Applications for this round have not opened yet."))
    if now >= round_obj.application_deadline:
        raise DomainError(
            _("The application deadline (%(deadline)s) has passed. Applications can no longer be changed.")
            % {"deadline": formatting.when(round_obj.application_deadline)}
        )


def application_start(*, user, round_obj: ProgrammeRound, practice: Practice, now=None) -> Application:
    """Start (or continue) an application. For someone acting for the practice this is the
    practice's one open draft of the round; for anyone else it is a request of their own, which
    someone acting for the practice, or a project leader, must confirm before it can be submitted."""
    _require_open(round_obj, now)
    acting = acts_for(user, practice.pk)
    mine = Application.objects.filter(
        round=round_obj, practice=practice, status=ApplicationStatus.DRAFT, is_request=not acting
    )
    if not acting:
        mine = mine.filter(created_by=user)
    existing = mine.order_by("pk").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                round=round_obj, practice=practice, created_by=user, is_request=not acting
            )
            _record(application, actor=user, from_status="", to_status=ApplicationStatus.DRAFT)
    except IntegrityError:  # a colleague started the practice's draft a moment ago
        existing = mine.order_by("pk").first()
        if existing is None:
            raise
        return existing
    return application


@dataclass
class CoordinatorData:
    name: str
    email: str
    phone: str = ""
    title: str = ""


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
    """Save a draft. Nothing is written unless every field passes (the CPR guard included).

    The coordinators are kept on the application as typed; nobody becomes a person of the practice
    until the practice itself submits (application_submit)."""
    application = _lock_application(application.pk)
    if application.status != ApplicationStatus.DRAFT:
        raise DomainError(_("Only a draft can be changed. Reopen the submitted application first."))
    _require_open(application.round, now)
    doctor = doctor or CoordinatorData("", "")
    staff = staff or CoordinatorData("", "")
    if doctor.email and staff.email and doctor.email.lower() == staff.email.lower():
        raise DomainError(
            _("The two coordinators must be two different people with their own e-mail addresses.")
        )
    application.practice_description = practice_description
    application.patient_base = patient_base
    application.motivation = motivation
    application.doctor_name, application.doctor_email = doctor.name, doctor.email
    application.doctor_phone = doctor.phone
    application.staff_name, application.staff_email = staff.name, staff.email
    application.staff_phone, application.staff_title = staff.phone, staff.title
    _full_clean(application)
    application.save()
    return application


def _coordinator(application: Application, kind: str) -> Person | None:
    """The practice's current member with the typed e-mail (linked, never edited), or a new member."""
    name = getattr(application, f"{kind}_name")
    email = getattr(application, f"{kind}_email")
    if not (name or email):
        return None
    practice = application.practice
    person = practice_selectors.member_with_email(practice, email)
    if person is not None:
        return person
    person = practice_services.member_create(
        practice=practice,
        name=name,
        kind=PersonKind.DOCTOR if kind == "doctor" else PersonKind.STAFF,
        email=email,
        title=application.staff_title if kind == "staff" else "",
    )
    phone = getattr(application, f"{kind}_phone")
    if phone:
        person.phone = phone
        person.save(update_fields=["phone"])
    return person


@transaction.atomic
def application_delete(*, application: Application, user) -> None:
    """Its author deletes a draft (or a request) that was never submitted; its history goes with it."""
    application = _lock_application(application.pk)
    if application.created_by_id != user.pk:
        raise DomainError(_("Only the person who started a draft can delete it."), code="not_author")
    if not application.can_delete():
        raise DomainError(_("Only a draft can be deleted. Withdraw a submitted application instead."))
    application.delete()


@transaction.atomic
def application_request_confirm(*, application: Application, user, now=None) -> Application:
    """Someone acting for the practice, or a project leader of the round, confirms a request: its
    author then acts for the practice and can submit it."""
    now = now or timezone.now()
    application = _lock_application(application.pk)
    if not application.is_request:
        raise DomainError(_("This application is not a request."))
    if not permissions.can_confirm_request(user, application):
        raise DomainError(
            _("Only someone who acts for the practice, or a project leader, can confirm the request."),
            code="not_allowed",
        )
    own_draft = Application.objects.filter(
        round=application.round,
        practice=application.practice,
        status=ApplicationStatus.DRAFT,
        is_request=False,
    )
    if own_draft.exists():
        raise DomainError(
            _("The practice already has a draft for this round; continue that one instead."),
            code="draft_exists",
        )
    application.is_request = False
    application.request_confirmed_by = user
    application.request_confirmed_at = now
    application.save(
        update_fields=["is_request", "request_confirmed_by", "request_confirmed_at", "updated_at"]
    )
    practice_services.practice_grant(user=application.created_by, practice=application.practice)
    _record(
        application,
        actor=user,
        to_status=ApplicationStatus.DRAFT,
        reason=str(_("The request was confirmed by %(name)s.") % {"name": user.get_full_name()}),
    )
    return application


def practice_registration_confirm(*, application: Application, user, now=None) -> Application:
    """A project leader of the round confirms that the practice was registered by its own people."""
    if not permissions.can_decide(user, application):
        raise DomainError(_("Only the round's project leaders can confirm a practice."), code="not_allowed")
    practice_services.practice_confirm(practice=application.practice, now=now)
    return application


def practice_hand_over(*, application: Application, user, email: str, name: str = "", now=None):
    """A project leader hands a wrongly claimed practice to its real people (see practices/)."""
    if not permissions.can_decide(user, application):
        raise DomainError(_("Only the round's project leaders can hand over a practice."), code="not_allowed")
    return practice_services.practice_hand_over(
        practice=application.practice, email=email, name=name, now=now
    )


def _missing_for_submit(application: Application) -> list[str]:
    missing = []
    for field in ("practice_description", "patient_base", "motivation"):
        if not (getattr(application, field) or "").strip():
            missing.append(str(Application._meta.get_field(field).verbose_name))
    if not (application.doctor_name and application.doctor_email):
        missing.append(str(_("coordinator (doctor)")))
    if not (application.staff_name and application.staff_email):
        missing.append(str(_("coordinator (staff)")))
    return missing


def application_submit(*, application: Application, user, now=None) -> Application:
    try:
        with transaction.atomic():
            application = _lock_application(application.pk)
            if application.status != ApplicationStatus.DRAFT:
                raise DomainError(_("This application has already been submitted."))
            if application.is_request:
                raise DomainError(
                    _(
                        "This is a request to apply for %(practice)s: someone who acts for the practice, "
                        "or a project leader, must confirm it before it can be submitted."
                    )
                    % {"practice": application.practice.name},
                    code="request_unconfirmed",
                )
            if not acts_for(user, application.practice_id):
                raise DomainError(_("Only someone who acts for the practice can submit its application."))
            _require_open(application.round, now)
            missing = _missing_for_submit(application)
            if missing:
                raise DomainError(
                    _("The application cannot be submitted yet. Please fill in: %(fields)s.")
                    % {"fields": ", ".join(missing)}
                )
            other = (
                Application.objects.filter(round=application.round, practice=application.practice)
                .exclude(status=ApplicationStatus.DRAFT)
                .exclude(pk=application.pk)
            )
            if other.exists():
                raise DomainError(
                    _("%(practice)s has already submitted an application for this round.")
                    % {"practice": application.practice.name}
                )
            application.doctor_coordinator = _coordinator(application, "doctor")
            application.staff_coordinator = _coordinator(application, "staff")
            event = _record(application, actor=user, to_status=ApplicationStatus.SUBMITTED)
            application.status = ApplicationStatus.SUBMITTED
            application.submitted_at = now or timezone.now()
            application.save(
                update_fields=[
                    "status",
                    "submitted_at",
                    "doctor_coordinator",
                    "staff_coordinator",
                    "updated_at",
                ]
            )
            _notify(event)
    except IntegrityError as exc:  # two submits of the same practice at the same moment
        raise DomainError(
            _("%(practice)s has already submitted an application for this round.")
            % {"practice": application.practice.name}
        ) from exc
    return application


@transaction.atomic
def application_reopen(*, application: Application, user, now=None) -> Application:
    application = _lock_application(application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("Only a submitted application that has not been decided on can be reopened."))
    _require_open(application.round, now)
    _record(application, actor=user, to_status=ApplicationStatus.DRAFT)
    application.status = ApplicationStatus.DRAFT
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
    if review.conflict_of_interest and not conflict:
        raise DomainError(
            _(
                "You have declared a conflict of interest with this application. Only another project "
                "leader of the round can lift it."
            ),
            code="conflict_declared",
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
def conflict_lift(*, application: Application, reviewer, user, reason: str) -> Review:
    """Another project leader of the round lifts a reviewer's declared conflict of interest, with a
    reason that is kept in the application's history; the reviewer may then score and decide."""
    if not permissions.is_leader(user, application.round) or user.pk == reviewer.pk:
        raise DomainError(
            _("Only another project leader of the round can lift a conflict of interest."), code="not_allowed"
        )
    if permissions.acts_for(user, application.practice_id):
        raise DomainError(
            _("You act for this practice, so you cannot lift a conflict with it."), code="not_allowed"
        )
    if not reason.strip():
        raise DomainError(_("Give a reason for lifting the conflict of interest."), field="reason")
    review = (
        Review.objects.select_for_update()
        .filter(application=application, reviewer=reviewer, conflict_of_interest=True)
        .first()
    )
    if review is None:
        raise DomainError(_("No conflict of interest is declared."))
    review.conflict_of_interest = False
    review.save(update_fields=["conflict_of_interest", "updated_at"])
    _record(
        application,
        actor=user,
        kind=ApplicationEvent.Kind.REVIEW,  # about the assessment: never shown to the applicant
        from_status="",
        to_status="",
        reason=str(
            _("Conflict of interest of %(name)s lifted: %(reason)s")
            % {"name": reviewer.get_full_name(), "reason": reason}
        ),
    )
    return review


@transaction.atomic
def recommendation_record(
    *, application: Application, user, outcome: str, reason: str = ""
) -> Recommendation:
    if not permissions.can_recommend(user, application):
        raise DomainError(_("You cannot record a recommendation for this application."))
    if application.status == ApplicationStatus.DRAFT:
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


def _check_place_free(round_obj: ProgrammeRound, now) -> None:
    taken = selectors.places_taken(round_obj, now)
    if taken >= round_obj.places:
        raise DomainError(
            _("All %(places)s places are taken (selected, participating or offered). Release a place first.")
            % {"places": round_obj.places}
        )


def _give_coordinators_accounts(application: Application) -> None:
    """Both coordinators get a login with access to their practice when it is selected or offered; a
    login that already exists for a coordinator's address is attached only with its owner's consent
    (the practice could have typed anyone's address, a leader's say)."""
    for person in application.coordinators:
        if person.email:
            practice_services.member_login_attach(practice=application.practice, person=person)


def _next_waitlist_position(round_obj) -> int:
    top = Application.objects.filter(round=round_obj, status=ApplicationStatus.WAITLISTED).aggregate(
        m=Max("waitlist_position")
    )
    return (top["m"] or 0) + 1


DECIDABLE_FROM = {
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.SELECTED,
}
OUTCOMES = {ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED}


def _check_decision(application: Application, round_obj: ProgrammeRound, *, user, outcome: str, now) -> None:
    """Every rule a decision must pass except the reason (application_decide adds that)."""
    if outcome not in OUTCOMES:
        raise DomainError(_("Unknown decision."), field="outcome")
    if not permissions.can_decide(user, application):
        raise DomainError(
            _("Only the round's project leaders can decide, and not on their own practice."),
            code="not_allowed",
        )
    if not round_obj.review_is_open(now):
        raise DomainError(_("Decisions can be made after the application deadline."))
    if application.status not in DECIDABLE_FROM:
        raise DomainError(
            _("An application that is “%(status)s” cannot be decided on.")
            % {"status": application.get_status_display()}
        )
    if application.status == outcome:
        raise DomainError(_("The application already has this decision."), code="same_decision")
    if outcome == ApplicationStatus.SELECTED:
        _require_confirmed_practice(application)
        _check_place_free(round_obj, now)


def _check_reason(application: Application, outcome: str, reason: str) -> None:
    if application.decision_needs_reason(outcome) and not (reason or "").strip():
        raise DomainError(
            _(
                "Give a reason: a rejection or a changed decision is explained to the practice "
                "(the reason is e-mailed to it and shown in its history)."
            ),
            field="reason",
            code="reason_required",
        )


@dataclass
class DecisionPreview:
    """What a decision will do, for the page that asks the leader to confirm it."""

    application: Application
    outcome: str
    outcome_label: str
    reason_required: bool
    recipients: list[str]
    places: int
    places_taken: int
    waitlist_rank: int | None = None  # the place it gets on the waiting list
    gives_logins: bool = False  # the coordinators get a login to the portal
    frees_place: bool = False  # it held one of the round's places


def decision_preview(*, application: Application, user, outcome: str, now=None) -> DecisionPreview:
    """The same checks as application_decide, without changing anything: what will happen and who
    gets mail. The reason is checked when the decision is confirmed."""
    now = now or timezone.now()
    application = Application.objects.select_related("round", "practice", "created_by").get(pk=application.pk)
    round_obj = application.round
    _check_decision(application, round_obj, user=user, outcome=outcome, now=now)
    waitlisted = Application.objects.filter(round=round_obj, status=ApplicationStatus.WAITLISTED)
    return DecisionPreview(
        application=application,
        outcome=outcome,
        outcome_label=ApplicationStatus(outcome).label,
        reason_required=application.decision_needs_reason(outcome),
        recipients=notifications.recipients(application),
        places=round_obj.places,
        places_taken=selectors.places_taken(round_obj, now),
        waitlist_rank=waitlisted.count() + 1 if outcome == ApplicationStatus.WAITLISTED else None,
        gives_logins=outcome == ApplicationStatus.SELECTED,
        frees_place=application.holds_place(),
    )


def application_decide(
    *, application: Application, user, outcome: str, reason: str = "", now=None
) -> Application:
    """A project leader's decision: selected, waiting list or rejected. Places are never exceeded; a
    rejection or a changed decision needs a reason, which is mailed to the practice."""
    now = now or timezone.now()
    if outcome not in OUTCOMES:
        raise DomainError(_("Unknown decision."), field="outcome")
    with transaction.atomic():
        round_obj = _lock_round(application.round_id)  # serialises every decision in the round
        application = _lock_application(application.pk)
        _check_decision(application, round_obj, user=user, outcome=outcome, now=now)
        _check_reason(application, outcome, reason)
        event = _record(
            application, actor=user, to_status=outcome, reason=reason, kind=ApplicationEvent.Kind.DECISION
        )
        application.status = outcome
        application.waitlist_position = (
            _next_waitlist_position(round_obj) if outcome == ApplicationStatus.WAITLISTED else None
        )
        application.offer_expires_at = None
        application.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
        if outcome == ApplicationStatus.SELECTED:
            _give_coordinators_accounts(application)
        letters.decision_letter_job_create(application=application, event=event, user=user)
        _notify(event)
    return application


@dataclass
class SuggestionPreview:
    """The balanced suggestion and what applying it changes: who becomes selected and gets mail."""

    suggestion: object  # applications.selection.Suggestion
    to_select: list[Application]
    recipients: dict[int, list[str]]

    @property
    def keys(self) -> list[int]:
        return [a.pk for a in self.to_select]

    @property
    def changes(self) -> list[dict]:
        label = ApplicationStatus.SELECTED.label
        return [
            {"application": a, "outcome_label": label, "recipients": self.recipients.get(a.pk, [])}
            for a in self.to_select
        ]


def suggestion_preview(*, round_obj: ProgrammeRound) -> SuggestionPreview:
    """The balanced suggestion of the round as it stands; the picks not selected yet are what
    applying it would select (nothing changes here)."""
    groups = selectors.round_groups(round_obj)
    applications = list(selectors.applications_for_selection(round_obj))
    suggestion = selectors.balanced_suggestion(round_obj, applications, groups)
    by_pk = {a.pk: a for a in applications}
    to_select = [by_pk[p.candidate.key] for p in suggestion.picks if not p.candidate.fixed]
    return SuggestionPreview(
        suggestion=suggestion,
        to_select=to_select,
        recipients={a.pk: notifications.recipients(a) for a in to_select},
    )


def suggestion_apply(*, round_obj: ProgrammeRound, user, expected: list[int], now=None) -> list[Application]:
    """Select the practices of the balanced suggestion that the leader confirmed in its preview. If
    the suggestion has changed since (someone decided in the meantime), nothing is decided."""
    now = now or timezone.now()
    if not permissions.is_leader(user, round_obj):
        raise DomainError(_("Only the round's project leaders can decide."), code="not_allowed")
    with transaction.atomic():
        _lock_round(round_obj.pk)
        preview = suggestion_preview(round_obj=round_obj)
        if sorted(preview.keys) != sorted(expected):
            raise DomainError(
                _(
                    "The suggestion has changed since you saw it. "
                    "Look at the new suggestion before you confirm."
                ),
                code="suggestion_changed",
            )
        if not preview.to_select:
            raise DomainError(_("The suggestion selects nobody new."), code="nothing_to_do")
        reason = str(_("Selected from the balanced suggestion of the selection workspace."))
        return [
            application_decide(
                application=application, user=user, outcome=ApplicationStatus.SELECTED, reason=reason, now=now
            )
            for application in preview.to_select
        ]


def _require_confirmed_practice(application: Application) -> None:
    if not application.practice.is_confirmed:
        raise DomainError(
            _(
                "%(practice)s registered itself in the portal. Confirm that the registration is the "
                "practice's own before it can be selected."
            )
            % {"practice": application.practice.name},
            code="practice_unconfirmed",
        )


def _offer(application: Application, *, actor, reason: str, now) -> ApplicationEvent:
    round_obj = application.round
    event = _record(
        application,
        actor=actor,
        to_status=ApplicationStatus.OFFERED,
        reason=reason,
        kind=ApplicationEvent.Kind.DECISION,
    )
    application.status = ApplicationStatus.OFFERED
    application.waitlist_position = None
    application.offer_expires_at = now + dt.timedelta(days=round_obj.offer_days)
    application.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
    _give_coordinators_accounts(application)
    letters.decision_letter_job_create(application=application, event=event, user=actor)
    _notify(event)
    return event


def _waitlist(round_obj):
    return Application.objects.filter(round=round_obj, status=ApplicationStatus.WAITLISTED).order_by(
        "waitlist_position"
    )


def _offer_next_if_free(round_obj: ProgrammeRound, *, actor, now) -> Application | None:
    """Offer a freed place to the first on the waiting list (the round row must be locked)."""
    if selectors.places_taken(round_obj, now) >= round_obj.places:
        return None
    # A practice whose self-registration no leader confirmed yet is passed over until it is.
    first = _waitlist(round_obj).filter(practice__confirmed_at__isnull=False).select_related("round").first()
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
        if application.status != ApplicationStatus.WAITLISTED:
            raise DomainError(_("Only an application on the waiting list can be offered a place."))
        _require_confirmed_practice(application)
        _check_place_free(round_obj, now)
        skipped = _waitlist(round_obj).filter(waitlist_position__lt=application.waitlist_position).count()
        if skipped and not reason.strip():
            raise DomainError(
                ngettext(
                    "%(count)s practice is ahead on the waiting list. Give a reason for skipping it.",
                    "%(count)s practices are ahead on the waiting list. Give a reason for skipping them.",
                    skipped,
                )
                % {"count": formatting.number(skipped)},
                field="reason",
            )
        _offer(application, actor=user, reason=reason, now=now)
    return application


def application_withdraw(*, application: Application, user, reason: str = "", now=None) -> Application:
    """The practice withdraws. A freed place goes to the first on the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        round_obj = _lock_round(application.round_id)
        application = _lock_application(application.pk)
        if not permissions.can_withdraw(user, application):
            raise DomainError(_("You cannot withdraw this application."))
        if not application.can_withdraw():
            raise DomainError(_("This application cannot be withdrawn."))
        held_place = application.holds_place()
        event = _record(application, actor=user, to_status=ApplicationStatus.WITHDRAWN, reason=reason)
        application.status = ApplicationStatus.WITHDRAWN
        application.waitlist_position = None
        application.offer_expires_at = None
        application.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
        Participation.objects.filter(application=application, ended_at__isnull=True).update(ended_at=now)
        _notify(event)
        if held_place:
            _offer_next_if_free(round_obj, actor=user, now=now)
    return application


def offers_expire(*, now=None) -> int:
    """Expire offers past their date and pass the place on. Safe to run often and concurrently."""
    now = now or timezone.now()
    expired = 0
    round_ids = set(
        Application.objects.filter(status=ApplicationStatus.OFFERED, offer_expires_at__lte=now).values_list(
            "round_id", flat=True
        )
    )
    for round_id in round_ids:
        with transaction.atomic():
            round_obj = _lock_round(round_id)
            for application in Application.objects.select_for_update().filter(
                round=round_obj, status=ApplicationStatus.OFFERED, offer_expires_at__lte=now
            ):
                event = _record(application, actor=None, to_status=ApplicationStatus.EXPIRED)
                application.status = ApplicationStatus.EXPIRED
                application.save(update_fields=["status", "updated_at"])
                _notify(event)
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
        if application.status == ApplicationStatus.ACCEPTED:
            raise DomainError(_("The terms have already been accepted."))
        if application.offer_has_expired(now):
            raise DomainError(
                _("The offer expired on %(date)s and can no longer be accepted.")
                % {"date": formatting.when(application.offer_expires_at)}
            )
        if not application.can_accept(now):
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
        event = _record(
            application, actor=user, to_status=ApplicationStatus.ACCEPTED, reason=f"v{terms.version}"
        )
        application.status = ApplicationStatus.ACCEPTED
        application.offer_expires_at = None
        application.save(update_fields=["status", "offer_expires_at", "updated_at"])
        letters.terms_job_create(participation=participation, user=user)
        _notify(event)
    return participation


# --- Consultants ------------------------------------------------------------------------------------


def consultant_may_serve(consultant, participation: Participation) -> bool:
    """A consultant may be assigned to a participation when they hold the consultant grant of its round
    and do not belong to the practice (no practice access, no current membership through their login)."""
    if not _holds_consultant_grant(consultant, participation.round_id):
        return False
    if PracticeGrant.objects.filter(user=consultant, practice_id=participation.practice_id).exists():
        return False
    return not (
        Membership.objects.current()
        .filter(practice_id=participation.practice_id, person__user=consultant)
        .exists()
    )


def participation_assign_consultant(*, participation: Participation, consultant, by) -> Participation:
    """A project leader of the round assigns a consultant to a participation (None removes the
    assignment). The change is kept in the participation's history (django-simple-history), with who
    made it."""
    with transaction.atomic():
        participation = (
            Participation.objects.select_for_update()
            .select_related("round", "practice")
            .get(pk=participation.pk)
        )
        if not permissions.is_leader(by, participation.round):
            raise DomainError(
                _("Only the round's project leaders can assign a consultant."), code="not_allowed"
            )
        consultant_id = consultant.pk if consultant is not None else None
        if consultant_id == participation.consultant_id:
            return participation
        if consultant is not None and not consultant_may_serve(consultant, participation):
            raise DomainError(
                _consultant_refusal(consultant, participation), field="consultant", code="not_eligible"
            )
        participation.consultant = consultant
        participation._history_user = by
        participation.save(update_fields=["consultant"])
    return participation


def _holds_consultant_grant(user, round_id) -> bool:
    return RoleGrant.objects.filter(user=user, role=Role.CONSULTANT, round_id=round_id).exists()


def _consultant_refusal(consultant, participation: Participation):
    if not _holds_consultant_grant(consultant, participation.round_id):
        return _("%(name)s is not a consultant in this round.") % {"name": consultant}
    return _("%(name)s belongs to %(practice)s and cannot be its consultant.") % {
        "name": consultant,
        "practice": participation.practice.name,
    }

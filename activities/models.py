"""The inspiration-activity catalogue, sessions, registrations, attendance and hour claims.

Hours toward a participation's target are derived (activities/selectors.py), never stored twice:
attended registrations of activities that count, plus approved claims.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ligepraksis.cpr import (
    GuardedCharField,
    GuardedTextField,
    GuardedURLField,
    validate_no_cpr_in_filename,
)
from ligepraksis.errors import DomainError
from ligepraksis.formatting import when
from ligepraksis.validators import validate_programme_date

MAX_HOURS = Decimal("24")  # one attendance or one claim never credits more than a day


class ActivityKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    TALK = "talk", _("Talk")
    COURSE = "course", _("Course")
    THEME_DAY = "theme_day", _("Theme day")
    STARTUP = "startup", _("Start-up meeting")
    PODCAST = "podcast", _("Podcast")
    OTHER = "other", _("Other")


# Kinds that never count toward the hour target: the start-up meeting and the theme day come in
# addition to the 10 hours ("Herudover", DOMAIN.md step 4). One home for the rule.
NOT_COUNTING_KINDS = (ActivityKind.STARTUP, ActivityKind.THEME_DAY)
COUNTS_TOWARD_TARGET = ~Q(kind__in=NOT_COUNTING_KINDS)


def kind_counts_toward_target(kind: str) -> bool:
    return kind not in NOT_COUNTING_KINDS


class Audience(models.TextChoices):
    DOCTORS = "doctors", _("Doctors")
    STAFF = "staff", _("Practice staff")
    BOTH = "both", _("Doctors and staff")


class Activity(models.Model):
    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("round"),
    )
    title = GuardedCharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    provider = models.ForeignKey(
        "ligepraksis.ProviderOrganisation",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("provider"),
    )
    description = GuardedTextField(_("description"), max_length=5000, blank=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.BOTH)
    hours = models.DecimalField(
        _("hours credited per attendance"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(MAX_HOURS)],
    )
    online = models.BooleanField(_("online"), default=False)
    required = models.BooleanField(
        _("required of every participating practice"),
        default=False,
        help_text=_("The start-up meeting: both coordinators of every selected practice attend."),
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS), name="activity_hours_sane"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def counts_toward_target(self) -> bool:
        """Whether attending counts toward the hour target: a rule of the kind, never a choice."""
        return kind_counts_toward_target(self.kind)


class Session(models.Model):
    """One run of an activity."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("activity")
    )
    starts_at = models.DateTimeField(_("starts"), validators=[validate_programme_date])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_programme_date])
    place = GuardedCharField(_("place"), max_length=200, blank=True)
    online_link = GuardedURLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    signup_deadline = models.DateTimeField(_("sign-up deadline"), validators=[validate_programme_date])
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = GuardedCharField(_("reason for cancelling"), max_length=300, blank=True)
    # The iCalendar SEQUENCE of the session's event (RFC 5545): raised each time its time, place or
    # online link changes and when it is cancelled, so a calendar applies the newer version over the
    # one it holds. The e-mailed invitations and the feeds write the same number.
    sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=models.F("starts_at")), name="session_deadline_before_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        return f"{self.activity} · {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    # What a person signed up must be told about when it changes (a new calendar version).
    CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "online_link")

    def calendar_changes(self, stored: Session) -> list[str]:
        """The fields of CALENDAR_FIELDS whose value differs from the stored version of the session."""
        return [name for name in self.CALENDAR_FIELDS if getattr(self, name) != getattr(stored, name)]

    def confirmed_count(self) -> int:
        return self.registrations.filter(status=RegistrationStatus.CONFIRMED).count() if self.pk else 0

    def clean(self):
        """A session's capacity never falls below its confirmed sign-ups (services, admin and the
        catalogue import all run full_clean, so this is the rule's one home)."""
        super().clean()
        if self.capacity is not None and self.pk:
            confirmed = self.confirmed_count()
            if self.capacity < confirmed:
                raise ValidationError(
                    {
                        "capacity": _(
                            "%(confirmed)s people are confirmed; the session needs at least that many "
                            "places. Cancel sign-ups first."
                        )
                        % {"confirmed": confirmed}
                    },
                    code="capacity_below_confirmed",
                )


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """A person signed up for a session, on behalf of a practice; attendance is taken on it."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    person = models.ForeignKey(
        "practices.Person", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("person")
    )
    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("practice"),
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed up by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )
    attendance_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    # When the reminder was put in the outbox (in the same transaction), so it is written once.
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="one_active_registration_per_person",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status=RegistrationStatus.CONFIRMED),
                name="attendance_only_when_confirmed",
            ),
        ]
        # (session, status): the catalogue's confirmed places and a session's waiting list.
        # (practice, status): the hours ledger and a practice's sign-ups read a practice's rows by status.
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["practice", "status"], name="registration_practice_status"),
        ]

    def __str__(self):
        return f"{self.person} · {self.session}"

    @property
    def shown_status(self) -> str:
        """The status as a page shows it: a sign-up for a cancelled session reads as cancelled."""
        if self.status != RegistrationStatus.CANCELLED and self.session.is_cancelled:
            return str(_("Session cancelled"))
        return self.get_status_display()

    def cancel_refusal(self, now=None) -> DomainError | None:
        """Why the registration cannot be cancelled now, or None when it can: the one rule behind the
        pages' "Cancel" button and `services.registration_cancel` (which raises what this returns)."""
        now = now or timezone.now()
        if self.status == RegistrationStatus.CANCELLED:
            return DomainError(_("The registration is already cancelled."), code="already_cancelled")
        if self.session.is_cancelled:
            return DomainError(
                _("The session is cancelled, so there is no place to give up."), code="session_cancelled"
            )
        if self.session.signup_deadline <= now:
            return DomainError(
                _(
                    "The sign-up deadline (%(deadline)s) has passed, so the registration can no longer "
                    "be cancelled "
                    "here. Please contact the organiser."
                )
                % {"deadline": when(self.session.signup_deadline)},
                code="deadline_passed",
            )
        return None

    def can_cancel(self, now=None) -> bool:
        return self.cancel_refusal(now) is None


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def claim_evidence_path(instance, filename):
    return f"claims/{instance.practice_id}/{filename}"


class HourClaim(models.Model):
    """Hours from an activity outside the portal; counts only when a project leader approves it."""

    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="hour_claims",
        verbose_name=_("round"),
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="hour_claims", verbose_name=_("practice")
    )
    person = models.ForeignKey(
        "practices.Person", on_delete=models.PROTECT, related_name="hour_claims", verbose_name=_("person")
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("activity"),
    )
    description = GuardedTextField(_("what the hours were spent on"), max_length=1000)
    occurred_on = models.DateField(_("date"), validators=[validate_programme_date])
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(MAX_HOURS)],
    )
    evidence = models.FileField(
        _("evidence (PDF or image)"),
        upload_to=claim_evidence_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg"]), validate_no_cpr_in_filename],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = GuardedTextField(_("reason"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("hour claim")
        verbose_name_plural = _("hour claims")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS), name="claim_hours_sane"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""), name="claim_rejection_has_reason"
            ),
        ]
        # (practice, round, status): the hours ledger and a practice's claims waiting for approval.
        # (round, status, submitted_at): the leaders' queue of pending claims, oldest first.
        indexes = [
            models.Index(fields=["practice", "round", "status"], name="claim_practice_round_status"),
            models.Index(fields=["round", "status", "submitted_at"], name="claim_round_status_submitted"),
        ]

    def __str__(self):
        return f"{self.practice} · {self.hours} h · {self.get_status_display()}"

    def clean(self):
        """A claim that cannot count toward the target is refused when it is made, saying why: for a
        start-up meeting or theme day (they come in addition to the hours), dated outside the round's
        hour window, or dated in the future."""
        super().clean()
        if self.pk is None and self.occurred_on is not None:
            self._check_it_can_count(timezone.localdate())

    def _check_it_can_count(self, today) -> None:
        if self.activity_id and not self.activity.counts_toward_target:
            raise ValidationError(
                {
                    "activity": _(
                        "The start-up meeting and the theme day come in addition to the hour target, so "
                        "hours for them cannot be claimed."
                    )
                },
                code="activity_does_not_count",
            )
        if self.occurred_on > today:
            raise ValidationError(
                {"occurred_on": _("The date is in the future. Claim hours once they have been spent.")},
                code="in_the_future",
            )
        if self.round_id:
            start, end = self.round.hour_window()
            if not start <= self.occurred_on <= end:
                raise ValidationError(
                    {
                        "occurred_on": _(
                            "Only hours from %(start)s to %(end)s count toward the target of %(round)s."
                        )
                        % {
                            "start": date_format(start, "SHORT_DATE_FORMAT"),
                            "end": date_format(end, "SHORT_DATE_FORMAT"),
                            "round": self.round.name,
                        }
                    },
                    code="outside_window",
                )


class HourNudge(models.Model):
    """A nudge sent to a practice under its target; one per participation."""

    participation = models.OneToOneField(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="hour_nudge",
        verbose_name=_("participation"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("hour nudge")
        verbose_name_plural = _("hour nudges")

    def __str__(self):
        return f"{self.participation} · {self.sent_at}"

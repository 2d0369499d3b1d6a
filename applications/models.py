"""Applications, reviews, recommendations, decisions and participations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.cpr import GuardedCharField, GuardedTextField, validate_email_no_cpr
from practices.models import Person, Practice


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SELECTED = "selected", _("Selected")
    OFFERED = "offered", _("Offered a place from the waiting list")
    WAITLISTED = "waitlisted", _("On the waiting list")
    REJECTED = "rejected", _("Not selected")
    ACCEPTED = "accepted", _("Participating")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Offer expired")


# Statuses that hold one of the round's places.
PLACE_HOLDING = (ApplicationStatus.SELECTED, ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED)
# Statuses from which the practice (or a leader on its behalf) may withdraw.
WITHDRAWABLE = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SELECTED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
)
# Statuses that are a leader's decision: changing one of them needs a reason.
DECIDED = (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED)
# Statuses an applicant's "one application per practice per round" rule applies to.
NOT_DRAFT = ~Q(status=ApplicationStatus.DRAFT)


class ApplicationQuerySet(models.QuerySet):
    def with_waitlist_rank(self):
        """Annotate `waitlist_rank`: 1, 2, 3 ... in order of the stored position among the round's
        applications still on the waiting list, without the gaps left by those who left it (None for
        an application not on it). The stored `waitlist_position` is kept as it is: rewriting it
        would fight the unique constraint `waitlist_position_unique`."""
        ahead_or_same = (
            Application.objects.filter(
                round_id=OuterRef("round_id"),
                status=ApplicationStatus.WAITLISTED,
                waitlist_position__lte=OuterRef("waitlist_position"),
            )
            .order_by()
            .values("round_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waitlist_rank=models.Case(
                models.When(
                    status=ApplicationStatus.WAITLISTED,
                    then=Coalesce(Subquery(ahead_or_same, output_field=IntegerField()), 0),
                ),
                default=None,
                output_field=IntegerField(),
            )
        )


class Application(models.Model):
    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("round"),
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="applications", verbose_name=_("practice")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    practice_description = GuardedTextField(_("description of the practice"), max_length=3000, blank=True)
    patient_base = GuardedTextField(_("patient base"), max_length=3000, blank=True)
    motivation = GuardedTextField(_("motivation"), max_length=5000, blank=True)
    # The coordinators as typed into the draft. They become people of the practice (or are linked to
    # its current members by e-mail, never edited) only when someone acting for the practice submits.
    doctor_name = GuardedCharField(_("coordinator (doctor)"), max_length=200, blank=True)
    doctor_email = models.EmailField(
        _("e-mail of the coordinator (doctor)"), blank=True, validators=[validate_email_no_cpr]
    )
    doctor_phone = GuardedCharField(_("phone of the coordinator (doctor)"), max_length=20, blank=True)
    staff_name = GuardedCharField(_("coordinator (staff)"), max_length=200, blank=True)
    staff_title = GuardedCharField(_("job title of the coordinator (staff)"), max_length=100, blank=True)
    staff_email = models.EmailField(
        _("e-mail of the coordinator (staff)"), blank=True, validators=[validate_email_no_cpr]
    )
    staff_phone = GuardedCharField(_("phone of the coordinator (staff)"), max_length=20, blank=True)
    doctor_coordinator = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator (doctor)"),
    )
    staff_coordinator = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator (staff)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications_created",
        verbose_name=_("created by"),
    )
    # A draft started by someone who does not act for the practice is a request: it cannot be
    # submitted until someone acting for the practice, or a project leader, confirms it.
    is_request = models.BooleanField(_("request awaiting confirmation"), default=False)
    request_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request confirmed by"),
    )
    request_confirmed_at = models.DateTimeField(_("request confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    waitlist_position = models.PositiveSmallIntegerField(
        _("place on the waiting list"), null=True, blank=True
    )
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "practice"],
                condition=NOT_DRAFT,
                name="one_submitted_application_per_practice",
            ),
            models.UniqueConstraint(
                fields=["round", "practice"],
                condition=Q(status=ApplicationStatus.DRAFT, is_request=False),
                name="one_open_draft_per_practice",
            ),
            models.CheckConstraint(
                condition=Q(is_request=False) | Q(status=ApplicationStatus.DRAFT),
                name="only_a_draft_is_a_request",
            ),
            models.UniqueConstraint(
                fields=["round", "waitlist_position"],
                condition=Q(status=ApplicationStatus.WAITLISTED),
                name="waitlist_position_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.WAITLISTED) | Q(waitlist_position__isnull=False),
                name="waitlisted_has_position",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.OFFERED) | Q(offer_expires_at__isnull=False),
                name="offer_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.practice} · {self.round}"

    @property
    def coordinators(self):
        return [p for p in (self.doctor_coordinator, self.staff_coordinator) if p]

    def typed_coordinators(self) -> list[dict]:
        """The coordinators as typed into the draft (before they are people of the practice)."""
        rows = [
            {
                "kind": "doctor",
                "name": self.doctor_name,
                "email": self.doctor_email,
                "phone": self.doctor_phone,
            },
            {
                "kind": "staff",
                "name": self.staff_name,
                "email": self.staff_email,
                "phone": self.staff_phone,
                "title": self.staff_title,
            },
        ]
        return [r for r in rows if r["name"] or r["email"]]

    def can_delete(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    def is_submitted(self) -> bool:
        """Past the draft: submitted at some time (reviewers may see it after the deadline)."""
        return self.status != ApplicationStatus.DRAFT and self.submitted_at is not None

    def can_withdraw(self) -> bool:
        return self.status in WITHDRAWABLE

    def offer_has_expired(self, now=None) -> bool:
        now = now or timezone.now()
        return self.offer_expires_at is not None and (
            self.status == ApplicationStatus.EXPIRED
            or (self.status == ApplicationStatus.OFFERED and self.offer_expires_at <= now)
        )

    def can_accept(self, now=None) -> bool:
        """Selected, or offered a place that has not expired, and not yet accepted."""
        return self.status in (ApplicationStatus.SELECTED, ApplicationStatus.OFFERED) and not (
            self.offer_has_expired(now)
        )

    def can_reopen(self, now=None) -> bool:
        return self.status == ApplicationStatus.SUBMITTED and self.round.is_open_for_applications(now)

    def holds_place(self) -> bool:
        return self.status in PLACE_HOLDING

    def decision_needs_reason(self, outcome: str) -> bool:
        """A rejection, and any change of an earlier decision, is explained to the practice: the reason
        is e-mailed to it and shown in its history."""
        return outcome == ApplicationStatus.REJECTED or self.status in DECIDED


class ApplicationEventQuerySet(models.QuerySet):
    def for_applicant(self):
        """The history as the practice may read it: its own steps and the decisions with their reasons,
        never the steering group's recommendations nor anything about the reviews (who reviewed, a
        lifted conflict of interest). The one rule for what an applicant sees of the history."""
        return self.exclude(kind__in=ApplicationEvent.INTERNAL_KINDS)


class ApplicationEvent(models.Model):
    """Every status change, recommendation and decision: who, when, from, to, why."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        RECOMMENDATION = "recommendation", _("Recommendation")
        DECISION = "decision", _("Decision")
        REVIEW = "review", _("Review")  # about the assessment, e.g. a lifted conflict of interest

    # Entries about the assessment, kept from the applicant (ApplicationEventQuerySet.for_applicant).
    INTERNAL_KINDS = (Kind.RECOMMENDATION, Kind.REVIEW)

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STATUS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("done by")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=ApplicationStatus.choices, blank=True)
    reason = GuardedTextField(_("reason"), max_length=2000, blank=True)

    objects = ApplicationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("application history entry")
        verbose_name_plural = _("application history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Recommendation(models.Model):
    """The steering group's recommendation (indstilling). The latest one is in force; all are kept."""

    class Outcome(models.TextChoices):
        SELECT = "select", _("Select")
        WAITLIST = "waitlist", _("Waiting list")
        REJECT = "reject", _("Reject")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("application")
    )
    outcome = models.CharField(_("recommendation"), max_length=10, choices=Outcome.choices)
    reason = GuardedTextField(_("reason"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.application_id}: {self.outcome}"


class Review(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("reviewer")
    )
    conflict_of_interest = models.BooleanField(_("conflict of interest"), default=False)
    comment = GuardedTextField(_("overall comment"), max_length=3000, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self):
        return f"{self.reviewer} · {self.application_id}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        "ligepraksis.ReviewCriterion",
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = GuardedTextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=100), name="score_value_sane"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class ParticipationQuerySet(models.QuerySet):
    def active(self):
        """Participations that have not ended (the practice has not withdrawn)."""
        return self.filter(ended_at__isnull=True)


class Participation(models.Model):
    """A practice in a round, created when it accepts the terms. Hours, milestones, honoraria hang here."""

    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("round"),
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="participations", verbose_name=_("practice")
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="participation", verbose_name=_("application")
    )
    terms = models.ForeignKey(
        "ligepraksis.TermsVersion", on_delete=models.PROTECT, verbose_name=_("terms accepted")
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("accepted by")
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Assigned by a project leader of the round (services.participation_assign_consultant); the lower
    # apps' permissions read it, so a consultant sees only the participations assigned to them.
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consulted_participations",
        verbose_name=_("consultant"),
    )

    objects = ParticipationQuerySet.as_manager()
    # Who assigned which consultant, and when (the portal's audit library).
    history = HistoricalRecords(verbose_name=_("historical participation"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["round", "practice"], name="one_participation_per_round")
        ]

    def __str__(self):
        return f"{self.practice} · {self.round}"

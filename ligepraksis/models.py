"""What every app shares: accounts, regions, programme rounds (all their numbers are data) and roles."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ligepraksis.cpr import GuardedCharField, GuardedTextField, validate_email_no_cpr
from ligepraksis.validators import validate_programme_date


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day if it is shorter: 31 Jan + 1 -> 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).strip(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. E-mail is the username, unique regardless of case."""

    email = models.EmailField(_("e-mail"), max_length=254, validators=[validate_email_no_cpr])
    full_name = GuardedCharField(_("name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin access"), default=False)
    date_joined = models.DateTimeField(_("created"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = type(self).objects.normalize_email(self.email).strip()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.get_full_name()


class Region(models.Model):
    name = GuardedCharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    name = GuardedCharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_in_region")
        ]

    def __str__(self):
        return self.name


class RoundQuerySet(models.QuerySet):
    def open_for_applications(self, now=None):
        """Rounds taking applications now (the same rule as `ProgrammeRound.is_open_for_applications`)."""
        now = now or timezone.now()
        return self.filter(applications_open_at__lte=now, application_deadline__gt=now)


class ProgrammeRound(models.Model):
    """One run of the programme in one region. Every number of the programme is data here."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("region")
    )
    name = GuardedCharField(_("name"), max_length=150)
    year = models.PositiveSmallIntegerField(_("year"))
    applications_open_at = models.DateTimeField(_("applications open"), validators=[validate_programme_date])
    application_deadline = models.DateTimeField(
        _("application deadline"),
        help_text=_("Date and time in Danish time (Europe/Copenhagen)."),
        validators=[validate_programme_date],
    )
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    hour_target = models.DecimalField(
        _("hour target per practice"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    offer_days = models.PositiveSmallIntegerField(
        _("days to accept an offer"),
        validators=[MinValueValidator(1)],
        help_text=_("How long a practice offered a place from the waiting list has to accept it."),
    )
    hours_count_for = models.CharField(
        _("whose hours count"),
        max_length=20,
        choices=[
            ("coordinators", _("The practice's two coordinators")),
            ("members", _("Every member of the practice")),
        ],
        default="coordinators",
    )
    hour_window_start = models.DateField(
        _("hours count from"), null=True, blank=True, validators=[validate_programme_date]
    )
    hour_window_end = models.DateField(
        _("hour deadline"),
        null=True,
        blank=True,
        help_text=_("Hours count for activities up to and including this day."),
        validators=[validate_programme_date],
    )
    nudge_weeks_before = models.PositiveSmallIntegerField(
        _("nudge practices under target (weeks before the hour deadline)"), default=4
    )
    signups_per_practice_per_session = models.PositiveSmallIntegerField(
        _("sign-ups per practice per session"),
        default=4,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many people one practice can have signed up for one session, confirmed and on the "
            "waiting list together (so that no practice can fill a session alone)."
        ),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep personal data (months after the round ended)"),
        default=36,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A person who took part is anonymised when every round they took part in ended this many "
            "months ago and they no longer belong to a practice. The round ends at its hour deadline or "
            "at the end of its year, whichever is later. The privacy notice quotes this period."
        ),
    )
    consultant_hours_medical = models.DecimalField(
        _("medical consultant hours per practice"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Each participating practice's budget of medical-consultant hours."),
    )
    consultant_hours_process = models.DecimalField(
        _("process consultant hours per practice"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("4"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Each participating practice's budget of process-consultant hours."),
    )
    status_report_interval_months = models.PositiveSmallIntegerField(
        _("status report interval (months)"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("A participating practice files a status report for each period of this many months."),
    )
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    description = GuardedTextField(_("description"), blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme round")
        verbose_name_plural = _("programme rounds")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="round_unique_name_in_region"),
            models.CheckConstraint(
                condition=Q(score_max__gt=models.F("score_min")), name="round_score_range"
            ),
            models.CheckConstraint(
                condition=Q(application_deadline__gt=models.F("applications_open_at")),
                name="round_deadline_after_open",
            ),
            models.CheckConstraint(
                condition=Q(hour_window_start__isnull=True)
                | Q(hour_window_end__isnull=True)
                | Q(hour_window_end__gte=models.F("hour_window_start")),
                name="round_hour_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def is_open_for_applications(self, now=None) -> bool:
        now = now or timezone.now()
        return self.applications_open_at <= now < self.application_deadline

    def review_is_open(self, now=None) -> bool:
        return (now or timezone.now()) >= self.application_deadline

    def hour_window(self) -> tuple[dt.date, dt.date]:
        """The days whose activities count toward the hour target (the round's year if not set)."""
        return (
            self.hour_window_start or dt.date(self.year, 1, 1),
            self.hour_window_end or dt.date(self.year, 12, 31),
        )

    def ended_on(self) -> dt.date:
        """The round's last day for keeping data: its hour deadline or the end of its year, the later."""
        return max(self.hour_window()[1], dt.date(self.year, 12, 31))

    def personal_data_kept_until(self) -> dt.date:
        """The last day personal data of the round's people is kept (`retention_months` after its end)."""
        return add_months(self.ended_on(), self.retention_months)

    def current_terms(self):
        return self.terms.order_by("-published_at").first()


class Area(models.Model):
    """A group of municipalities, used to check that the selection spreads over the region."""

    round = models.ForeignKey(
        ProgrammeRound, on_delete=models.CASCADE, related_name="areas", verbose_name=_("round")
    )
    name = GuardedCharField(_("name"), max_length=100)
    municipalities = models.ManyToManyField(
        Municipality, related_name="areas", verbose_name=_("municipalities")
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="area_unique_in_round")]

    def __str__(self):
        return self.name


class SizeBand(models.Model):
    """A practice size band by doctor capacities: min <= capacities < max (no max = open-ended)."""

    round = models.ForeignKey(
        ProgrammeRound, on_delete=models.CASCADE, related_name="size_bands", verbose_name=_("round")
    )
    name = GuardedCharField(_("name"), max_length=100)
    min_capacities = models.DecimalField(_("from doctor capacities"), max_digits=4, decimal_places=1)
    max_capacities = models.DecimalField(
        _("below doctor capacities"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("size band")
        verbose_name_plural = _("size bands")
        ordering = ["min_capacities"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="sizeband_unique_in_round"),
            models.CheckConstraint(
                condition=Q(max_capacities__isnull=True) | Q(max_capacities__gt=models.F("min_capacities")),
                name="sizeband_range",
            ),
        ]

    def __str__(self):
        return self.name

    def contains(self, capacities) -> bool:
        return capacities >= self.min_capacities and (
            self.max_capacities is None or capacities < self.max_capacities
        )


class ReviewCriterion(models.Model):
    round = models.ForeignKey(
        ProgrammeRound, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round")
    )
    name = GuardedCharField(_("name"), max_length=150)
    description = GuardedTextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="criterion_unique_in_round")]

    def __str__(self):
        return self.name


class TermsVersion(models.Model):
    """The participation terms a selected practice accepts; the accepted version is kept."""

    round = models.ForeignKey(
        ProgrammeRound, on_delete=models.PROTECT, related_name="terms", verbose_name=_("round")
    )
    version = GuardedCharField(_("version"), max_length=20)
    text = GuardedTextField(_("terms"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("participation terms")
        verbose_name_plural = _("participation terms")
        constraints = [models.UniqueConstraint(fields=["round", "version"], name="terms_unique_version")]

    def __str__(self):
        return f"{self.round} v{self.version}"


class ProviderOrganisation(models.Model):
    """Who runs activities: MidtKraft, VID, the Deep End network, external providers."""

    name = GuardedCharField(_("name"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("activity provider")
        verbose_name_plural = _("activity providers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    PROJECT_LEADER = "project_leader", _("Project leader")
    STEERING = "steering", _("Steering group member")
    KEU = "keu", _("KEU secretariat")
    CONSULTANT = "consultant", _("Consultant")
    PROVIDER = "provider", _("Activity provider")
    EVALUATOR = "evaluator", _("Evaluator")


# Which scope each role is granted in. Checked by a database constraint too.
ROLE_SCOPE = {
    Role.PROJECT_LEADER: "round",
    Role.STEERING: "round",
    Role.CONSULTANT: "round",
    Role.EVALUATOR: "round",
    Role.KEU: "region",
    Role.PROVIDER: "provider",
}


def _scope_q(scope: str) -> Q:
    fields = {"round", "region", "provider"}
    q = Q(**{f"{scope}__isnull": False})
    for other in sorted(fields - {scope}):
        q &= Q(**{f"{other}__isnull": True})
    return q


class RoleGrant(models.Model):
    """One role of one user in one scope (a round, a region or a provider). A user may hold several.

    Acting for a practice is not a role here but a `practices.PracticeGrant`, so the core needs no app.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("login"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    round = models.ForeignKey(
        ProgrammeRound,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("round"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("region"),
    )
    provider = models.ForeignKey(
        ProviderOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("activity provider"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(role__in=[r for r, s in ROLE_SCOPE.items() if s == "round"]) & _scope_q("round"))
                    | (Q(role=Role.KEU) & _scope_q("region"))
                    | (Q(role=Role.PROVIDER) & _scope_q("provider"))
                ),
                name="rolegrant_scope_matches_role",
            ),
        ]

    def __str__(self):
        scope = self.round or self.region or self.provider
        return f"{self.user} · {self.get_role_display()} · {scope}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """One e-mail to one address, written in the same transaction as the change that causes it.

    pending -> sending (a lease: `claimed_at`) -> sent, only after the mail server accepted it; or
    back to pending with the error and a time to retry, and failed after the last attempt. A beat
    task re-queues pending messages and sending ones whose lease expired (their worker died), so a
    message is sent at least once, and as far as SMTP allows exactly once.
    """

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    # [{"filename": ..., "mimetype": ..., "content": base64}], e.g. an .ics invitation
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # A key that makes writing the same message twice a no-op (e.g. "registration:5:confirmed").
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    not_before = models.DateTimeField(_("send no earlier than"), default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "not_before"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claimed_at__isnull=False), name="outbox_sending_has_lease"
            ),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class FileJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def file_job_upload_to(job, filename: str) -> str:
    return f"filejobs/{job.pk}/{filename}"


class FileJob(models.Model):
    """A file made in the worker: a large export or a report ("a row with a status", ARCHITECTURE).

    The view writes the row (queued) and queues the task after commit. The task claims it with a
    conditional update: queued, or running with an expired lease (`claimed_until` in the past: its
    worker died) -> running with a new lease, attempts + 1. It renders the file with the function
    its kind registered (ligepraksis.registry.file_kind) and finishes with done and the file, or
    failed and the error, only while it still holds its lease. A beat task queues expired leases
    again. The page polls the row, never Celery. What each `kind` makes and who may see it is the
    registering app's business; the core imports no app (ligepraksis/filejobs.py).
    """

    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        "ligepraksis.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FileJobStatus.choices, default=FileJobStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to=file_job_upload_to, blank=True, max_length=300)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    claimed_until = models.DateTimeField(_("being made until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("file job")
        verbose_name_plural = _("file jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "claimed_until"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="running") | Q(claimed_until__isnull=False),
                name="filejob_running_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(finished_at__isnull=False), name="filejob_done_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (FileJobStatus.QUEUED, FileJobStatus.RUNNING)

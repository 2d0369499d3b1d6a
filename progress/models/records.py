"""What a participating practice records: the clinic module, the follow-up meeting, its own
intervention and the intervention's PDSA cycles (plan, do, study, act).

Everyone who acts for the practice may edit them, so each is `Versioned` (a second concurrent save is
told the record changed, ligepraksis/concurrency.py) and keeps its history (django-simple-history).
A row's own rules live in `clean()` (the services call `full_clean()` through `validate_or_refuse`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.concurrency import Versioned
from ligepraksis.cpr import GuardedCharField, GuardedTextField

__all__ = [
    "MAX_PARTICIPANTS",
    "ClinicModule",
    "FocusCategory",
    "FollowupMeeting",
    "Intervention",
    "PatientGroup",
    "PdsaCycle",
]

MAX_PARTICIPANTS = 200  # doctors or staff at one clinic module: more is a typing error


class _Choice(models.Model):
    """An entry of an editable list (project leaders keep them in the admin)."""

    name = GuardedCharField(_("name"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class PatientGroup(_Choice):
    class Meta(_Choice.Meta):
        verbose_name = _("vulnerable patient group")
        verbose_name_plural = _("vulnerable patient groups")


class FocusCategory(_Choice):
    class Meta(_Choice.Meta):
        verbose_name = _("focus category")
        verbose_name_plural = _("focus categories")


def _date_in_participation(participation, day, field: str) -> None:
    """A meeting is held between the day the participation began and today."""
    if day is None or participation is None:
        return
    if day < timezone.localdate(participation.accepted_at):
        raise ValidationError(
            {field: _("The date is before the practice's participation began.")}, code="before_start"
        )
    if day > timezone.localdate():
        raise ValidationError({field: _("The date is in the future.")}, code="in_future")


class ClinicModule(Versioned):
    participation = models.OneToOneField(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="clinic_module",
        verbose_name=_("participation"),
    )
    held_on = models.DateField(_("date held"))
    doctors = models.PositiveSmallIntegerField(
        _("doctors who took part"), validators=[MinValueValidator(0), MaxValueValidator(MAX_PARTICIPANTS)]
    )
    staff = models.PositiveSmallIntegerField(
        _("staff who took part"), validators=[MinValueValidator(0), MaxValueValidator(MAX_PARTICIPANTS)]
    )
    patient_group = models.ForeignKey(
        PatientGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vulnerable patient group"),
    )
    patient_group_text = GuardedCharField(
        _("the patient group in your own words"), max_length=300, blank=True
    )
    challenges = GuardedTextField(_("challenges discussed"), max_length=5000, blank=True)
    focus = models.ForeignKey(
        FocusCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("focus chosen"),
    )
    focus_text = GuardedCharField(_("the focus in your own words"), max_length=300, blank=True)
    history = HistoricalRecords(verbose_name=_("clinic module history"))

    class Meta:
        verbose_name = _("clinic module")
        verbose_name_plural = _("clinic modules")
        constraints = [
            models.CheckConstraint(
                condition=Q(doctors__lte=MAX_PARTICIPANTS) & Q(staff__lte=MAX_PARTICIPANTS),
                name="clinic_module_participants_sane",
            ),
        ]

    def __str__(self):
        return str(_("Clinic module"))

    def clean(self):
        super().clean()
        if self.participation_id:
            _date_in_participation(self.participation, self.held_on, "held_on")
        if not self.patient_group_id and not self.patient_group_text.strip():
            raise ValidationError(
                {"patient_group": _("Choose a vulnerable patient group or describe it in your own words.")}
            )


class FollowupMeeting(Versioned):
    """The 1-hour follow-up meeting in the practice after the clinic module."""

    participation = models.OneToOneField(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="followup_meeting",
        verbose_name=_("participation"),
    )
    held_on = models.DateField(_("date held"))
    participants = GuardedTextField(_("who took part"), max_length=2000)
    decisions = GuardedTextField(_("what was decided"), max_length=5000)
    history = HistoricalRecords(verbose_name=_("follow-up meeting history"))

    class Meta:
        verbose_name = _("follow-up meeting")
        verbose_name_plural = _("follow-up meetings")

    def __str__(self):
        return str(_("Follow-up meeting"))

    def clean(self):
        super().clean()
        if self.participation_id:
            _date_in_participation(self.participation, self.held_on, "held_on")


class Intervention(Versioned):
    """The practice's own intervention (egen indsats)."""

    participation = models.OneToOneField(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="intervention",
        verbose_name=_("participation"),
    )
    aims = GuardedTextField(_("aims"), max_length=5000)
    changes_planned = GuardedTextField(_("changes planned"), max_length=5000, blank=True)
    participants = GuardedTextField(_("who in the practice takes part"), max_length=2000, blank=True)
    history = HistoricalRecords(verbose_name=_("own intervention history"))

    class Meta:
        verbose_name = _("own intervention")
        verbose_name_plural = _("own interventions")

    def __str__(self):
        return str(_("Own intervention"))


class PdsaCycle(Versioned):
    """One Plan-Do-Study-Act cycle of the own intervention (003, chapter 8)."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("own intervention")
    )
    plan_on = models.DateField(_("planned on"))
    plan = GuardedTextField(_("plan: what will be tried"), max_length=5000)
    do_on = models.DateField(_("tried on"), null=True, blank=True)
    do = GuardedTextField(_("do: what was tried"), max_length=5000, blank=True)
    study_on = models.DateField(_("studied on"), null=True, blank=True)
    study = GuardedTextField(_("study: what was learned"), max_length=5000, blank=True)
    act_on = models.DateField(_("acted on"), null=True, blank=True)
    act = GuardedTextField(_("act: what happens next"), max_length=5000, blank=True)
    measure = GuardedCharField(_("measure"), max_length=200, blank=True)
    measure_before = models.DecimalField(
        _("number before"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    measure_after = models.DecimalField(
        _("number after"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords(verbose_name=_("PDSA cycle history"))

    class Meta:
        verbose_name = _("PDSA cycle")
        verbose_name_plural = _("PDSA cycles")
        ordering = ["plan_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(study_on__isnull=True) | Q(study_on__gte=models.F("plan_on")),
                name="pdsa_study_not_before_plan",
            ),
            models.CheckConstraint(
                condition=Q(do_on__isnull=True) | Q(do_on__gte=models.F("plan_on")),
                name="pdsa_do_not_before_plan",
            ),
            models.CheckConstraint(
                condition=Q(act_on__isnull=True) | Q(act_on__gte=models.F("plan_on")),
                name="pdsa_act_not_before_plan",
            ),
        ]

    def __str__(self):
        return self.plan[:60]

    def clean(self):
        super().clean()
        if self.plan_on is None:
            return
        for field in ("do_on", "study_on", "act_on"):
            day = getattr(self, field)
            if day is not None and day < self.plan_on:
                raise ValidationError({field: _("The date is before the plan date.")}, code="before_plan")
        if (self.measure_before is not None or self.measure_after is not None) and not self.measure.strip():
            raise ValidationError({"measure": _("Name the measure the numbers are of.")})

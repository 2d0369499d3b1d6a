"""Questionnaires before and after the programme, their invitations and the answers.

An anonymous questionnaire keeps no link from an answer to a practice or a person: the invitation
records only that it was answered (for the reminder and to refuse a second answer), and the response
has no invitation, no practice, no time finer than the day and a random key (UUID), so nothing joins
back by order or time. Invitations, responses and answers therefore have no history rows (a history
row's time would tie the invitation's "answered" to the response) and answers have random keys too.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.cpr import GuardedCharField, GuardedTextField, validate_email_no_cpr

__all__ = ["Answer", "Invitation", "Phase", "Question", "QuestionKind", "Questionnaire", "Response"]

LIKERT_POINTS = 5


class Phase(models.TextChoices):
    BEFORE = "before", _("Before the programme")
    AFTER = "after", _("After the programme")
    MILESTONE = "milestone", _("When a milestone closes")


class Questionnaire(models.Model):
    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="questionnaires",
        verbose_name=_("round"),
    )
    title = GuardedCharField(_("title"), max_length=200)
    intro = GuardedTextField(_("introduction"), max_length=2000, blank=True)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    # Phase "milestone": sent to a practice's coordinators when its milestone of this template closes
    # (evaluation/services/questionnaires.py, on progress's `milestones_closed` signal).
    milestone = models.ForeignKey(
        "progress.MilestoneTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("milestone"),
    )
    anonymous = models.BooleanField(_("anonymous"), default=True)
    remind_after_days = models.PositiveSmallIntegerField(_("reminder after (days)"), default=7)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("historical questionnaire"))

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["round", "-created_at", "-pk"]
        constraints = [
            # A milestone for the phase "milestone", and only for it.
            models.CheckConstraint(
                condition=(Q(phase="milestone") & Q(milestone__isnull=False))
                | (~Q(phase="milestone") & Q(milestone__isnull=True)),
                name="evaluation_questionnaire_milestone_phase",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Scale 1-5")
    CHOICE = "choice", _("Single choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


class Question(models.Model):
    """One question. `options` holds one label a line: the five points of a Likert scale (1 first) or
    the choices of a single choice."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name=_("questionnaire")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = GuardedTextField(_("question"), max_length=500)
    options = GuardedTextField(_("options (one a line)"), max_length=2000, blank=True)
    minimum = models.IntegerField(_("smallest number"), null=True, blank=True)
    maximum = models.IntegerField(_("largest number"), null=True, blank=True)
    required = models.BooleanField(_("required"), default=True)
    history = HistoricalRecords(verbose_name=_("historical question"))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(minimum__lte=models.F("maximum")),
                name="evaluation_question_min_max",
            )
        ]

    def __str__(self):
        return self.text

    @property
    def labels(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class Invitation(models.Model):
    """A coordinator's personal link to one questionnaire. `answered` is all it records of the answer."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("questionnaire")
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="+", verbose_name=_("practice")
    )
    person = models.ForeignKey(
        "practices.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("e-mail"), validators=[validate_email_no_cpr])
    key = models.UUIDField(_("link key"), default=uuid.uuid4, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["questionnaire", "practice", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "email"], name="evaluation_invitation_unique")
        ]

    def __str__(self):
        return f"{self.questionnaire} · {self.email}"


class Response(models.Model):
    """One filled-in questionnaire. Anonymous: no invitation, no practice; always only the day."""

    id = models.UUIDField(_("key"), primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses", verbose_name=_("questionnaire")
    )
    answered_on = models.DateField(_("answered on"))
    # Only for a questionnaire that is not anonymous (set by the service, checked by a test).
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practice"),
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["questionnaire", "answered_on", "id"]  # ties by the random key, never by insertion

    def __str__(self):
        return f"{self.questionnaire} · {self.answered_on}"


class Answer(models.Model):
    id = models.UUIDField(_("key"), primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    number = models.IntegerField(_("number"), null=True, blank=True)  # Likert point, choice (1-based), number
    text = GuardedTextField(_("text"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="evaluation_answer_unique"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.number if self.number is not None else self.text[:40]}"

    def display(self) -> str:
        """The answer as the person chose it: the text, the point or choice with its label, the number."""
        if self.text:
            return self.text
        if self.number is None:
            return ""
        labels = self.question.labels
        if self.question.kind in (QuestionKind.LIKERT, QuestionKind.CHOICE) and 0 < self.number <= len(
            labels
        ):
            label = labels[self.number - 1]
            return f"{self.number} – {label}" if self.question.kind == QuestionKind.LIKERT else label
        return str(self.number)

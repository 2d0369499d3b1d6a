"""Interviews, each practice's evaluation of its own intervention (with consent to publish), the
postcards made from consenting evaluations, and the knowledge-sharing register.

- An **interview** is scheduled by an evaluator per participation; its notes are read by evaluators and
  project leaders of the round only (never a practice, the steering group, a public page or a report
  meant for others).
- A **practice evaluation** is written by the practice (one per participation): what worked, what did
  not, learning points and the example a postcard shows. `consent_given_at` set and `consent_withdrawn_at`
  empty means it may be published; withdrawing takes the postcard off the public page and out of
  later PDFs (`PracticeEvaluation.objects.published()` is the one rule).
- A **knowledge-sharing item** (article, KEU presentation, webinar, podcast, postcard) belongs to a
  participation, has a status, a date and a link, and may point at the evaluation hours the practice
  logged in finance/ (hours are logged there only; evaluation may import finance, not the other way).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ligepraksis.concurrency import Versioned
from ligepraksis.cpr import GuardedCharField, GuardedTextField, GuardedURLField

__all__ = [
    "Interview",
    "InterviewStatus",
    "KnowledgeItem",
    "KnowledgeKind",
    "KnowledgeStatus",
    "PracticeEvaluation",
]


class InterviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Interview(Versioned, models.Model):
    """An individual interview with a participating practice (DOMAIN.md, step 7)."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="interviews",
        verbose_name=_("participation"),
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    scheduled_at = models.DateTimeField(_("time"))
    place = GuardedCharField(_("place or video link"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.PLANNED
    )
    notes = GuardedTextField(_("notes"), max_length=20000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("historical interview"))

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["scheduled_at", "pk"]
        indexes = [models.Index(fields=["participation", "scheduled_at"])]

    def __str__(self):
        return f"{self.participation} · {self.scheduled_at:%Y-%m-%d}"


class PracticeEvaluationQuerySet(models.QuerySet):
    def consented(self):
        """Consent to publish given and not withdrawn (the steering group reads these)."""
        return self.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)

    def published(self):
        """The one rule for what may be shown publicly: consent given and not withdrawn, and the
        evaluation has learning points to show."""
        return self.consented().exclude(learning_points="")


class PracticeEvaluation(Versioned, models.Model):
    """The practice's own evaluation of its intervention, and its consent to publish it as a postcard."""

    participation = models.OneToOneField(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="evaluation",
        verbose_name=_("participation"),
    )
    example = GuardedTextField(_("our example (the postcard's text)"), max_length=1200, blank=True)
    what_worked = GuardedTextField(_("what worked"), max_length=4000, blank=True)
    what_did_not = GuardedTextField(_("what did not work"), max_length=4000, blank=True)
    learning_points = GuardedTextField(_("learning points"), max_length=2000, blank=True)
    recommendations = GuardedTextField(_("recommendations for wider use"), max_length=2000, blank=True)
    consent_given_at = models.DateTimeField(_("consent to publish given"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("historical practice evaluation"))

    objects = PracticeEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice evaluation")
        verbose_name_plural = _("practice evaluations")
        ordering = ["participation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_withdrawn_at__isnull=True) | Q(consent_given_at__isnull=False),
                name="evaluation_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return str(self.participation)

    @property
    def is_consented(self) -> bool:
        """The row's form of `PracticeEvaluationQuerySet.consented()`."""
        return bool(self.consent_given_at and not self.consent_withdrawn_at)

    @property
    def is_published(self) -> bool:
        """The row's form of `PracticeEvaluationQuerySet.published()`."""
        return self.is_consented and bool(self.learning_points)


class KnowledgeKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    KEU_PRESENTATION = "keu", _("Presentation at KEU")
    WEBINAR = "webinar", _("Webinar")
    PODCAST = "podcast", _("Podcast")
    POSTCARD = "postcard", _("Postcard")
    OTHER = "other", _("Other")


class KnowledgeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    PUBLISHED = "published", _("Published or held")
    DROPPED = "dropped", _("Dropped")


class KnowledgeItem(models.Model):
    """One piece of knowledge sharing by a practice: an article in Practicus or Månedsskrift for Almen
    Praksis, a KEU presentation, a webinar, a podcast, a postcard."""

    participation = models.ForeignKey(
        "applications.Participation",
        on_delete=models.CASCADE,
        related_name="knowledge_items",
        verbose_name=_("participation"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=KnowledgeKind.choices)
    title = GuardedCharField(_("title"), max_length=200)
    channel = GuardedCharField(_("where (journal, meeting, channel)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=KnowledgeStatus.choices, default=KnowledgeStatus.PLANNED
    )
    happens_on = models.DateField(_("date"), null=True, blank=True)
    link = GuardedURLField(_("link"), max_length=500, blank=True)
    hour_entries = models.ManyToManyField(
        "finance.EarningEntry",
        blank=True,
        related_name="+",
        verbose_name=_("evaluation hours logged for it"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("historical knowledge-sharing item"))

    class Meta:
        verbose_name = _("knowledge-sharing item")
        verbose_name_plural = _("knowledge-sharing items")
        ordering = ["-happens_on", "-pk"]
        indexes = [models.Index(fields=["participation", "kind"])]

    def __str__(self):
        return self.title

"""The programme's material: the playbook (drejebog) and the clinic module's material, uploaded by a
round's project leaders and downloadable by anyone without logging in once published (seed 000: the
clinic module stays open to every practice). Files are stored through Django's storage API
(`default_storage`), so a shared backend can serve several web processes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ligepraksis.cpr import GuardedCharField, GuardedTextField, validate_no_cpr_in_filename

MATERIAL_FILE_TYPES = ("pdf", "docx", "pptx")  # keys of ligepraksis.uploads.FILE_TYPES


class MaterialKind(models.TextChoices):
    PLAYBOOK = "playbook", _("Playbook")
    CLINIC_MODULE = "clinic_module", _("Clinic module")
    OTHER = "other", _("Other material")


class MaterialFileType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    PPTX = "pptx", "PPTX"


def material_path(instance, filename):
    """A random name under the round: never the uploader's name (it may say anything), never a clash."""
    return f"material/{instance.round_id}/{uuid.uuid4().hex}.{instance.file_type}"


class MaterialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Material(models.Model):
    round = models.ForeignKey(
        "ligepraksis.ProgrammeRound",
        on_delete=models.PROTECT,
        related_name="material",
        verbose_name=_("round"),
    )
    title = GuardedCharField(_("title"), max_length=200)
    description = GuardedTextField(_("description"), max_length=2000, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    file = models.FileField(
        _("file"), upload_to=material_path, max_length=200, validators=[validate_no_cpr_in_filename]
    )
    file_type = models.CharField(_("file type"), max_length=5, choices=MaterialFileType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    filename = GuardedCharField(_("file name"), max_length=200)
    published = models.BooleanField(_("published"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("material")
        ordering = ["kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(file_type__in=MaterialFileType.values), name="material_file_type"
            ),
        ]

    def __str__(self):
        return self.title


__all__ = ["MATERIAL_FILE_TYPES", "Material", "MaterialFileType", "MaterialKind", "material_path"]

"""The programme's material: upload (checked by content and size), change, unpublish and delete.

Files go through Django's storage API (the FileField's storage, `default_storage`), never the local
disk directly, so a shared storage backend can serve several web processes.
"""

from __future__ import annotations

import os

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ligepraksis import uploads
from ligepraksis.cpr import validate_no_cpr_in_filename
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.permissions import is_leader
from progress.models.material import MATERIAL_FILE_TYPES, Material

MAX_MATERIAL_BYTES = 25 * uploads.MB
TYPE_MESSAGE = _("The material must be a PDF, a Word document (DOCX) or a PowerPoint presentation (PPTX).")


def check_material_file(upload) -> str:
    """The file's type by content, or a DomainError (too large, wrong type, macros, wrong extension)."""
    return uploads.check_upload(
        upload,
        kinds=MATERIAL_FILE_TYPES,
        max_bytes=MAX_MATERIAL_BYTES,
        field="file",
        type_message=TYPE_MESSAGE,
    )


def _leader_only(user, round_obj) -> None:
    if not is_leader(user, round_obj):
        raise DomainError(_("Only the round's project leaders manage its material."), code="not_leader")


def material_upload(
    *, user, round_obj, upload, title: str, kind: str, description: str = "", published: bool = True
) -> Material:
    """Store a checked file with its title and kind; nothing is stored if anything is refused."""
    _leader_only(user, round_obj)
    if upload is None:
        raise DomainError(_("Choose a file."), field="file")
    file_type = check_material_file(upload)
    filename = os.path.basename((upload.name or "").replace("\\", "/")).strip() or f"materiale.{file_type}"
    try:
        validate_no_cpr_in_filename(filename)
    except Exception as exc:  # noqa: BLE001 - a ValidationError: the message names the rule
        raise DomainError(exc.messages[0], field="file", code="cpr") from exc
    material = Material(
        round=round_obj,
        title=title,
        description=description,
        kind=kind,
        file_type=file_type,
        size=upload.size,
        filename=filename[:200],
        published=published,
        uploaded_by=user,
    )
    validate_or_refuse(material, exclude=["file", "round", "uploaded_by"])
    with transaction.atomic():
        material.file.save(f"materiale.{file_type}", upload, save=False)  # upload_to names it
        try:
            material.save()
        except Exception:
            material.file.delete(save=False)
            raise
    return material


def material_update(
    *, user, material: Material, title: str, kind: str, description: str, published: bool
) -> Material:
    _leader_only(user, material.round)
    material.title, material.kind, material.description, material.published = (
        title,
        kind,
        description,
        published,
    )
    validate_or_refuse(material, exclude=["file", "round", "uploaded_by"])
    material.save(update_fields=["title", "kind", "description", "published", "updated_at"])
    return material


def material_delete(*, user, material: Material) -> None:
    """Delete the row, and its file once the deletion is committed."""
    _leader_only(user, material.round)
    name, storage = material.file.name, material.file.storage
    with transaction.atomic():
        Material.objects.filter(pk=material.pk).delete()
        transaction.on_commit(lambda: storage.delete(name) if name else None)

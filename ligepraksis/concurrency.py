"""Optimistic concurrency for records several people edit (a practice's coordinators and the
colleagues they gave a login): the one mechanism for "when two save the same record at once, the
second is told it changed and nothing is overwritten".

A model inherits `Versioned` (a `version` counter); its form carries the version it was shown as a
hidden field (`VersionField`); the service calls `save_versioned(obj, version=..., changes=...)`,
which locks the row, refuses with a DomainError (code "changed") when the stored version is no
longer the one the person saw, and otherwise applies the changes, validates, raises the version and
saves through the model's `save()` (so an audit history, if the model keeps one, records it).
"""

from __future__ import annotations

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from ligepraksis.errors import DomainError, validate_or_refuse


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class VersionField(forms.IntegerField):
    """The version the person saw, sent back with the form."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


CHANGED_MESSAGE = _(
    "Someone else saved this record after you opened it. Nothing of yours was saved: "
    "open it again to see their changes, then make yours."
)


def save_versioned(obj: Versioned, *, version: int | None, changes: dict, exclude=None) -> Versioned:
    """Apply `changes` to the stored row of `obj` if it is still at `version`; returns the saved row.

    Runs in a transaction and locks the row, so two saves of the same version cannot both pass.
    """
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        if version is None or current.version != version:
            raise DomainError(CHANGED_MESSAGE, code="changed")
        for name, value in changes.items():
            setattr(current, name, value)
        validate_or_refuse(current, exclude=exclude)
        current.version = current.version + 1
        current.save()
    return current

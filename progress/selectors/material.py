"""Reads of the programme's material."""

from __future__ import annotations

from progress.models.material import Material


def published_material(*, kind: str = ""):
    qs = Material.objects.published().select_related("round")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "title", "pk")


def round_material(round_obj):
    return Material.objects.filter(round=round_obj).order_by("kind", "title", "pk")

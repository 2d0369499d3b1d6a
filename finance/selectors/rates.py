"""Reads of the rates."""

from __future__ import annotations

from finance.models import Rate


def rates_by_region_year(region_ids) -> dict[tuple[int, int], Rate]:
    """Every rate of the regions, by (region id, year), in one query."""
    return {(r.region_id, r.year): r for r in Rate.objects.filter(region_id__in=set(region_ids))}


def region_rates(region):
    return Rate.objects.filter(region=region).order_by("-year")

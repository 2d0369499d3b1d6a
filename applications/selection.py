"""Balanced selection of practices for a limited number of places.

Pure Python on purpose (no Django imports): the Django layer turns applications into
:class:`Candidate` objects, calls :func:`suggest_balanced_selection` and translates the
machine-readable :class:`Reason` codes of the result into user-facing text.

Objective
---------
Choose ``places`` candidates (all of them when there are fewer; never fewer than the fixed
ones) that, compared lexicographically:

1. cover the largest number of defined groups, counted over all dimensions together
   (e.g. 3 areas + 2 forms + 1 size band = 6 groups);
2. among those, have the largest total score (equivalently the largest mean, since the
   number of picks is the same for every admissible selection);
3. deterministic tie-break: candidates are *ranked* by score (descending; an unscored
   candidate counts as 0 and ranks after a real 0) and then by their position in the input
   sequence. Among equally good selections the one whose sorted tuple of ranks is
   lexicographically smallest wins, i.e. the one containing the best-ranked candidate on
   which they differ. Pass the candidates in a stable order (e.g. by primary key) to get
   reproducible suggestions.

Fixed candidates (already selected/accepted) are always part of the result and use up places.

Scores are compared exactly: ``Decimal``, ``int`` and ``Fraction`` values are used as they
are and floats through their shortest decimal representation (``0.1`` means
``Decimal("0.1")``), so ``0.1 + 0.2`` ties with ``0.3``. ``None`` (not scored yet) counts as 0.

Algorithm
---------
Exact dynamic programming over the non-fixed candidates in rank order, with the state
``(number chosen, bitmask of covered groups) -> best key``. Every candidate covers at most one
group per dimension, so the number of reachable masks stays small. The key packs the total
score and the tie-break into a single integer: ``score * 2**m + sum(2**(m - 1 - rank))`` (``m``
non-fixed candidates, scores scaled to integers), so the best key per state already encodes
the chosen set and no parent pointers are needed. States are pruned (branch and bound) when an
upper bound on what they can still reach is strictly worse than a known feasible selection
(greedy first, then improved by any completed state). Pruning never removes an optimal state,
so the result is exact; :func:`brute_force_selection` implements the same objective naively
and is used by the tests to check this.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "REASON_FIXED",
    "REASON_ONLY_COVER",
    "REASON_TOP_SCORE",
    "Candidate",
    "Pick",
    "Reason",
    "Suggestion",
    "brute_force_selection",
    "coverage",
    "suggest_balanced_selection",
]

#: The candidate was already selected/accepted and is always part of the suggestion.
REASON_FIXED = "fixed"
#: The pick is the only one in the suggestion covering ``dimension``/``group``.
REASON_ONLY_COVER = "only_cover"
#: The pick is not needed for coverage; it is in because its score is among the best
#: of the remaining candidates.
REASON_TOP_SCORE = "top_score"


@dataclass(frozen=True)
class Reason:
    """Machine-readable reason why a candidate is in a suggestion (see ``REASON_*``)."""

    code: str
    dimension: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One applying practice.

    ``groups`` maps dimension -> group name, e.g. ``{"area": "Vest", "form": "solo"}``.
    Groups (or dimensions) that the round does not define are ignored for coverage.
    ``groups`` is excluded from hashing so a candidate is hashable when its key is.
    """

    key: object
    label: str
    score: Decimal | None
    groups: Mapping[str, str] = field(hash=False)
    fixed: bool = False


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Suggestion:
    #: Fixed picks first, then the others; each part by score descending (ties: input order).
    picks: tuple[Pick, ...]
    #: dimension -> covered groups (in the order the round defines them).
    covered: dict[str, tuple[str, ...]]
    #: dimension -> defined groups not covered by the suggestion.
    uncovered: dict[str, tuple[str, ...]]
    #: dimension -> defined groups no candidate at all belongs to (subset of ``uncovered``).
    uncoverable: dict[str, tuple[str, ...]]
    #: Sum of the pick scores (unscored picks count as 0).
    total_score: Decimal
    #: ``total_score / len(picks)``; ``None`` when nothing is picked.
    mean_score: Decimal | None

    @property
    def covered_count(self) -> int:
        return sum(len(groups) for groups in self.covered.values())


# --------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------


def coverage(
    candidates: Iterable[Candidate], dimensions: Mapping[str, Sequence[str]]
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Return ``(covered, missing)``: per dimension the defined groups that at least one of
    ``candidates`` belongs to, and the defined groups none of them belongs to. Both keep the
    order of ``dimensions``; groups that are not defined there are ignored."""
    dims = _normalise_dimensions(dimensions)
    present: dict[str, set[str]] = {dim: set() for dim in dims}
    for candidate in candidates:
        for dim, groups in dims.items():
            group = candidate.groups.get(dim)
            if group in groups:
                present[dim].add(group)
    covered = {dim: tuple(g for g in groups if g in present[dim]) for dim, groups in dims.items()}
    missing = {dim: tuple(g for g in groups if g not in present[dim]) for dim, groups in dims.items()}
    return covered, missing


def suggest_balanced_selection(
    candidates: Sequence[Candidate], *, places: int, dimensions: Mapping[str, Sequence[str]]
) -> Suggestion:
    """Exact balanced selection (see the module docstring for the objective)."""
    problem = _Problem(candidates, places, dimensions)
    return problem.build(_optimal_ranks(problem))


def brute_force_selection(
    candidates: Sequence[Candidate], *, places: int, dimensions: Mapping[str, Sequence[str]]
) -> Suggestion:
    """Same objective as :func:`suggest_balanced_selection`, by trying every combination.

    Exponential: for tests and tiny inputs only.
    """
    problem = _Problem(candidates, places, dimensions)
    best_key = None
    best_ranks: tuple[int, ...] = ()
    for ranks in itertools.combinations(range(len(problem.free)), problem.need):
        mask = problem.base_mask
        for rank in ranks:
            mask |= problem.free[rank].mask
        score = sum((problem.free[rank].value for rank in ranks), Fraction(0))
        # combinations() yields sorted tuples; negating makes "lexicographically smallest" win max().
        key = (mask.bit_count(), score, tuple(-rank for rank in ranks))
        if best_key is None or key > best_key:
            best_key, best_ranks = key, ranks
    return problem.build(best_ranks)


# --------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------


def _normalise_dimensions(dimensions: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    # Drop duplicate group names, keep the defined order.
    return {dim: tuple(dict.fromkeys(groups)) for dim, groups in dimensions.items()}


def _exact(score: object) -> Fraction:
    if score is None:
        return Fraction(0)
    if isinstance(score, float):
        score = Decimal(repr(score))
    if isinstance(score, Decimal):
        if not score.is_finite():
            raise ValueError(f"score must be finite, got {score!r}")
        return Fraction(score)
    if isinstance(score, (int, Fraction)):
        return Fraction(score)
    raise TypeError(f"unsupported score type: {type(score).__name__}")


def _to_decimal(value: Fraction) -> Decimal:
    """Exact when the denominator only has the prime factors 2 and 5 (always the case for
    Decimal/float/int scores); otherwise rounded to the current decimal context."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return Decimal(value.numerator) / Decimal(value.denominator)
    digits = max(twos, fives)
    # String construction is exact (arithmetic such as scaleb() would round to the context).
    return Decimal(f"{value.numerator * 10**digits // value.denominator}E-{digits}")


@dataclass(frozen=True)
class _Item:
    candidate: Candidate
    position: int  # index in the input sequence
    value: Fraction  # exact score, None -> 0
    mask: int  # bits of the defined groups this candidate belongs to

    @property
    def rank_key(self) -> tuple:
        return (-self.value, self.candidate.score is None, self.position)


class _Problem:
    """Validated, normalised input shared by the DP, the brute force and the result builder."""

    def __init__(
        self, candidates: Sequence[Candidate], places: int, dimensions: Mapping[str, Sequence[str]]
    ) -> None:
        if places < 0:
            raise ValueError(f"places must be >= 0, got {places}")
        candidates = list(candidates)
        keys = [candidate.key for candidate in candidates]
        if len(set(keys)) != len(keys):
            raise ValueError("candidate keys must be unique")

        self.dims = _normalise_dimensions(dimensions)
        self.bits: list[tuple[str, str]] = [(dim, g) for dim, groups in self.dims.items() for g in groups]
        bit_of = {dim_group: i for i, dim_group in enumerate(self.bits)}
        self.dim_masks: list[int] = []
        for dim, groups in self.dims.items():
            dim_mask = 0
            for group in groups:
                dim_mask |= 1 << bit_of[(dim, group)]
            self.dim_masks.append(dim_mask)

        items = []
        for position, candidate in enumerate(candidates):
            mask = 0
            for dim in self.dims:
                bit = bit_of.get((dim, candidate.groups.get(dim)))
                if bit is not None:
                    mask |= 1 << bit
            items.append(_Item(candidate, position, _exact(candidate.score), mask))
        items.sort(key=lambda item: item.rank_key)
        self.all_items = items
        self.fixed = [item for item in items if item.candidate.fixed]
        self.free = [item for item in items if not item.candidate.fixed]  # index == rank

        target = min(places, len(items))
        self.need = max(0, target - len(self.fixed))  # how many non-fixed candidates to choose
        self.base_mask = 0
        for item in self.fixed:
            self.base_mask |= item.mask

    def build(self, ranks: Iterable[int]) -> Suggestion:
        chosen = self.fixed + [self.free[rank] for rank in sorted(ranks)]
        covered, uncovered = coverage((item.candidate for item in chosen), self.dims)
        _, uncoverable = coverage((item.candidate for item in self.all_items), self.dims)

        coverers: dict[int, list[int]] = {}
        for index, item in enumerate(chosen):
            for bit in range(len(self.bits)):
                if item.mask >> bit & 1:
                    coverers.setdefault(bit, []).append(index)
        picks = []
        for index, item in enumerate(chosen):
            reasons = []
            if item.candidate.fixed:
                reasons.append(Reason(REASON_FIXED))
            for bit, (dim, group) in enumerate(self.bits):
                if coverers.get(bit) == [index]:
                    reasons.append(Reason(REASON_ONLY_COVER, dim, group))
            if not reasons:
                reasons.append(Reason(REASON_TOP_SCORE))
            picks.append(Pick(item.candidate, tuple(reasons)))

        total = _to_decimal(sum((item.value for item in chosen), Fraction(0)))
        mean = total / len(chosen) if chosen else None
        return Suggestion(
            picks=tuple(picks),
            covered=covered,
            uncovered=uncovered,
            uncoverable=uncoverable,
            total_score=total,
            mean_score=mean,
        )


def _optimal_ranks(problem: _Problem) -> list[int]:
    """Ranks (indices into ``problem.free``) of the optimal non-fixed picks."""
    free, need = problem.free, problem.need
    m = len(free)
    if need == 0:
        return []
    if need >= m:
        return list(range(m))

    # Integer scores: scale every exact score by the common denominator.
    scale = math.lcm(*(item.value.denominator for item in free))
    masks = [item.mask for item in free]
    # Key increment of a rank: its scaled score above the tie-break bits, plus its tie-break bit.
    incs = [int(item.value * scale) * (1 << m) + (1 << (m - 1 - rank)) for rank, item in enumerate(free)]
    # prefix[s + t] - prefix[s]: best key gain from t picks among ranks >= s (ranks are sorted
    # by score, and the earliest ranks also carry the largest tie-break bits).
    prefix = [0, *itertools.accumulate(incs)]
    suffix_union = [0] * (m + 1)
    for rank in range(m - 1, -1, -1):
        suffix_union[rank] = suffix_union[rank + 1] | masks[rank]
    dim_masks = problem.dim_masks
    tie_bits = (1 << m) - 1

    def coverage_bound(mask: int, start: int, todo: int) -> int:
        # Per dimension: cannot exceed what the remaining candidates offer, nor one new group per pick.
        reachable = mask | suffix_union[start]
        return sum(min((reachable & dm).bit_count(), (mask & dm).bit_count() + todo) for dm in dim_masks)

    # Lower bound: the better of "greedy coverage, ties by rank" and "best ranks".
    best_cov, best_key = _greedy_bound(masks, incs, need, problem.base_mask)
    top_mask = problem.base_mask
    for rank in range(need):
        top_mask |= masks[rank]
    best_cov, best_key = max((best_cov, best_key), (top_mask.bit_count(), prefix[need]))
    found: int | None = None  # key of the best completed state found by the DP

    def viable(count: int, mask: int, key: int, start: int) -> bool:
        todo = need - count
        if todo > m - start:
            return False
        cov = coverage_bound(mask, start, todo)
        if cov != best_cov:
            return cov > best_cov
        return key + prefix[start + todo] - prefix[start] >= best_key

    # layers[c]: mask -> best key over states with c non-fixed picks; completed states
    # (c == need) are not stored, only compared with the best so far.
    layers: list[dict[int, int]] = [{problem.base_mask: 0}] + [{} for _ in range(need - 1)]
    for rank in range(m):
        start = rank + 1
        inc, cand_mask = incs[rank], masks[rank]
        for count in range(min(rank, need - 1), -1, -1):
            survivors: dict[int, int] = {}
            target = layers[count + 1] if count + 1 < need else None
            for mask, key in layers[count].items():
                # Take the candidate.
                new_mask, new_key = mask | cand_mask, key + inc
                if target is None:
                    candidate_best = (new_mask.bit_count(), new_key)
                    if candidate_best >= (best_cov, best_key):
                        best_cov, best_key = candidate_best
                        found = new_key
                elif new_key > target.get(new_mask, new_key - 1) and viable(
                    count + 1, new_mask, new_key, start
                ):
                    target[new_mask] = new_key
                # Skip it: keep the state if it can still lead somewhere useful.
                if viable(count, mask, key, start):
                    survivors[mask] = key
            layers[count] = survivors

    assert found is not None, "the optimum is never pruned"
    chosen_bits = found & tie_bits
    return [rank for rank in range(m) if chosen_bits >> (m - 1 - rank) & 1]


def _greedy_bound(masks: list[int], incs: list[int], need: int, base_mask: int) -> tuple[int, int]:
    """A feasible selection: repeatedly take the candidate adding most new groups (ties by rank)."""
    mask, key = base_mask, 0
    taken: set[int] = set()
    for _ in range(need):
        best_rank, best_gain = -1, -1
        for rank, cand_mask in enumerate(masks):
            if rank not in taken:
                gain = (cand_mask & ~mask).bit_count()
                if gain > best_gain:
                    best_rank, best_gain = rank, gain
        taken.add(best_rank)
        mask |= masks[best_rank]
        key += incs[best_rank]
    return mask.bit_count(), key

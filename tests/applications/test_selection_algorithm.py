"""Tests for the pure-Python balanced selection algorithm (no Django, no database)."""

import random
from decimal import Decimal

import pytest

from applications.selection import (
    REASON_FIXED,
    REASON_ONLY_COVER,
    REASON_TOP_SCORE,
    Candidate,
    Reason,
    brute_force_selection,
    coverage,
    suggest_balanced_selection,
)

DIMENSIONS = {
    "area": ["North", "South", "East"],
    "form": ["solo", "group", "network"],
    "size": ["small", "large"],
}


def cand(key, score, area, form, size, fixed=False):
    if score is not None and not isinstance(score, Decimal):
        score = Decimal(str(score))
    return Candidate(
        key=key,
        label=f"Practice {key}",
        score=score,
        groups={"area": area, "form": form, "size": size},
        fixed=fixed,
    )


def keys(suggestion):
    return [pick.candidate.key for pick in suggestion.picks]


def covered_count(candidates, dimensions):
    covered, _ = coverage(candidates, dimensions)
    return sum(len(groups) for groups in covered.values())


def total(candidates):
    return sum((c.score or Decimal(0) for c in candidates), Decimal(0))


def random_candidates(rng, n, dimensions, fixed_probability=0.0):
    candidates = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.1:
            score = None
        elif roll < 0.3:
            score = Decimal(rng.randint(1, 4))  # coarse scores -> plenty of ties
        else:
            score = Decimal(rng.randint(100, 500)) / 100
        groups = {dim: rng.choice(list(groups)) for dim, groups in dimensions.items()}
        if rng.random() < 0.05:
            groups["area"] = "Atlantis"  # not a defined group: ignored for coverage
        candidates.append(
            Candidate(
                key=i, label=f"P{i}", score=score, groups=groups, fixed=rng.random() < fixed_probability
            )
        )
    return candidates


def assert_valid(suggestion, candidates, places, dimensions):
    """Structural invariants every suggestion must satisfy."""
    picked = [pick.candidate for pick in suggestion.picks]
    fixed = [c for c in candidates if c.fixed]
    assert len({c.key for c in picked}) == len(picked)
    assert len(picked) == max(len(fixed), min(places, len(candidates)))
    assert all(c in picked for c in fixed)
    # Fixed first, then the rest; each part by score descending.
    flags = [c.fixed for c in picked]
    assert flags == sorted(flags, reverse=True)
    for part in (picked[: len(fixed)], picked[len(fixed) :]):
        scores = [c.score or Decimal(0) for c in part]
        assert scores == sorted(scores, reverse=True)
    covered, missing = coverage(picked, dimensions)
    assert suggestion.covered == covered
    assert suggestion.uncovered == missing
    assert suggestion.total_score == total(picked)
    for pick in suggestion.picks:
        assert pick.reasons
        assert (Reason(REASON_FIXED) in pick.reasons) == pick.candidate.fixed


# --- exactness --------------------------------------------------------------------------


def test_matches_brute_force_on_random_small_cases():
    rng = random.Random(20240601)
    for _ in range(200):
        dimensions = {
            dim: [f"{dim}{i}" for i in range(rng.randint(2, 3))] for dim in ("area", "form", "size")
        }
        candidates = random_candidates(rng, rng.randint(5, 10), dimensions, fixed_probability=0.15)
        places = rng.randint(2, 5)

        fast = suggest_balanced_selection(candidates, places=places, dimensions=dimensions)
        slow = brute_force_selection(candidates, places=places, dimensions=dimensions)

        assert (fast.covered_count, fast.total_score) == (slow.covered_count, slow.total_score)
        # Same deterministic tie-break, so even the chosen set must be identical.
        assert keys(fast) == keys(slow)
        assert_valid(fast, candidates, places, dimensions)


def test_matches_brute_force_on_medium_cases():
    rng = random.Random(7)
    for _ in range(10):
        dimensions = {
            "area": ["a0", "a1", "a2", "a3", "a4"],
            "form": ["f0", "f1", "f2"],
            "size": ["s0", "s1", "s2"],
        }
        candidates = random_candidates(rng, 15, dimensions, fixed_probability=0.1)
        places = rng.randint(4, 7)
        fast = suggest_balanced_selection(candidates, places=places, dimensions=dimensions)
        slow = brute_force_selection(candidates, places=places, dimensions=dimensions)
        assert keys(fast) == keys(slow)


def greedy_by_score_then_coverage(candidates, places, dimensions):
    """The naive approach: take the best score, then repeatedly the candidate adding most
    uncovered groups (ties: higher score)."""
    chosen = [max(candidates, key=lambda c: c.score)]
    while len(chosen) < places:
        rest = [c for c in candidates if c not in chosen]
        already = covered_count(chosen, dimensions)
        chosen.append(max(rest, key=lambda c: (covered_count([*chosen, c], dimensions) - already, c.score)))
    return chosen


def test_beats_greedy_by_score_then_coverage():
    candidates = [
        cand("t1", 9.0, "North", "group", "small"),  # best score, but a dead end for coverage
        cand("t2", 3.0, "South", "network", "large"),  # greedy's best coverage follow-up
        cand("o1", 6.0, "North", "solo", "small"),
        cand("o2", 5.0, "South", "group", "large"),
        cand("o3", 4.0, "East", "network", "small"),
    ]
    places = 3

    greedy = greedy_by_score_then_coverage(candidates, places, DIMENSIONS)
    top_scores = sorted(candidates, key=lambda c: c.score, reverse=True)[:places]
    optimum = [candidates[2], candidates[3], candidates[4]]
    best = (covered_count(optimum, DIMENSIONS), total(optimum))
    assert best == (8, Decimal("15.0"))  # every defined group
    for naive in (greedy, top_scores):
        assert (covered_count(naive, DIMENSIONS), total(naive)) < best

    suggestion = suggest_balanced_selection(candidates, places=places, dimensions=DIMENSIONS)
    assert keys(suggestion) == ["o1", "o2", "o3"]
    assert suggestion.covered_count == 8
    assert suggestion.total_score == Decimal("15.0")
    assert suggestion.mean_score == Decimal(5)
    assert suggestion.uncovered == {"area": (), "form": (), "size": ()}


def test_prefers_higher_total_score_when_coverage_ties():
    candidates = [
        cand(1, 4.0, "North", "solo", "small"),
        cand(2, 3.0, "South", "group", "large"),
        cand(3, 2.0, "South", "group", "large"),  # same groups as 2, lower score
        cand(4, 1.0, "East", "network", "small"),
    ]
    suggestion = suggest_balanced_selection(candidates, places=3, dimensions=DIMENSIONS)
    assert keys(suggestion) == [1, 2, 4]


def test_runs_on_realistic_size():
    rng = random.Random(12345)
    dimensions = {
        "area": ["a0", "a1", "a2", "a3", "a4"],
        "form": ["f0", "f1", "f2", "f3"],
        "size": ["s0", "s1", "s2", "s3"],
    }
    for _ in range(3):
        candidates = random_candidates(rng, 60, dimensions, fixed_probability=0.05)
        suggestion = suggest_balanced_selection(candidates, places=12, dimensions=dimensions)
        assert_valid(suggestion, candidates, 12, dimensions)
        greedy = greedy_by_score_then_coverage([c for c in candidates if c.score is not None], 12, dimensions)
        assert suggestion.covered_count >= covered_count(greedy, dimensions)


# --- coverage reporting -----------------------------------------------------------------


def test_uncoverable_groups_are_named():
    dimensions = {**DIMENSIONS, "area": ["North", "South", "East", "West"]}
    candidates = [
        cand(1, 4.0, "North", "solo", "small"),
        cand(2, 3.0, "South", "group", "small"),
        cand(3, 2.0, "East", "group", "small"),
    ]
    suggestion = suggest_balanced_selection(candidates, places=2, dimensions=dimensions)
    assert suggestion.uncoverable == {"area": ("West",), "form": ("network",), "size": ("large",)}
    assert suggestion.uncovered == {"area": ("East", "West"), "form": ("network",), "size": ("large",)}
    assert suggestion.covered == {"area": ("North", "South"), "form": ("solo", "group"), "size": ("small",)}


def test_groups_outside_the_round_definition_are_ignored():
    candidates = [
        cand(1, 5.0, "Atlantis", "solo", "small"),  # unknown area covers nothing there
        cand(2, 1.0, "North", "solo", "small"),
    ]
    suggestion = suggest_balanced_selection(candidates, places=1, dimensions=DIMENSIONS)
    assert keys(suggestion) == [2]
    assert suggestion.covered["area"] == ("North",)
    covered, missing = coverage(candidates, DIMENSIONS)
    assert covered["area"] == ("North",)
    assert missing["area"] == ("South", "East")


def test_unscored_candidate_counts_as_zero_but_stays_eligible():
    candidates = [
        cand(1, 4.0, "North", "solo", "small"),
        cand(2, 3.0, "North", "solo", "small"),
        cand(3, None, "South", "group", "large"),  # not scored yet, but the only one in South
    ]
    suggestion = suggest_balanced_selection(candidates, places=2, dimensions=DIMENSIONS)
    assert keys(suggestion) == [1, 3]
    assert suggestion.total_score == Decimal("4.0")
    assert suggestion.mean_score == Decimal("2")


def test_scores_are_compared_exactly():
    # Only {1, 4} and {2, 3} cover all four groups. As floats 0.2 + 0.1 > 0.3 + 0.0; exactly
    # they tie, and the tie-break (set containing the best-ranked candidate) picks {1, 4}.
    candidates = [
        Candidate(1, "a", 0.3, {"area": "North", "form": "x"}),
        Candidate(2, "b", 0.2, {"area": "North", "form": "y"}),
        Candidate(3, "c", 0.1, {"area": "South", "form": "x"}),
        Candidate(4, "d", 0.0, {"area": "South", "form": "y"}),
    ]
    assert 0.2 + 0.1 > 0.3 + 0.0
    dimensions = {"area": ["North", "South"], "form": ["x", "y"]}
    suggestion = suggest_balanced_selection(candidates, places=2, dimensions=dimensions)
    assert keys(suggestion) == [1, 4]
    assert suggestion.total_score == Decimal("0.3")
    assert keys(brute_force_selection(candidates, places=2, dimensions=dimensions)) == [1, 4]


def test_ties_are_broken_by_input_order():
    candidates = [Candidate(k, k, Decimal("3.5"), {"area": "North"}) for k in ("d", "b", "a", "c")]
    suggestion = suggest_balanced_selection(candidates, places=2, dimensions={"area": ["North"]})
    assert keys(suggestion) == ["d", "b"]
    assert keys(suggestion) == keys(
        brute_force_selection(candidates, places=2, dimensions={"area": ["North"]})
    )


# --- fixed candidates, sizes and edge cases ---------------------------------------------


def test_fixed_candidates_are_always_included():
    candidates = [
        cand(1, 5.0, "North", "solo", "small"),
        cand(2, 4.0, "South", "group", "large"),
        cand(3, 3.0, "East", "network", "small"),
        cand(4, 1.0, "North", "solo", "small", fixed=True),  # low score, adds nothing new
    ]
    suggestion = suggest_balanced_selection(candidates, places=3, dimensions=DIMENSIONS)
    assert keys(suggestion) == [4, 2, 3]  # fixed first; 2 and 3 are needed for South/East
    assert suggestion.picks[0].reasons == (
        Reason(REASON_FIXED),
        Reason(REASON_ONLY_COVER, "area", "North"),
        Reason(REASON_ONLY_COVER, "form", "solo"),
    )
    assert_valid(suggestion, candidates, 3, DIMENSIONS)


def test_places_not_above_fixed_count_returns_fixed_only():
    candidates = [
        cand(1, 5.0, "North", "solo", "small"),
        cand(2, 2.0, "South", "group", "large", fixed=True),
        cand(3, 3.0, "East", "network", "small", fixed=True),
    ]
    for places in (0, 1, 2):
        suggestion = suggest_balanced_selection(candidates, places=places, dimensions=DIMENSIONS)
        assert keys(suggestion) == [3, 2]
        assert all(pick.candidate.fixed for pick in suggestion.picks)


def test_fewer_candidates_than_places_returns_all():
    candidates = [
        cand(1, 2.0, "North", "solo", "small"),
        cand(2, 4.0, "North", "solo", "small"),
        cand(3, None, "South", "group", "small", fixed=True),
    ]
    suggestion = suggest_balanced_selection(candidates, places=12, dimensions=DIMENSIONS)
    assert keys(suggestion) == [3, 2, 1]
    assert suggestion.total_score == Decimal("6.0")
    assert suggestion.mean_score == Decimal(2)


def test_empty_input():
    suggestion = suggest_balanced_selection([], places=12, dimensions=DIMENSIONS)
    assert suggestion.picks == ()
    assert suggestion.total_score == 0
    assert suggestion.mean_score is None
    assert suggestion.covered == {"area": (), "form": (), "size": ()}
    expected = {dim: tuple(groups) for dim, groups in DIMENSIONS.items()}
    assert suggestion.uncovered == expected
    assert suggestion.uncoverable == expected


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError):
        suggest_balanced_selection([cand(1, 1, "North", "solo", "small")], places=-1, dimensions=DIMENSIONS)
    with pytest.raises(ValueError):
        suggest_balanced_selection(
            [cand(1, 1, "North", "solo", "small"), cand(1, 2, "South", "solo", "small")],
            places=1,
            dimensions=DIMENSIONS,
        )


# --- reasons -----------------------------------------------------------------------------


def test_reasons_on_small_case():
    candidates = [
        cand("F", 2.0, "North", "solo", "small", fixed=True),
        cand("A", 5.0, "North", "group", "small"),  # best score, covers nothing alone
        cand("B", 4.5, "North", "group", "small"),  # not picked
        cand("S", 1.0, "South", "network", "large"),  # the only South/network/large
        cand("E", 0.5, "East", "solo", "small"),  # the only East
    ]
    suggestion = suggest_balanced_selection(candidates, places=4, dimensions=DIMENSIONS)
    reasons = {pick.candidate.key: pick.reasons for pick in suggestion.picks}
    assert keys(suggestion) == ["F", "A", "S", "E"]  # by score after the fixed ones
    assert reasons == {
        # North and small are shared with A/E, solo with E: nothing covered only by F.
        "F": (Reason(REASON_FIXED),),
        "A": (Reason(REASON_ONLY_COVER, "form", "group"),),
        "S": (
            Reason(REASON_ONLY_COVER, "area", "South"),
            Reason(REASON_ONLY_COVER, "form", "network"),
            Reason(REASON_ONLY_COVER, "size", "large"),
        ),
        "E": (Reason(REASON_ONLY_COVER, "area", "East"),),
    }


def test_top_score_reason_for_picks_not_needed_for_coverage():
    candidates = [
        cand(1, 5.0, "North", "solo", "small"),
        cand(2, 4.0, "North", "solo", "small"),
        cand(3, 3.0, "North", "solo", "small"),
        cand(4, 1.0, "South", "solo", "small"),
    ]
    suggestion = suggest_balanced_selection(candidates, places=3, dimensions=DIMENSIONS)
    assert keys(suggestion) == [1, 2, 4]
    reasons = {pick.candidate.key: pick.reasons for pick in suggestion.picks}
    assert reasons == {
        1: (Reason(REASON_TOP_SCORE),),
        2: (Reason(REASON_TOP_SCORE),),
        4: (Reason(REASON_ONLY_COVER, "area", "South"),),
    }


def test_fixed_pick_also_reports_groups_only_it_covers():
    candidates = [
        cand(1, 1.0, "East", "solo", "small", fixed=True),
        cand(2, 5.0, "North", "solo", "small"),
    ]
    suggestion = suggest_balanced_selection(candidates, places=2, dimensions=DIMENSIONS)
    assert suggestion.picks[0].reasons == (Reason(REASON_FIXED), Reason(REASON_ONLY_COVER, "area", "East"))
    assert suggestion.picks[1].reasons == (Reason(REASON_ONLY_COVER, "area", "North"),)

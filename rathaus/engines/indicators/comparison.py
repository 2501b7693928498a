"""Fair comparison of service standards between municipalities (Django-free).

Contract
--------
Inputs are frozen dataclasses; outputs are frozen dataclasses; no I/O, no clock.

``wilson_interval(successes, cases, confidence=0.95) -> (lower, upper)``
    Wilson score interval of a share (good coverage also for small counts and shares near
    0 or 1, unlike the normal approximation). ``cases == 0`` gives ``(0.0, 1.0)``.

``judge(observation, target) -> Verdict``
    One unit (municipality, location …) against one promise for one period:

    * ``cases < target.min_cases`` → ``not_enough_data`` (no verdict on tiny counts);
    * otherwise the point estimate decides ``met`` / ``not_met`` (``at_least``: share ≥
      target; ``at_most``: share ≤ target), and ``certain`` says whether the confidence
      interval lies entirely on that side of the target — a verdict that is not certain is
      shown as "within the statistical uncertainty".

``size_class(population) -> SizeClass``
    Peer groups by population (KGSt-style classes); comparisons are made within a class.

``compare_peers(observations, target) -> list[PeerResult]``
    Funnel-plot comparison within each size class: the pooled share of the peer group is the
    centre; a unit is ``above`` / ``below`` its peers only if its share lies outside the
    control limits ``p ± z·sqrt(p(1−p)/n)`` for its own number of cases (small units get wide
    limits), else ``as_expected``. Units with too few cases are ``not_enough_data``. The output
    is in input order — deliberately no rank: the engine never produces a league table.

``trend(periods, target) -> Trend``
    Direction between the last two periods with enough cases: ``better`` / ``worse`` only if a
    two-proportion z-test is significant at the target's confidence, else ``steady``;
    ``unknown`` with fewer than two such periods. "Better" respects the target's direction.

Performance: linear in the number of observations; a region of hundreds of municipalities
and promises is judged in milliseconds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist


class Direction(StrEnum):
    AT_LEAST = "at_least"  # e.g. 80 % of citizens wait at most 15 minutes
    AT_MOST = "at_most"  # e.g. at most 10 % no-shows


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_ENOUGH_DATA = "not_enough_data"


class Position(StrEnum):
    ABOVE = "above"  # better than the peer group beyond chance
    AS_EXPECTED = "as_expected"
    BELOW = "below"  # worse than the peer group beyond chance
    NOT_ENOUGH_DATA = "not_enough_data"


class TrendDirection(StrEnum):
    BETTER = "better"
    STEADY = "steady"
    WORSE = "worse"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Target:
    share: float  # 0..1
    direction: Direction = Direction.AT_LEAST
    min_cases: int = 30
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError("share must lie in [0, 1]")
        if self.min_cases < 1:
            raise ValueError("min_cases must be at least 1")
        if not 0.5 <= self.confidence < 1.0:
            raise ValueError("confidence must lie in [0.5, 1)")


@dataclass(frozen=True)
class Observation:
    unit: str  # opaque key of the unit (e.g. a municipality id)
    successes: int
    cases: int
    population: int = 0  # for the size class; 0 = unknown

    def __post_init__(self) -> None:
        if self.cases < 0 or self.successes < 0 or self.successes > self.cases:
            raise ValueError("need 0 <= successes <= cases")

    @property
    def share(self) -> float | None:
        return self.successes / self.cases if self.cases else None


@dataclass(frozen=True)
class Verdict:
    unit: str
    status: Status
    share: float | None
    lower: float
    upper: float
    cases: int
    certain: bool


@dataclass(frozen=True)
class SizeClass:
    code: str
    lower: int  # inclusive
    upper: int | None  # exclusive; None = open


SIZE_CLASSES = (
    SizeClass("unknown", 0, 1),
    SizeClass("lt10k", 1, 10_000),
    SizeClass("10k-25k", 10_000, 25_000),
    SizeClass("25k-50k", 25_000, 50_000),
    SizeClass("50k-100k", 50_000, 100_000),
    SizeClass("100k+", 100_000, None),
)


@dataclass(frozen=True)
class PeerResult:
    unit: str
    size_class: str
    position: Position
    share: float | None
    peer_share: float | None  # pooled share of the size class
    peer_units: int  # units of the class with enough cases
    lower_limit: float | None
    upper_limit: float | None


@dataclass(frozen=True)
class Period:
    key: str  # e.g. "2026-11"
    successes: int
    cases: int


@dataclass(frozen=True)
class Trend:
    direction: TrendDirection
    previous: str | None = None
    current: str | None = None
    change: float | None = None  # share(current) − share(previous)


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, cases: int, confidence: float = 0.95) -> tuple[float, float]:
    if cases <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= cases:
        raise ValueError("need 0 <= successes <= cases")
    z = _z(confidence)
    p = successes / cases
    denominator = 1 + z * z / cases
    centre = (p + z * z / (2 * cases)) / denominator
    half = z * math.sqrt(p * (1 - p) / cases + z * z / (4 * cases * cases)) / denominator
    # Rounding may push the bounds a hair past the point estimate or [0, 1].
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def _meets(share: float, target: Target) -> bool:
    if target.direction == Direction.AT_LEAST:
        return share >= target.share
    return share <= target.share


def judge(observation: Observation, target: Target) -> Verdict:
    lower, upper = wilson_interval(observation.successes, observation.cases, target.confidence)
    share = observation.share
    if share is None or observation.cases < target.min_cases:
        return Verdict(
            observation.unit,
            Status.NOT_ENOUGH_DATA,
            share,
            lower,
            upper,
            observation.cases,
            False,
        )
    met = _meets(share, target)
    if target.direction == Direction.AT_LEAST:
        certain = lower >= target.share if met else upper < target.share
    else:
        certain = upper <= target.share if met else lower > target.share
    return Verdict(
        observation.unit,
        Status.MET if met else Status.NOT_MET,
        share,
        lower,
        upper,
        observation.cases,
        certain,
    )


def size_class(population: int) -> SizeClass:
    for cls in SIZE_CLASSES:
        if population >= cls.lower and (cls.upper is None or population < cls.upper):
            return cls
    return SIZE_CLASSES[0]  # negative populations count as unknown


def compare_peers(observations: Sequence[Observation], target: Target) -> list[PeerResult]:
    z = _z(target.confidence)
    pooled: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for obs in observations:
        if obs.cases >= target.min_cases:
            bucket = pooled[size_class(obs.population).code]
            bucket[0] += obs.successes
            bucket[1] += obs.cases
            bucket[2] += 1
    results = []
    for obs in observations:
        code = size_class(obs.population).code
        successes, cases, units = pooled.get(code, [0, 0, 0])
        peer = successes / cases if cases else None
        if obs.cases < target.min_cases or peer is None:
            results.append(
                PeerResult(
                    obs.unit, code, Position.NOT_ENOUGH_DATA, obs.share, peer, units, None, None
                )
            )
            continue
        half = z * math.sqrt(peer * (1 - peer) / obs.cases)
        low, high = peer - half, peer + half
        share = obs.successes / obs.cases
        better_high = target.direction == Direction.AT_LEAST
        if share > high:
            position = Position.ABOVE if better_high else Position.BELOW
        elif share < low:
            position = Position.BELOW if better_high else Position.ABOVE
        else:
            position = Position.AS_EXPECTED
        results.append(
            PeerResult(obs.unit, code, position, share, peer, units, max(0.0, low), min(1.0, high))
        )
    return results


def trend(periods: Sequence[Period], target: Target) -> Trend:
    usable = [p for p in periods if p.cases >= target.min_cases]
    if len(usable) < 2:
        return Trend(TrendDirection.UNKNOWN)
    before, after = usable[-2], usable[-1]
    p1, p2 = before.successes / before.cases, after.successes / after.cases
    pooled = (before.successes + after.successes) / (before.cases + after.cases)
    se = math.sqrt(pooled * (1 - pooled) * (1 / before.cases + 1 / after.cases))
    change = p2 - p1
    if se == 0 or abs(change) / se < _z(target.confidence):
        direction = TrendDirection.STEADY
    else:
        up = change > 0
        improving = up if target.direction == Direction.AT_LEAST else not up
        direction = TrendDirection.BETTER if improving else TrendDirection.WORSE
    return Trend(direction, before.key, after.key, change)

"""The generator's configuration."""

from __future__ import annotations

from dataclasses import dataclass, fields
from itertools import pairwise

_SHARES = (
    "weak_share",
    "below_last_year_share",
    "repeat_deviation_share",
    "missing_reason_share",
    "shortfall_share",
    "lagging_share",
    "low_execution_share",
    "half_year_share",
    "budget_adjusted_share",
)


@dataclass(frozen=True, slots=True)
class SynthConfig:
    """What to generate; every share is a probability in [0, 1].

    ``years`` are fiscal years in increasing order (a project's targets of a year evolve
    from those of the year before it in the tuple; consecutive years match what the store
    calls last year).
    """

    units: int = 100
    projects_per_unit: int = 10
    years: tuple[int, ...] = (2024,)
    weak_share: float = 0.3  # projects whose tables carry reviewers' weaknesses (JX101/106/201/301)
    seed: int = 1
    # Later years: positive targets deliberately set below last year's actual (JX310).
    below_last_year_share: float = 0.1
    # Project series (two years or more) with one indicator short two years in a row.
    repeat_deviation_share: float = 0.05
    # Shortfalls and lagging execution that come without a reason (偏差原因 / 执行滞后原因).
    missing_reason_share: float = 0.2
    shortfall_share: float = 0.1  # indicators short of their target at year end (mean)
    lagging_share: float = 0.15  # projects whose checkpoint execution lags badly (< 25%)
    low_execution_share: float = 0.1  # projects whose year-end execution is low (40–85%)
    half_year_share: float = 0.6  # project tables with a half-year (半年) target column
    budget_adjusted_share: float = 0.15  # 全年预算数 adjusted away from 年初预算数
    checkpoint_month: int = 6  # the monitoring checkpoint (运行监控) month

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _SHARES and not (
                isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
            ):
                raise ValueError(f"SynthConfig.{f.name} must be a share from 0 to 1, got {value!r}")
        for name in ("units", "projects_per_unit"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"SynthConfig.{name} must be a whole number ≥ 0, got {value!r}")
        years = self.years
        if not isinstance(years, tuple) or not years or not all(isinstance(y, int) for y in years):
            raise ValueError(f"SynthConfig.years must be a non-empty tuple of years, got {years!r}")
        if any(b <= a for a, b in pairwise(years)):
            raise ValueError(f"SynthConfig.years must increase, got {years!r}")
        if not 1 <= self.checkpoint_month <= 12:
            raise ValueError(
                f"SynthConfig.checkpoint_month must be 1 to 12, got {self.checkpoint_month!r}"
            )

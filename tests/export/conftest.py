"""Fixtures of the export tests: the seed scored and monitored with the example actuals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from jixiao.domain.actuals import ActualsDocument, ProjectActuals, pair
from jixiao.domain.model import Document, OverallTargets, Project
from jixiao.domain.monitoring import MonitoringConfig, ProjectMonitor, monitor_project
from jixiao.domain.scoring import ProjectScore, score_overall, score_project
from jixiao.ingest import read_path
from jixiao.interchange.actuals import loads_actuals
from tests.conftest import SEED

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FULL_YEAR = EXAMPLES / "seed-actuals-2023-full-year.json"
HALF_YEAR = EXAMPLES / "seed-actuals-2023-half-year.json"


@dataclass(frozen=True)
class Overall:
    targets: OverallTargets
    actuals: ProjectActuals
    score: ProjectScore


@pytest.fixture(scope="session")
def seed() -> Document:
    return read_path(SEED)


@pytest.fixture(scope="session")
def full_year() -> ActualsDocument:
    return loads_actuals(FULL_YEAR.read_text(encoding="utf-8"), where=str(FULL_YEAR))


@pytest.fixture(scope="session")
def half_year() -> ActualsDocument:
    return loads_actuals(HALF_YEAR.read_text(encoding="utf-8"), where=str(HALF_YEAR))


@pytest.fixture(scope="session")
def scored(
    seed: Document, full_year: ActualsDocument
) -> list[tuple[Project, ProjectActuals, ProjectScore]]:
    """Each project of the seed with its full-year actuals and score."""
    return [(p, a, score_project(p, a)) for p, a in pair(seed.projects, full_year)]


@pytest.fixture(scope="session")
def overall(seed: Document, full_year: ActualsDocument) -> Overall:
    targets = seed.overall_targets[0]
    actuals = next(a for a in full_year.overall if a.project == targets.unit)
    return Overall(targets, actuals, score_overall(targets, actuals))


@pytest.fixture(scope="session")
def monitors(seed: Document, half_year: ActualsDocument) -> list[ProjectMonitor]:
    assert half_year.month is not None
    config = MonitoringConfig(month=half_year.month)
    return [monitor_project(p, a, config) for p, a in pair(seed.projects, half_year)]

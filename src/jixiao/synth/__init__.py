"""Synthetic budget performance data at province scale, reproducible from a seed.

For benchmarks, demos and an oversight dashboard (人大 / 财政 view): ~3,000 units, 60,000
projects and half a million indicators a year, over several years.  Pure (builds domain
objects, writes nothing), deterministic for a seed, and fast: parsed values are cached by
their text, and 60,000 projects of one year with their actuals take 15–25 s on one core
(the target tables alone about 7 s).

Public API::

    SynthConfig(units=100, projects_per_unit=10, years=(2024,), weak_share=0.3, seed=1,
                below_last_year_share=0.1, repeat_deviation_share=0.05,
                missing_reason_share=0.2, shortfall_share=0.1, lagging_share=0.15,
                low_execution_share=0.1, half_year_share=0.6, budget_adjusted_share=0.15,
                checkpoint_month=6)
    units(config) -> tuple[BudgetUnit, ...]            name, department (主管部门), code
    departments(config) -> tuple[Department, ...]
    tables(config) -> Iterator[Project]                 target tables only
    records(config) -> Iterator[Record]                 Record(project, checkpoint, year_end)
    actuals(config) -> Iterator[tuple[str, ActualsDocument]]   (unit name, document)
    project_actuals(project, config=SynthConfig()) -> (checkpoint, year_end)   any project
    document(config) -> Document                        the target tables of every year

Order: unit by unit, then year by year, then project by project.  ``actuals`` gives, per
unit and year, the checkpoint document (Period.HALF_YEAR, ``month`` = checkpoint_month)
and then the year-end one (Period.FULL_YEAR): one unit each, because project names are
unique within a unit only (:func:`jixiao.domain.actuals.pair` matches by name).

What is generated
-----------------

Units: Jiangsu province, its 13 cities and their 95 districts, counties and county-level
cities, 44 bureau types (教育局 … 人大常委会办公室, 政协办公室, 审计局, 人民法院 …) and their
units (机关, centres, 监测站, 执法支队, schools, hospitals …): about 21,000 distinct units
without numeric suffixes.  The department is region + bureau (无锡市教育局).  A config
takes whole departments in a seeded order (province and city ones more often first); a
larger ``units`` keeps every unit of a smaller one.

Projects: 55 topics (教师培训, 困难群众救助, 河道整治, 预算联网监督 …) with indicators, units
of measure and beneficiaries, about 8 indicators a project: counts, rates, deadlines
(2024年10月底前), per-unit and total costs (成本指标; a level 2 under 产出指标 before 2022),
社会/经济/生态/可持续 effects, qualitative targets (显著, ≥较好, 有效, 合格, ≥良好),
satisfaction.  Funds are skewed (68% of projects 5–100 万元, 7% 1,000–20,000 万元).  A
project keeps its name, and its indicators their names, every year; counts grow a little,
rates and satisfaction never fall below last year's actual, except ``below_last_year_share``
of the ≥ targets (whose last year's actual is known) set deliberately below it (review
rule JX310).  ``weak_share`` of the
project series carry at least one of the weaknesses reviewers look for: no 效益指标 (JX101),
a procedure written as an indicator (JX201), a quantity stated as a percentage (JX301), a
zero half-year value (JX106, in tables with a half-year column).  Other review rules stay
silent on the tables, except the notes JX102 (a tenth of the tables have no cost
indicator) and JX307 (satisfaction target below 85%).  (＝0 targets such as 重大安全事故
＝0起 appear only in tables without a half-year column: JX106 reads a zero half-year value
as missing progress.)

Actuals: 全年预算数 (the funds, ``budget_adjusted_share`` of them adjusted), 年初预算数 and
执行数 — at the checkpoint mostly 30–60% (``lagging_share`` below 25%), at year end mostly
85–100% (``low_execution_share`` 40–85%), with a reason where monitoring or scoring asks for
one.  Per indicator: the value reached (same kind and unit as the target), at the
checkpoint also the forecast and the likelihood, and a deviation (category and reason) with
measures where it falls short; ``shortfall_share`` of indicators fall short at year end on
average (unevenly: some projects go worse than others), ``repeat_deviation_share`` of the
series fall short on the same indicator two years running, and ``missing_reason_share`` of
the reasons due are left out on purpose.  ``monitor_project`` and ``score_project`` judge
every generated project without raising.

``projects(config)`` is the original small generator (year in the project name), kept
unchanged because the committed import corpus (tests/corpus) is built from it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import NamedTuple

from jixiao.domain.actuals import ActualsDocument, ProjectActuals
from jixiao.domain.model import BudgetUnit, Department, Document, Period, Project
from jixiao.synth._actuals import generate
from jixiao.synth._catalogue import chosen
from jixiao.synth._config import SynthConfig
from jixiao.synth._legacy import projects
from jixiao.synth._tables import iterate, unit_years

__all__ = [
    "Record",
    "SynthConfig",
    "actuals",
    "departments",
    "document",
    "project_actuals",
    "projects",
    "records",
    "tables",
    "units",
]


class Record(NamedTuple):
    """A project's target table and what was reported on it in its fiscal year."""

    project: Project
    checkpoint: ProjectActuals  # Period.HALF_YEAR, at config.checkpoint_month
    year_end: ProjectActuals  # Period.FULL_YEAR


def units(config: SynthConfig) -> tuple[BudgetUnit, ...]:
    """The budget units, each with its department (主管部门) and a code; no projects."""
    return tuple(entry.unit for entry in chosen(config.units, config.seed))


def departments(config: SynthConfig) -> tuple[Department, ...]:
    """The departments of :func:`units`, in order of first appearance, with codes."""
    found: dict[str, Department] = {}
    for unit in units(config):
        if unit.department and unit.department not in found:
            code = unit.code[:-3] if unit.code else None
            found[unit.department] = Department(unit.department, code)
    return tuple(found.values())


def tables(config: SynthConfig) -> Iterator[Project]:
    """The project target tables (项目支出绩效目标表) of every unit and year."""
    for project, _, _ in iterate(chosen(config.units, config.seed), config, with_actuals=False):
        yield project


def records(config: SynthConfig) -> Iterator[Record]:
    """Every project with its checkpoint and year-end actuals."""
    for project, checkpoint, year_end in iterate(
        chosen(config.units, config.seed), config, with_actuals=True
    ):
        assert checkpoint is not None and year_end is not None
        yield Record(project, checkpoint, year_end)


def actuals(config: SynthConfig) -> Iterator[tuple[str, ActualsDocument]]:
    """Per unit and year: (unit name, checkpoint document), then (unit name, year-end one)."""
    for entry in chosen(config.units, config.seed):
        for year, rows in zip(config.years, unit_years(entry, config, True), strict=True):
            halves = tuple(cp for _, cp, _ in rows if cp is not None)
            fulls = tuple(ye for _, _, ye in rows if ye is not None)
            name = entry.unit.name
            yield name, ActualsDocument(year, Period.HALF_YEAR, halves, config.checkpoint_month)
            yield name, ActualsDocument(year, Period.FULL_YEAR, fulls)


def project_actuals(
    project: Project, config: SynthConfig | None = None
) -> tuple[ProjectActuals, ProjectActuals]:
    """Plausible checkpoint and year-end actuals for any project table (e.g. an imported
    one), deterministic for the seed and the project's unit, name and year.  Indicators
    whose target cannot be read get no actuals."""
    config = config or SynthConfig()
    seed = f"actuals|{config.seed}|{project.unit}|{project.name}|{project.fiscal_year}"
    return generate(random.Random(seed), project, config)


def document(config: SynthConfig) -> Document:
    """The target tables of every unit and year as one document (``fiscal_year``: the
    first configured year)."""
    return Document(fiscal_year=config.years[0], projects=tuple(tables(config)))

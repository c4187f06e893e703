"""Use case: review a stored table with the rule engine (findings and a suggested grade)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.domain.review import (
    ConfigError,
    Finding,
    ReviewConfig,
    review_overall,
    review_project,
    suggest_grade,
)
from jixiao.domain.taxonomy import OUTPUT
from jixiao.domain.workflow import Actor, Grade
from jixiao.services import access
from jixiao.services.actuals import previous_actuals
from jixiao.services.config import config_table
from jixiao.services.errors import Invalid
from jixiao.services.uow import UnitOfWork
from jixiao.store.models import TargetTableRow
from jixiao.store.tables import OVERALL, overall_of, project_of, ref_of


def load_config(path: Path | None = None) -> ReviewConfig:
    """The ``[review]`` table of the configuration file (defaults when there is none).

    A file that cannot be read or holds a bad setting is :class:`Invalid`, naming the file
    and the setting.
    """
    found, data = config_table("review", path)
    if found is None:
        return ReviewConfig()
    try:
        return ReviewConfig.from_mapping(data, where=str(found))
    except ConfigError as exc:
        raise Invalid(str(exc), "config") from None


@dataclass(frozen=True, slots=True)
class TableReview:
    table_id: int
    findings: tuple[Finding, ...]
    grade: Grade
    reasons: tuple[str, ...]

    def opinion(self) -> str:
        """A draft review opinion (审核意见) from the findings, for the reviewer to edit."""
        if not self.findings:
            return "经审核，未发现问题。"
        lines = ["经审核，发现以下问题："]
        for k, finding in enumerate(self.findings, start=1):
            lines.append(f"{k}. {finding.message}（{finding.code}）。建议：{finding.hint}。")
        return "\n".join(lines)


def review_table(
    uow: UnitOfWork,
    table_id: int,
    config: ReviewConfig | None = None,
    actor: Actor | None = None,
) -> TableReview:
    """The rule engine's findings on a table (when ``actor`` may read it)."""
    with uow:
        row = uow.tables.get(table_id)
        if actor is not None:
            access.require(actor, access.Read.TABLE, ref_of(row))
        return review_in(uow, row, config)


def review_in(
    uow: UnitOfWork, row: TargetTableRow, config: ReviewConfig | None = None
) -> TableReview:
    """:func:`review_table` of a table already read (and its reading allowed) inside the
    caller's unit of work."""
    if row.kind == OVERALL:
        found = review_overall(overall_of(row), config)
        grade, reasons = suggest_grade(found, config)
    else:
        project = project_of(row)
        found = review_project(project, config, previous_actuals(uow.session, row))
        has_outputs = any(i.level1 == OUTPUT for i in project.indicators)
        grade, reasons = suggest_grade(found, config, has_outputs=has_outputs)
    return TableReview(row.id, tuple(found), grade, reasons)

"""Targets paired with actuals, from files or a database: what ``jixiao monitor``,
``evaluate`` and ``review`` compute on.

The targets come from a file any importer reads (in the limited child process) or from a
database URL; the actuals from a jixiao-actuals/1 file, or from the targets file itself (a
published self-evaluation or monitoring table holds both).  Every refusal is an
:class:`Invalid` naming the file and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.domain.actuals import ActualsDocument, ActualsError, ProjectActuals, pair
from jixiao.domain.model import Document, Project
from jixiao.ingest import IngestError, isolation
from jixiao.interchange import FormatError
from jixiao.interchange.actuals import loads_actuals
from jixiao.services import settings as configuration
from jixiao.services import tables
from jixiao.services.errors import Invalid
from jixiao.services.uow import UnitOfWork

#: Opens the unit of work of a database URL (the caller connects, and says which database
#: failed).
Opener = Callable[[str], UnitOfWork]

Pairs = list[tuple[Project, ProjectActuals]]


def is_db_url(text: str) -> bool:
    """Whether ``text`` names a database (``sqlite://…``, ``postgresql+psycopg://…``)."""
    return "://" in text and text.split("://", 1)[0].split("+")[0] in ("sqlite", "postgresql")


def targets_document(
    source: str, open_uow: Opener, year: int | None = None, unit: str | None = None
) -> Document:
    """Targets from a file any importer reads, or from a database URL."""
    if is_db_url(source):
        document, _ = tables.load_document(
            open_uow(source), tables.TableFilter(year=year, unit=unit, limit=1_000_000)
        )
        return document
    try:
        return isolation.read_path_isolated(Path(source), limits=configuration.process_limits())
    except IngestError as exc:
        raise Invalid(str(exc)) from None


def paired(
    source: str, actuals_file: Path | None, period: str, open_uow: Opener
) -> tuple[Document, Pairs, ActualsDocument]:
    """Targets paired with actuals of ``period`` (``half_year`` or ``full_year``): from
    ``actuals_file``, or (without one) the actuals the targets file itself holds (a
    published self-evaluation or monitoring table)."""
    wanted = "full_year（年末）" if period == "full_year" else "half_year（运行监控）"
    if actuals_file is None:
        if is_db_url(source):
            raise Invalid("使用数据库时须用 --actuals 指定完成情况文件（jixiao-actuals/1）")
        document = targets_document(source, open_uow)
        found = [a for a in document.actuals if a.period.value == period]
        if not found:
            raise Invalid(f"{source}：没有 {wanted}的完成情况，请用 --actuals 指定完成情况文件")
        actuals_file = Path(source)
        actuals = found[0]
    else:
        try:
            actuals = loads_actuals(actuals_file.read_bytes(), where=str(actuals_file))
        except OSError as exc:
            raise Invalid(f"{actuals_file}：无法读取（{exc.strerror or exc}）") from None
        except FormatError as exc:
            raise Invalid(str(exc)) from None
        if actuals.period.value != period:
            raise Invalid(f"{actuals_file}：完成情况的期间为 {actuals.period.value}，应为 {wanted}")
        document = targets_document(source, open_uow, actuals.fiscal_year)
    try:
        pairs = pair(document.projects, actuals)
    except ActualsError as exc:
        raise Invalid(f"{actuals_file}：" + "；".join(exc.problems) + "。未作任何计算。") from None
    # A database is filtered by the actuals' year; a file may hold another year's targets.
    other_year = [
        f"项目“{p.name}”的绩效目标为 {p.fiscal_year} 年度"
        for p, _ in pairs
        if actuals.fiscal_year is not None
        and p.fiscal_year is not None
        and p.fiscal_year != actuals.fiscal_year
    ]
    if other_year:
        raise Invalid(
            f"{actuals_file}：完成情况为 {actuals.fiscal_year} 年度，"
            + "；".join(other_year)
            + "。未作任何计算。"
        )
    return document, pairs, actuals


def previous_file(path: Path) -> dict[str, dict[str, Any]]:
    """Last year's actuals from a jixiao-actuals/1 file: project → indicator → value."""
    try:
        doc = loads_actuals(path.read_bytes(), where=str(path))
    except OSError as exc:
        raise Invalid(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except FormatError as exc:
        raise Invalid(str(exc)) from None
    if doc.period.value != "full_year":
        raise Invalid(f"{path}: period is {doc.period.value}, expected full_year (年末)")
    return {
        p.project: {
            i.indicator: i.value
            for i in p.indicators
            if i.value is not None and not i.not_applicable
        }
        for p in doc.projects
    }

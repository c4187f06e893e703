"""Putting a read document together, the same for every reader: the document's fiscal year,
tables of another year warned about, and projects completed from the document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from jixiao.domain.actuals import ActualsDocument
from jixiao.domain.model import Diagnostic, Document, OverallTargets, Project, SourceInfo
from jixiao.domain.provenance import Provenance
from jixiao.ingest._vocab import clean_name

YEAR_MISMATCH = "ingest.year-mismatch"


def most_common_year(years: Iterable[int | None]) -> int | None:
    """The year most tables name (the first seen on a tie); None when none names one."""
    known = [y for y in years if y is not None]
    return max(dict.fromkeys(known), key=known.count) if known else None


def with_publisher(
    overall: Sequence[OverallTargets], projects: Iterable[Project], fiscal_year: int | None
) -> list[Project]:
    """Projects given the unit of the document's only overall table and the document's
    year, where they name none of their own."""
    publisher = overall[0].unit if len(overall) == 1 and overall[0].unit else None
    return [
        replace(p, unit=p.unit or publisher, fiscal_year=p.fiscal_year or fiscal_year)
        for p in projects
    ]


def finish(
    overall: Sequence[OverallTargets],
    projects: Sequence[Project],
    *,
    fiscal_year: int | None,
    warnings: list[Diagnostic],
    file: str,
    sha256: str | None,
    layout: str,
    actuals: Iterable[ActualsDocument] = (),
) -> Document:
    """The document: a YEAR_MISMATCH warning (located at the file) for each table of another
    year than ``fiscal_year``, appended to ``warnings``; unit and department names cleaned of
    the notes glued to them (:func:`~jixiao.ingest._vocab.clean_name`); projects completed
    by :func:`with_publisher`."""
    overall = [
        replace(o, unit=clean_name(o.unit) or "", department=clean_name(o.department) or None)
        for o in overall
    ]
    projects = [
        replace(p, unit=clean_name(p.unit) or None, department=clean_name(p.department) or None)
        for p in projects
    ]
    tables = [(o.fiscal_year, o.unit) for o in overall] + [
        (p.fiscal_year, p.name) for p in projects
    ]
    for year, label in tables:
        if year is not None and fiscal_year is not None and year != fiscal_year:
            warnings.append(
                Diagnostic(
                    YEAR_MISMATCH,
                    f"“{label}”的年度 {year} 与文档年度 {fiscal_year} 不一致",
                    Provenance(file),
                )
            )
    return Document(
        fiscal_year=fiscal_year,
        overall_targets=tuple(overall),
        projects=tuple(with_publisher(overall, projects, fiscal_year)),
        warnings=tuple(warnings),
        source=SourceInfo(file=file, sha256=sha256, layout=layout),
        actuals=merge_actuals(actuals),
    )


def merge_actuals(parts: Iterable[ActualsDocument]) -> tuple[ActualsDocument, ...]:
    """One actuals document per (year, period), the projects of the parts in order."""
    merged: dict[tuple[int | None, object], ActualsDocument] = {}
    for part in parts:
        key = (part.fiscal_year, part.period)
        before = merged.get(key)
        merged[key] = (
            part
            if before is None
            else replace(
                before,
                projects=before.projects + part.projects,
                overall=before.overall + part.overall,
                month=before.month or part.month,
            )
        )
    return tuple(merged.values())

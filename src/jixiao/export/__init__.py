"""Exports: the official forms as workbooks (.xlsx) — target tables (:mod:`.targets`),
self-evaluation and monitoring — printed from the same workbook to PDF (:mod:`.pdf`) and
print-ready HTML (:mod:`.html`), and open data (:mod:`.opendata`: flat CSV, a
Frictionless data package).

An adapter layer: it turns the domain's results (:mod:`jixiao.domain.scoring`,
:mod:`jixiao.domain.monitoring`) into the tables units file and print, with openpyxl.  It
imports only :mod:`jixiao.domain` and :mod:`jixiao.interchange`; no database, no web, and no
outside program (no LibreOffice): the bytes returned are a complete .xlsx file.

Public API::

    self_evaluation_workbook(items, *, fiscal_year, unit=None, overall=None) -> bytes
        items: [(Project, ProjectActuals, ProjectScore)]; overall: (OverallTargets,
        ProjectActuals, ProjectScore from score_overall) → sheets 汇总, 部门整体, one
        项目支出绩效自评表 per project
    project_sheet(ws, project, actuals, score, *, fiscal_year) -> None
    overall_sheet(ws, unit, overall_score, overall, actuals, *, fiscal_year) -> None
    monitoring_workbook(monitors, summaries, *, fiscal_year, month) -> bytes
        sheets 汇总 (one row per UnitSummary) and one 项目绩效监控表 per ProjectMonitor
    sheet_titles(names, reserved=()) -> list[str]      valid, unique Excel sheet titles
    LIGHT_FILLS                                         fill colour of each Light
    subset_fonts(text, folder) -> (regular, bold)       the CJK fonts cut to ``text`` (PDF)
    fonts_for(text) -> (regular, bold)                  the same, cut once per process and
        kept (thread-safe): what every PDF export uses

The layout of each sheet (which row and column holds which number) is documented in
:mod:`jixiao.export.self_evaluation` and :mod:`jixiao.export.monitoring`.
"""

from jixiao.export._font import FontMissing, fonts_for, subset_fonts
from jixiao.export._sheet import sheet_titles
from jixiao.export.monitoring import LIGHT_FILLS, monitoring_workbook
from jixiao.export.self_evaluation import overall_sheet, project_sheet, self_evaluation_workbook

__all__ = [
    "LIGHT_FILLS",
    "FontMissing",
    "fonts_for",
    "monitoring_workbook",
    "overall_sheet",
    "project_sheet",
    "self_evaluation_workbook",
    "sheet_titles",
    "subset_fonts",
]

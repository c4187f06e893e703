"""The grid interpreter: tables as grids of cells → a ``jixiao/1`` Document.

Every table reader (XLSX, XLS, DOCX, HTML, PDF, text dumps with cell separators) ends at the
grid (:mod:`jixiao.ingest._grid`); :func:`read_grids` finds the structure, the same way for
all of them, from what the domain knows and never from fixed positions:

* **Rows by what they hold.**  A *title row* (one cell naming a 绩效目标表 / 自评表 / 监控表)
  starts a table; a *field row* holds field labels (项目名称, 主管部门, 实施单位, 开始时间,
  年度资金总额, 财政拨款 …) with their value beside them, below them, or inline
  (``项目名称：X``); a *header row* is made of header words (一级指标, 二级指标, 三级指标,
  指标值, 半年, 全年, 长期, 年度, 计算符号, 度量单位, 权重, 指标值类型, 指标方向, 实际完成值,
  得分, 职能, 工作任务, 年度目标 …), possibly over several rows (merged group headers); the
  rows after a header are *data rows*.
* **Columns by header words.**  Each column gets a role (level 1, level 2, name, target for a
  period, operator, unit, weight, value type, direction, actuals, note); separate 计算符号 /
  目标值 / 度量单位 columns are joined into one target text (``≥`` ``90`` ``%`` → ``≥90%``).
  Actuals columns (实际完成值, 当前完成值, 全年预计, 完成目标可能性, 得分, 分值, 偏差原因,
  改进措施 …) are never read as targets: a self-evaluation (自评表) or monitoring table
  (监控表) imports them into the document's ``actuals`` (one ``jixiao-actuals/1`` document
  per period), with the funds of its 年初预算数 / 全年预算数 / 执行数 columns; columns with
  no place there (执行率, 自评等级 …) get one ``ingest.actuals-not-imported`` warning.
* **Merged and empty cells.**  A merged level-1/level-2 cell covers its rows; an empty
  level-1/level-2 cell inherits the label of the row above.
* **Ragged grids** (text dumps that dropped empty and merged cells) are aligned to the header
  by content: each cell's fitness for each column role (a taxonomy label, a value, an
  operator, a unit, a bare number …) is scored and the best order-keeping alignment wins
  (columns may be skipped: dropped cells; a text cell may continue the one before it: a
  cell split in two; a lone value goes to the last period).  A row that reads far better
  as two rows run together is split; a row of one text cell without values is reported.
* **Rows that are not indicators**: total rows (合计, 总分), notes (注：…), a cell spread
  over the name and value columns, prose goals above the header (年度绩效目标 …) are
  reported, not read; a label-only row (一、产出指标) heads the rows below it.
* **Several tables** per grid (title or 项目名称 rows start a new one) and **tables continued**
  on the next grid (a grid without title, fields or header continues the table before it;
  when its columns differ it is read by content, with a warning).

Level labels go through the taxonomy of the table's year (the other version as a fallback,
aliases included); printed labels are kept.  Every indicator, goal and value carries the
provenance of its cell.  Anything the interpreter is not sure of becomes a warning; rows are
never dropped in silence.

The interpreter is a pipeline of small named stages, one module each, run in order by
:func:`read_grids` (each names itself in the ``--explain`` trace, :class:`Stage`):

* :mod:`.find` (``table``): titles, field rows, where a table starts, continues or ends;
* :mod:`.columns` (``columns``): header words, each column's role, ragged rows aligned;
* :mod:`.rows` (``rows``): each data row read as an indicator or goal, or skipped;
* :mod:`.levels` (``levels``): level labels carried down and resolved through the taxonomy;
* :mod:`.values` (``values``): operator, value and unit joined into targets;
* :mod:`.projects` (``projects``): tables split into projects and units, the document built.

:mod:`.base` holds what they share (the grid's rows, warning codes), :mod:`.table` a table as
read; every tolerance is in :mod:`.settings`, every word list in :mod:`jixiao.ingest._vocab`.
"""

from __future__ import annotations

from collections.abc import Sequence

from jixiao.domain.actuals import (
    ActualsDocument,
)
from jixiao.domain.model import (
    Document,
    OverallTargets,
    Project,
)
from jixiao.ingest._document import finish, most_common_year
from jixiao.ingest._explain import Stage, note
from jixiao.ingest._grid import Grid
from jixiao.ingest._read.base import (
    ACTUALS_NOT_IMPORTED,
    IMPLAUSIBLE_AMOUNT,
    SUMMARY_TABLE,
    _shown,
    _text,
)
from jixiao.ingest._read.find import _Reader
from jixiao.ingest._read.projects import _Builder
from jixiao.ingest._read.settings import DEFAULT_SETTINGS, ReadSettings
from jixiao.ingest._text import clean
from jixiao.ingest.errors import IngestError

__all__ = [
    "ACTUALS_NOT_IMPORTED",
    "DEFAULT_SETTINGS",
    "IMPLAUSIBLE_AMOUNT",
    "SUMMARY_TABLE",
    "ReadSettings",
    "read_grids",
]


def _finish(reader: _Reader, file: str, sha256: str, layout: str) -> Document:
    """The last stage (``projects``): the tables found, each built into a project or a unit's
    overall targets by :class:`jixiao.ingest._read.projects._Builder`, and the document."""
    builder = _Builder(file)
    tables = reader.tables
    doc_year = most_common_year(t.year for t in tables)
    overall: list[OverallTargets] = []
    projects: list[Project] = []
    empty_years: list[int | None] = []
    previous_year: int | None = None
    for k, t in enumerate(tables):
        is_last = k == len(tables) - 1
        year = t.year or previous_year or doc_year
        previous_year = t.year or previous_year
        if t.kind == "overall":
            table = builder.overall(t, year, is_last)
            if table is not None and table.goals:
                overall.append(table)
            elif table is not None:
                empty_years.append(table.fiscal_year)
        elif t.kind_hint == "summary":
            title, where = t.titles[0]
            builder.warn(SUMMARY_TABLE, f"“{_shown(title)}”是汇总表，不是绩效目标表，未导入", where)
        elif t.kind == "project" or t.rows:
            project = builder.project(t, year, is_last)
            if project is not None:
                projects.append(project)
        else:
            builder.notes(t, "")
    fiscal_year = most_common_year(
        [o.fiscal_year for o in overall] + [p.fiscal_year for p in projects]
    )
    if fiscal_year is None:
        fiscal_year = most_common_year(empty_years)
    return finish(
        overall,
        projects,
        fiscal_year=fiscal_year,
        warnings=builder.warnings,
        file=file,
        sha256=sha256,
        layout=layout,
        actuals=(
            ActualsDocument(
                fiscal_year=r.year or fiscal_year,
                period=r.actuals.period,
                projects=() if r.overall else (r.actuals,),
                overall=(r.actuals,) if r.overall else (),
                month=r.month,
            )
            for r in builder.actuals
        ),
    )


def read_grids(
    grids: Sequence[Grid],
    *,
    file: str,
    sha256: str,
    layout: str,
    settings: ReadSettings = DEFAULT_SETTINGS,
) -> Document:
    """Interpret the grids of one file (in reading order) as a ``jixiao/1`` document.

    The tolerances are ``settings``'s (:class:`ReadSettings`; the defaults unless given).
    Raises :class:`IngestError` naming ``file`` when no grid holds a performance table.
    """
    if not any(_text(c) for grid in grids for c in grid.cells) and not any(
        clean(t) for grid in grids for t in grid.title
    ):
        raise IngestError(file, "is empty: no performance target table in it")
    reader = _Reader(file, settings)
    for gi, grid in enumerate(grids):
        reader.read_grid(gi, grid)
    reader.close_table()
    note(Stage.TABLE, None, f"共找到 {len(reader.tables)} 个表格", f"{len(grids)} 个区域")
    if not reader.found_structure:
        raise IngestError(
            file,
            "is not a performance target table: found no 绩效目标表 headers "
            "(一级指标/二级指标/三级指标, or 职能/年度目标)",
        )
    return _finish(reader, file, sha256, layout)

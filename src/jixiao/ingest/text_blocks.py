"""Reader for PDF text layers extracted block by block (layout ``pdf-text-blocks``).

This is the layout of the seed document (see docs/import.md): a layout-analysing PDF text
extractor writes each table cell as a block of lines, blocks separated by a blank line,
pages by several blank lines.  Cells that share a baseline come out on one line separated
by spaces.  On project pages the blocks are not in reading order: value rows (with their
level-2 labels) come first, the title and header fields next, the level-3 names last, and
the label of a merged level-1 cell stands in front of the names of its rows.

The reader does not look for the seed's strings.  It classifies every line by what the
domain knows — header words, header fields (项目名称, 主管部门, …), taxonomy labels and their
aliases, the target-value grammar — and rebuilds the rows from that:

* overall pages (部门整体支出绩效目标表): a numbered function, then for each work item its
  annual goal and target, the target either at the end of the goal's line or on its own;
* project pages: value rows carry their level-2 (and, for a single-row group, level-1)
  label; names are matched to rows by the level-1 label they follow, names before any
  level-1 label going to the rows of groups whose label was printed with their row.

Anything it is not sure of becomes a warning with its line; nothing is dropped in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.domain.model import (
    Diagnostic,
    Document,
    Funds,
    Goal,
    Indicator,
    OverallTargets,
    Period,
    Project,
)
from jixiao.domain.provenance import Provenance
from jixiao.domain.taxonomy import SATISFACTION, TAXONOMY_2015, Taxonomy, taxonomy_for_year
from jixiao.domain.values import TargetValue
from jixiao.ingest._cells import (
    as_value,
    find_year,
    parse_amount,
    parse_fields,
    parse_labels,
    split_trailing_values,
)
from jixiao.ingest._document import finish, most_common_year
from jixiao.ingest._text import Block, Line, Page, TextSource, fold, join_wrapped
from jixiao.ingest.errors import IngestError

LAYOUT = "pdf-text-blocks"

# Warning codes (documented in docs/format.md).
TRUNCATED = "ingest.truncated"
EMPTY_TABLE = "ingest.empty-table"
MISSING_TARGET = "ingest.missing-target"
MISSING_FIELD = "ingest.missing-field"
MISSING_VALUE = "ingest.missing-value"
UNUSED_TEXT = "ingest.unused-text"
UNKNOWN_LABEL = "ingest.unknown-label"
LEVEL_MISMATCH = "ingest.level2-mismatch"
AMBIGUOUS_ROWS = "ingest.ambiguous-rows"
UNPARSED_VALUE = "ingest.unparsed-value"

_OVERALL_TITLE = re.compile(r"整体(?:支出)?(?:预算)?绩效目标表")
_TITLE_UNIT_TAIL = re.compile(r"(?:部门单位|部门[（(]单位[）)]|部门|单位)$")
_TABLE_TITLE = re.compile(r"绩效目标(?:申报)?表")
_YEAR_LINE = re.compile(r"^[（(]?((?:19|20)\d{2})\s*年度?[）)]?$")

_PROJECT_HEADER = re.compile(
    r"(?:一级指标|二级指标|三级指标|绩效指标|指标名称|指标值|目标值|"
    r"半年(?:\(程\))?|全年(?:\(程\))?|年度|中长期|长期|\(程\))+"
)
_PERIOD_WORDS = re.compile(r"半年|全年|年度|中长期|长期")
_OVERALL_HEADER_WORDS = re.compile(
    r"职能\(二级专项\)|职能|二级专项|工作及项目名称|工作任务|年度目标|目标值|指标值|年目标值"
)
_OVERALL_HEADER_REST = set("序号代码()年目标值度0123456789")
_SEQ = re.compile(r"^(\d{1,3})(?:[.、．]?\s+(\S.*))?$")


def _period_of(word: str) -> Period:
    if word == "半年":
        return Period.HALF_YEAR
    if word in ("长期", "中长期"):
        return Period.LONG_TERM
    return Period.FULL_YEAR


class _Ctx:
    """What the reader of one source collects besides the tables: warnings."""

    def __init__(self, source: TextSource) -> None:
        self.source = source
        self.warnings: list[Diagnostic] = []

    def at(self, line: Line) -> Provenance:
        return self.source.at(line)

    def warn(self, code: str, message: str, line: Line | None) -> None:
        location = self.at(line) if line is not None else Provenance(self.source.name)
        self.warnings.append(Diagnostic(code, message, location))

    def value(self, value: TargetValue, line: Line) -> TargetValue:
        if value.reason:
            self.warn(UNPARSED_VALUE, f"指标值“{value.text}”无法识别：{value.reason}", line)
        return value.with_source(self.at(line))


# -- page classification -------------------------------------------------------------------


def _page_kind(page: Page) -> str | None:
    text = fold("".join(line.text for line in page.lines))
    if _OVERALL_TITLE.search(text) or ("职能" in text and "年度目标" in text):
        return "overall"
    if any(word in text for word in ("三级指标", "二级指标", "一级指标")) or any(
        parse_fields(line.text) is not None for line in page.lines
    ):
        return "project"
    return None


def sniff(source: TextSource) -> float:
    """How likely the source is in this layout (0 to 1)."""
    pages = source.pages()
    kinds = [_page_kind(p) for p in pages]
    if not any(kinds):
        return 0.0
    blocky = sum(len(p.blocks) for p in pages) / max(1, sum(len(p.lines) for p in pages))
    return 0.5 + 0.5 * min(1.0, blocky * 2)


# -- overall targets ---------------------------------------------------------------------


def _is_overall_header(text: str) -> bool:
    folded = fold(text)
    if folded.isdigit():
        return False  # a sequence number or a bare target on its own, not a header
    rest = _OVERALL_HEADER_WORDS.sub("", folded)
    return all(ch in _OVERALL_HEADER_REST for ch in rest)


def _split_goal_target(block: Block) -> tuple[str, TargetValue | None, Line | None]:
    """A goal cell and the target printed on one of its lines (``推动… 2次``), if any."""
    texts = [line.text for line in block.lines]
    for k in range(len(block.lines) - 1, -1, -1):
        head, values = split_trailing_values(texts[k])
        if len(values) == 1 and head:
            texts[k] = head
            return join_wrapped(texts), values[0], block.lines[k]
    return block.text, None, None


def _block_value(block: Block) -> TargetValue | None:
    return as_value(block.text) if len(block.lines) == 1 else None


@dataclass
class _OverallState:
    seq: str | None = None
    function: str | None = None
    function_line: Line | None = None
    work: str | None = None
    work_line: Line | None = None
    goal: str | None = None
    goal_line: Line | None = None
    goals: list[Goal] = field(default_factory=list)
    works_in_function: int = 0


def _parse_overall(pages: list[Page], ctx: _Ctx, is_last: bool) -> OverallTargets:
    unit = ""
    year: int | None = None
    title_line: Line | None = None
    s = _OverallState()
    blocks = [b for p in pages for b in p.blocks]

    def emit(target: TargetValue | None, target_line: Line | None) -> None:
        assert s.seq is not None and s.function is not None and s.work is not None
        assert s.goal is not None and s.work_line is not None
        s.goals.append(
            Goal(
                seq=s.seq,
                function=s.function,
                work=s.work,
                goal=s.goal,
                target=ctx.value(target, target_line) if target and target_line else None,
                source=ctx.at(s.work_line),
            )
        )
        s.work = s.goal = None
        s.works_in_function += 1

    def close_open_item(reason_line: Line | None, at_end: bool) -> None:
        code = TRUNCATED if at_end else MISSING_TARGET
        if s.goal is not None:
            what = "文档在此结束，" if at_end else ""
            ctx.warn(code, f"{what}工作“{s.work}”的年度目标“{s.goal}”没有目标值", s.goal_line)
            emit(None, None)
        elif s.work is not None:
            what = "文档在此结束，" if at_end else ""
            ctx.warn(code, f"{what}工作“{s.work}”没有年度目标和目标值，未导入", s.work_line)
            s.work = None
        elif s.function is not None and s.works_in_function == 0:
            what = "文档在此结束，" if at_end else ""
            ctx.warn(code, f"{what}职能“{s.function}”下没有工作及目标", s.function_line)

    pending_seq: tuple[str, Line] | None = None
    for block in blocks:
        text = block.text
        first = block.first
        if title_line is None and _OVERALL_TITLE.search(fold(text)):
            title_line = first
            year = find_year(text)
            match = re.search(r"(?:19|20)\d{2}\s*年", text)
            unit = (
                text[: match.start()].strip()
                if match
                else _TITLE_UNIT_TAIL.sub("", _OVERALL_TITLE.split(text)[0]).strip()
            )
            continue
        if _is_overall_header(text):
            continue
        if pending_seq is not None:
            close_open_item(first, at_end=False)
            s.seq, s.function_line = pending_seq
            s.function, s.works_in_function = text, 0
            pending_seq = None
            continue
        if s.goal is not None and _block_value(block) is not None:
            # A goal waits for its target: a bare number here is that target, not the
            # next function's sequence number.
            emit(_block_value(block), first)
            continue
        seq_match = _SEQ.match(first.text)
        if seq_match and _starts_function(seq_match.group(1), s):
            close_open_item(first, at_end=False)
            rest = [seq_match.group(2) or ""] + [line.text for line in block.lines[1:]]
            function = join_wrapped(rest)
            if not function:
                pending_seq = (seq_match.group(1), first)
                continue
            s.seq, s.function, s.function_line = seq_match.group(1), function, first
            s.works_in_function = 0
            continue
        if s.function is None:
            ctx.warn(UNUSED_TEXT, f"表头与第一个职能之间的内容“{text}”未能识别，未导入", first)
            continue
        if s.work is None:
            if _block_value(block) is not None:
                ctx.warn(UNUSED_TEXT, f"目标值“{text}”前没有工作及年度目标，未导入", first)
                continue
            s.work, s.work_line = text, first
        elif s.goal is None:
            goal, target, target_line = _split_goal_target(block)
            s.goal, s.goal_line = goal, first
            if target is not None:
                emit(target, target_line)
        else:
            # The goal got no target; this block starts the next work item.
            close_open_item(first, at_end=False)
            s.work, s.work_line = text, first
    if pending_seq is not None:
        ctx.warn(TRUNCATED, f"文档在此结束，序号 {pending_seq[0]} 后没有职能", pending_seq[1])
    close_open_item(None, at_end=is_last)
    anchor = title_line or blocks[0].first
    if not unit:
        ctx.warn(MISSING_FIELD, "整体绩效目标表没有标题，无法确定单位名称", anchor)
    if not s.goals:
        ctx.warn(EMPTY_TABLE, "整体绩效目标表只有表头，没有任何目标", anchor)
    return OverallTargets(unit=unit, fiscal_year=year, goals=tuple(s.goals), source=ctx.at(anchor))


def _starts_function(seq: str, s: _OverallState) -> bool:
    """A leading number starts a new function when it continues the numbering."""
    if s.seq is None:
        return True
    try:
        return int(seq) == int(s.seq) + 1
    except ValueError:
        return False


# -- project tables ----------------------------------------------------------------------


@dataclass
class _Row:
    line: Line
    values: list[TargetValue]
    level1: str | None
    level1_label: str | None
    level2: str | None
    level2_label: str | None
    name: str | None = None
    name_line: Line | None = None


@dataclass
class _NameItem:
    text: str
    line: Line
    marker: str | None = None  # canonical level 1 when the block is a level-1 label


def _header_periods(text: str) -> list[Period] | None:
    """Periods named by a header line, or None when the line is not a header line."""
    folded = fold(text)
    if not folded or not _PROJECT_HEADER.fullmatch(folded):
        return None
    return [_period_of(word) for word in _PERIOD_WORDS.findall(folded)]


def _parse_project(page: Page, ctx: _Ctx, doc_year: int | None, is_last: bool) -> Project | None:
    fields: dict[str, tuple[str, Line]] = {}
    year: int | None = None
    title_line: Line | None = None
    periods: list[Period] = []
    names_mode = False
    rows: list[_Row] = []
    names: list[_NameItem] = []
    pending: list[Line] = []
    taxonomy = taxonomy_for_year(_page_year(page) or doc_year)

    def flush_pending() -> None:
        for line in pending:
            ctx.warn(
                UNUSED_TEXT, f"“{line.text}”既不是表头、字段，也不属于任何指标行，未导入", line
            )
        pending.clear()

    def add_row(line: Line, label_text: str, values: list[TargetValue]) -> None:
        inline = label_text.split()
        # Label fragments wait in `pending` (a wrapped label, a single-row level 1).  Lines
        # in front of them that are no label at all are reported, not glued to the label.
        start = 0
        while True:
            parsed = parse_labels([p.text for p in pending[start:]] + inline, taxonomy)
            if parsed.consumed >= len(pending) - start:
                break
            start += 1
        for extra in pending[:start]:
            ctx.warn(UNKNOWN_LABEL, f"“{extra.text}”不是已知的一级或二级指标名称，未导入", extra)
        pending.clear()
        rows.append(
            _Row(
                line=line,
                values=[ctx.value(v, line) for v in values],
                level1=parsed.level1,
                level1_label=parsed.level1_label,
                level2=parsed.level2,
                level2_label=parsed.level2_label,
                name=parsed.rest or None,
                name_line=line if parsed.rest else None,
            )
        )

    for block in page.blocks:
        block_text = block.text
        if names_mode and not any(
            parse_fields(line.text) is not None
            or split_trailing_values(line.text)[1]
            or _header_periods(line.text) is not None
            or _TABLE_TITLE.search(line.text)
            or _YEAR_LINE.match(line.text)
            for line in block.lines
        ):
            marker = taxonomy.resolve_level1(block_text)
            names.append(_NameItem(block_text, block.first, marker))
            continue
        for line in block.lines:
            text = line.text
            found = parse_fields(text)
            if found is not None:
                flush_pending()
                if "name" in found and "name" in fields and found["name"] != fields["name"][0]:
                    ctx.warn(
                        AMBIGUOUS_ROWS,
                        f"同一页上有两个项目名称（“{fields['name'][0]}”与“{found['name']}”），"
                        "页面可能包含两张表，指标行归属无法确定",
                        line,
                    )
                for key, value in found.items():
                    fields.setdefault(key, (value, line))
                continue
            year_match = _YEAR_LINE.match(text)
            if year_match:
                flush_pending()
                year = int(year_match.group(1))
                continue
            if _TABLE_TITLE.search(text):
                flush_pending()
                title_line = line
                year = year or find_year(text)
                continue
            header = _header_periods(text)
            if header is not None:
                flush_pending()
                periods.extend(header)
                if "三级指标" in fold(text):
                    names_mode = True
                continue
            label_text, values = split_trailing_values(text)
            if values:
                add_row(line, label_text, values)
            elif names_mode:
                marker = taxonomy.resolve_level1(text)
                names.append(_NameItem(text, line, marker))
            else:
                pending.append(line)
    flush_pending()

    name_field = fields.get("name")
    anchor = (name_field[1] if name_field else None) or title_line or page.blocks[0].first
    if not rows and name_field is None:
        return None
    project_name = name_field[0] if name_field else ""
    if not project_name:
        ctx.warn(MISSING_FIELD, "项目绩效目标表没有项目名称", anchor)
    if not rows:
        ctx.warn(EMPTY_TABLE, f"项目“{project_name}”的绩效目标表没有任何指标行", anchor)

    _fill_levels(rows, ctx, taxonomy, project_name)
    _assign_names(rows, names, ctx, project_name, is_last, names_mode)
    indicators = [
        ind for row in rows if (ind := _indicator(row, periods, ctx, project_name)) is not None
    ]

    def field_value(key: str) -> str | None:
        found = fields.get(key)
        return found[0] if found and found[0] else None

    def field_year(key: str) -> int | None:
        value = field_value(key)
        return find_year(value + ("" if value.endswith("年") else "年")) if value else None

    funds = None
    amounts = {
        key.split(".")[1]: parse_amount(value)
        for key, (value, _) in fields.items()
        if key.startswith("funds.")
    }
    if amounts:  # parse_amount gives 万元 (an amount written in 元 is divided)
        funds = Funds.printed("万元", **amounts)
    return Project(
        name=project_name,
        department=field_value("department"),
        unit=field_value("unit"),
        fiscal_year=year,
        start_year=field_year("start"),
        end_year=field_year("end"),
        funds=funds,
        indicators=tuple(indicators),
        source=ctx.at(anchor),
    )


def _page_year(page: Page) -> int | None:
    for line in page.lines:
        match = _YEAR_LINE.match(line.text)
        if match:
            return int(match.group(1))
        if _TABLE_TITLE.search(line.text) and find_year(line.text):
            return find_year(line.text)
    return None


def _fill_levels(rows: list[_Row], ctx: _Ctx, taxonomy: Taxonomy, project: str) -> None:
    """Complete each row's level 1 and level 2 from its labels, merged cells and the taxonomy."""
    previous: _Row | None = None
    for row in rows:
        legacy = TAXONOMY_2015.resolve_level2(row.level1_label or "")
        if (
            row.level2 is None
            and legacy is not None
            and not taxonomy.belongs(row.level1 or "", legacy.name)
        ):
            # A row labelled only 成本指标: the older templates' level 2 under 产出指标,
            # still printed in tables of 2021-taxonomy years.
            row.level1, row.level1_label = legacy.parent, None
            row.level2, row.level2_label = legacy.name, legacy.label
        if row.level2 is None and previous is not None and row.level1 in (None, previous.level1):
            # A row of a merged level-2 cell prints its values only.
            row.level2, row.level2_label = previous.level2, previous.level2_label
            row.level1 = row.level1 or previous.level1
            row.level1_label = row.level1_label or previous.level1_label
        if row.level2 is not None:
            resolved = taxonomy.resolve_level2(row.level2)
            parent = resolved.parent if resolved is not None else None
            if row.level1 is None:
                row.level1 = parent
            elif parent is not None and parent != row.level1:
                ctx.warn(
                    LEVEL_MISMATCH,
                    f"项目“{project}”：二级指标“{row.level2_label}”不属于一级指标"
                    f"“{row.level1_label}”（{taxonomy.version} 版指标体系）",
                    row.line,
                )
        if row.level2 is None:
            ctx.warn(
                UNKNOWN_LABEL,
                f"项目“{project}”：指标行没有可识别的二级指标名称",
                row.line,
            )
        previous = row


def _assign_names(
    rows: list[_Row],
    names: list[_NameItem],
    ctx: _Ctx,
    project: str,
    is_last: bool,
    names_seen: bool,
) -> None:
    """Give each row its level-3 name from the names area (see module docstring)."""
    groups: dict[str | None, list[_NameItem]] = {}
    markers: dict[str, str] = {}
    current: str | None = None
    for item in names:
        if item.marker is not None:
            current = item.marker
            groups.setdefault(current, [])
            markers[current] = item.text
        else:
            groups.setdefault(current, []).append(item)
    truncated = is_last
    for level1, items in groups.items():
        if level1 is None:
            continue
        open_rows = [r for r in rows if r.name is None and r.level1 == level1]
        for row in rows:
            if row.level1 == level1 and row.level1_label is None:
                row.level1_label = markers[level1]  # the merged cell's label
        _pair(open_rows, items, ctx, project, f"一级指标“{level1}”", truncated)
    orphans = groups.get(None, [])
    marked = {k for k in groups if k is not None}
    open_rows = [r for r in rows if r.name is None and r.level1 not in marked]
    if orphans or open_rows:
        _pair(open_rows, orphans, ctx, project, "单行一级指标", truncated)
    unnamed = [r for r in rows if r.name is None]
    if unnamed:
        if is_last:
            ctx.warn(
                TRUNCATED,
                f"文档在此结束，项目“{project}”有 {len(unnamed)} 个指标行缺少三级指标名称，"
                "未导入这些行",
                unnamed[0].line,
            )
        else:
            where = "" if names_seen else "（页面上没有“三级指标”列）"
            for row in unnamed:
                ctx.warn(
                    AMBIGUOUS_ROWS,
                    f"项目“{project}”：指标行“{row.line.text}”找不到三级指标名称{where}",
                    row.line,
                )
                row.name, row.name_line = "", row.line


def _pair(
    rows: list[_Row],
    items: list[_NameItem],
    ctx: _Ctx,
    project: str,
    group: str,
    truncated: bool,
) -> None:
    """Pair rows with names in order, a satisfaction name going to a satisfaction row.

    On the document's last page fewer names than rows is a cut-off, reported once by the
    caller, not a mismatch.
    """
    if not rows and not items:
        return
    if len(rows) != len(items) and not (truncated and len(items) < len(rows)):
        anchor = (items[0].line if items else None) or rows[0].line
        ctx.warn(
            AMBIGUOUS_ROWS,
            f"项目“{project}”：{group}下有 {len(rows)} 个指标行、{len(items)} 个三级指标名称，"
            "数量不一致，按顺序对应",
            anchor,
        )
    rows_left = list(rows)
    items_left = list(items)
    # A name that speaks of satisfaction belongs to the satisfaction row, wherever printed.
    sat_rows = [r for r in rows_left if r.level1 == SATISFACTION]
    sat_items = [i for i in items_left if "满意" in i.text]
    if len(sat_rows) == len(sat_items) == 1 and len(rows_left) > 1:
        _give(sat_rows[0], sat_items[0])
        rows_left.remove(sat_rows[0])
        items_left.remove(sat_items[0])
    for row, item in zip(rows_left, items_left, strict=False):
        _give(row, item)
    for item in items_left[len(rows_left) :]:
        ctx.warn(
            UNUSED_TEXT,
            f"项目“{project}”：三级指标名称“{item.text}”没有对应的指标值行，未导入",
            item.line,
        )


def _give(row: _Row, item: _NameItem) -> None:
    row.name, row.name_line = item.text, item.line


def _indicator(row: _Row, periods: list[Period], ctx: _Ctx, project: str) -> Indicator | None:
    if row.name is None:
        return None
    columns = list(dict.fromkeys(periods)) or _default_periods(len(row.values))
    values: dict[Period, TargetValue] = {}
    if len(row.values) == len(columns):
        values = dict(zip(columns, row.values, strict=True))
    else:
        ctx.warn(
            MISSING_VALUE,
            f"项目“{project}”指标“{row.name}”：表头有 {len(columns)} 个指标值列，"
            f"本行有 {len(row.values)} 个值，按右对齐读取",
            row.line,
        )
        for period, value in zip(reversed(columns), reversed(row.values), strict=False):
            values[period] = value
    return Indicator(
        level1=row.level1 or "",
        level2=row.level2 or "",
        name=row.name,
        half_year=values.get(Period.HALF_YEAR),
        full_year=values.get(Period.FULL_YEAR),
        long_term=values.get(Period.LONG_TERM),
        level1_label=row.level1_label,
        level2_label=row.level2_label,
        source=ctx.at(row.name_line or row.line),
    )


def _default_periods(count: int) -> list[Period]:
    if count >= 2:
        return [Period.HALF_YEAR, Period.FULL_YEAR]
    return [Period.FULL_YEAR]


# -- the document ------------------------------------------------------------------------


def read(source: TextSource, *, sha256: str | None = None) -> Document:
    """Read a source in this layout; raises :class:`IngestError` when it holds no table."""
    pages = source.pages()
    if not pages:
        raise IngestError(source.name, "is empty: no performance target table in it")
    kinds = [_page_kind(p) for p in pages]
    if not any(kinds):
        first = pages[0].blocks[0].first
        raise IngestError(
            source.name,
            "is not a performance target table: found no 绩效目标表 headers "
            "(一级指标/二级指标/三级指标, or 职能/年度目标)",
            line=first.number,
            page=first.page,
        )
    ctx = _Ctx(source)
    overall: list[OverallTargets] = []
    projects: list[Project] = []
    years: list[int | None] = []  # of tables that held nothing
    k = 0
    while k < len(pages):
        kind = kinds[k]
        if kind == "overall":
            run = [pages[k]]
            k += 1
            while k < len(pages) and kinds[k] is None:  # continuation pages
                run.append(pages[k])
                k += 1
            table = _parse_overall(run, ctx, is_last=k == len(pages))
            if table.goals:
                overall.append(table)
            else:
                years.append(table.fiscal_year)
            continue
        if kind == "project":
            doc_year = overall[-1].fiscal_year if overall else None
            project = _parse_project(pages[k], ctx, doc_year, is_last=k == len(pages) - 1)
            if project is not None:
                projects.append(project)
        else:
            first = pages[k].blocks[0].first
            ctx.warn(UNUSED_TEXT, f"第 {pages[k].number} 页不是绩效目标表，未导入", first)
        k += 1
    return _finish(overall, projects, years, ctx, source, sha256)


def _finish(
    overall: list[OverallTargets],
    projects: list[Project],
    empty_years: list[int | None],
    ctx: _Ctx,
    source: TextSource,
    sha256: str | None,
) -> Document:
    years = [o.fiscal_year for o in overall] + [p.fiscal_year for p in projects]
    return finish(
        overall,
        projects,
        fiscal_year=most_common_year(years or empty_years),
        warnings=ctx.warnings,
        file=source.name,
        sha256=sha256,
        layout=LAYOUT,
    )

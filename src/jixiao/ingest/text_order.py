"""Reader for text dumps whose cells come out of reading order (layout ``text-order``).

``pdftotext`` without ``-layout`` (and ``-raw``) writes a table's cells as the PDF draws
them: a row's name and values usually together, but the labels of merged level-1/level-2
cells where their middle falls (often after the rows they head, or all together), wrapped
cells on several lines, a column's values sometimes as one run after all the names, and
header words scattered through the table.  No separator, no alignment: only the order and
what each cell *is*.

The reader rebuilds the rows from what the domain knows and hands them, as a ragged grid,
to the grid interpreter (:mod:`jixiao.ingest._read`), which reads titles, fields,
headers, levels, values and actuals as for every other format:

* **Tokens.**  Every line is split at white space into cells, each classified: title,
  field label (项目名称 …) with its value, header word (一级指标, 半年, 指标值, 实际完成值 …),
  taxonomy label (level 1 or 2), value-like (a target value, an operator, a unit, a bare
  number, 定量/定性, 正向/反向) or text (an indicator name, or part of one).
* **Header.**  All header words of the table make one header row, levels and name first,
  then the other columns in the order they first appear; a period word and a plain 指标值
  printed on two lines of one cell are one header (半年（程） + 指标值).
* **Rows.**  A text cell starts a row; values go to the first row of the names printed
  since the last values that is not full (names printed as a run are followed by their
  values in the same order), values on a name's line to that row.  Values that find no
  row wait, and go, in order, to the rows without a value (a column printed as a run
  after the names); values printed on one line stay together.  Two name lines of one
  block, one of them left without values, are one wrapped name.
* **Levels.**  A label printed right before a row heads it; the labels printed elsewhere
  (after the table, or several together) go to the rows without one, in the taxonomy's
  order between their neighbours' labels; rows with none left take the label of the row
  above (a merged cell).

The reader never guesses silently: the interpreter warns about what does not fit, with the
line of each cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from jixiao.domain.model import Document
from jixiao.domain.provenance import Provenance
from jixiao.domain.taxonomy import TAXONOMY_2015, TAXONOMY_2021, Resolved, Taxonomy
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import read_grids
from jixiao.ingest._read.columns import (
    _ACTUAL_ROLES,
    _classify,
    _explicit_period,
    _feat,
    _field_key,
    _Role,
)
from jixiao.ingest._read.find import _inline_fields, _is_title
from jixiao.ingest._read.levels import _legacy_level2, _resolve
from jixiao.ingest._text import Line, TextSource, fold
from jixiao.ingest._vocab import NOTE_ROW, YEAR_LINE
from jixiao.ingest.errors import IngestError

LAYOUT = "text-order"

_SPLIT = re.compile(r"\s+")
_LEVEL_ROLES = frozenset({_Role.LEVEL1, _Role.LEVEL2, _Role.NAME, _Role.NAME_WEAK})
_COLUMN_ORDER = {_Role.LEVEL1: 0, _Role.LEVEL2: 1, _Role.NAME: 2, _Role.NAME_WEAK: 2}
_NOT_COLUMNS = frozenset({_Role.IGNORED, _Role.UNKNOWN, _Role.NOTE, _Role.SEQ})
# Columns whose header word printed after the rows is left out (their cells are then
# reported as in no column): 权重 and 指标方向 stand anywhere, and nothing is kept of them.
_LATE_DROPPED = frozenset({_Role.WEIGHT, _Role.DIRECTION, _Role.KIND, _Role.NOTE})


@dataclass(slots=True)
class _Tok:
    text: str
    line: Line
    block: int


@dataclass(slots=True)
class _Row:
    labels: list[_Tok]
    name: list[_Tok]
    cells: list[_Tok] = field(default_factory=list)
    l1: _Tok | None = None
    l2: _Tok | None = None


@dataclass(slots=True)
class _Table:
    head: list[list[_Tok]] = field(default_factory=list)  # titles and fields, as rows
    header: list[tuple[_Tok, _Role]] = field(default_factory=list)
    body: list[_Tok] = field(default_factory=list)
    notes: list[_Tok] = field(default_factory=list)
    unnamed: dict[str, _Tok] = field(default_factory=dict)  # field labels without a value
    late: list[_Tok] = field(default_factory=list)  # header words printed after the rows


def _tokens(source: TextSource) -> list[_Tok]:
    return _join_labels(_split(source))


def _join_labels(tokens: list[_Tok]) -> list[_Tok]:
    """A taxonomy label wrapped over two lines (服务对象满意度指 + 标) is one cell."""
    out: list[_Tok] = []
    for tok in tokens:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.line.number + 1 == tok.line.number
            and not _is_label(prev.text)
            and TAXONOMY_2021.is_label_prefix(prev.text)
            and _is_label(prev.text + tok.text)
        ):
            out[-1] = _Tok(prev.text + tok.text, prev.line, prev.block)
            continue
        out.append(tok)
    return out


def _split(source: TextSource) -> list[_Tok]:
    out: list[_Tok] = []
    block = 0
    for page in source.pages():
        for b in page.blocks:
            block += 1
            for line in b.lines:
                if NOTE_ROW.match(line.text) or _is_title(line.text):
                    out.append(_Tok(line.text, line, block))  # a note or title stays whole
                    continue
                out.extend(_Tok(part, line, block) for part in _SPLIT.split(line.text) if part)
    return out


_PROSE = re.compile(r"[，。；,;]")
_TARGET_WORD = re.compile(r"指标值|目标值")
_META = re.compile(r"^[^：:\d]{1,10}[：:]")  # a "label：value" line above a table


def _header_role(text: str) -> _Role | None:
    """The column a header word names; words of the overall table (职能, 工作任务) are not
    read here (this reader reads indicator tables), 年度目标 heads the prose goal."""
    found = _classify(text)
    if found is None or found[0] in (_Role.FUNCTION, _Role.WORK, _Role.SEQ):
        return None
    return found[0]


def _prose(text: str) -> bool:
    """A sentence or part of one (a goal, a note): no indicator name or value."""
    return "。" in text or (len(text) > 10 and bool(_PROSE.search(text)))


def _is_label(text: str) -> bool:
    return _feat(text).level is not None


def _value_like(text: str) -> bool:
    f = _feat(text)
    return (
        f.value
        or f.op_only
        or f.number
        or f.kind_word
        or f.direction_word
        or (f.measure and len(fold(text)) <= 3)
    )


def _tables(tokens: Sequence[_Tok]) -> list[_Table]:
    """Tokens split into tables (at titles, or at a second 项目名称) and sorted into the
    head (titles, fields), the header words and the body."""
    tables: list[_Table] = []
    t = _Table()
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        text = tok.text
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        key = _field_key(text)
        if _is_title(text):
            titled = any(_is_title(x.text) for row in t.head for x in row)
            if (t.header or t.body) and titled:
                tables.append(t)
                t = _Table()
            t.head.append([tok])
            if (t.header or t.body) and "name" in t.unnamed and _plain_text(nxt):
                # The title printed after the table (-raw dumps), then the 项目名称 value
                # that its label lacked.
                assert nxt is not None
                t.head.append([t.unnamed.pop("name"), nxt])
                k += 1
        elif NOTE_ROW.match(text):
            t.notes.append(tok)
        elif key is not None:
            if key in ("name", "unit", "department") and (t.header or t.body):
                tables.append(t)  # the next table's head (its title may come later)
                t = _Table()
            if nxt is not None and _field_value(nxt.text, key):
                t.head.append([tok, nxt])
                k += 1
            elif key == "name":
                t.unnamed["name"] = tok  # its value may come later
            elif not t.header:
                t.head.append([tok])
        elif _inline_fields(text) or _META.match(text):
            t.head.append([tok])  # 编制单位：…, 单位：万元
        elif (
            (role := _header_role(text)) is not None
            and not _is_label(text)
            and (role not in _ACTUAL_ROLES or _reports(t))
        ):
            if role is _Role.GOAL:
                t.head.append([tok])  # 年度绩效目标: the prose goal follows
            elif t.body and role in _LATE_DROPPED:
                t.late.append(tok)  # printed after the rows: its place is unknown
            else:
                t.header.append((tok, role))
        elif _prose(text):
            t.head.append([tok])
        elif YEAR_LINE.match(fold(text)):
            t.head.append([tok])  # （2024年度）, the year above the target columns, a field's
        elif not t.header and not _is_label(text):
            t.head.append([tok])  # text before the table: the interpreter reports it
        else:
            t.body.append(tok)
        k += 1
    if t.head or t.header or t.body:
        tables.append(t)
    for t in tables:
        t.head.extend([tok] for tok in t.unnamed.values())  # never found: reported
    return tables


def _reports(t: _Table) -> bool:
    """Whether the table's title makes it a self-evaluation or monitoring table (where
    words such as 完成率 are headers, not parts of an indicator's name)."""
    return any(
        re.search(r"自评|评价|监控|完成情况", fold(tok.text)) for row in t.head for tok in row
    )


def _plain_text(tok: _Tok | None) -> bool:
    """A cell that is no field label, header word, taxonomy label or value."""
    if tok is None:
        return False
    text = tok.text
    return not (_field_key(text) or _header_role(text) or _is_label(text) or _value_like(text))


def _field_value(text: str, key: str) -> bool:
    """Whether a cell can be a field's value (not another label, a header or a level)."""
    if _field_key(text) is not None or _header_role(text) is not None or _is_label(text):
        return False
    if key in ("start", "end"):
        return bool(re.search(r"\d", text))
    return True


def _header(t: _Table) -> list[tuple[str, _Role, _Tok]]:
    """The header words as one row: levels and name first, then the other columns in the
    order they appear; a period word and a plain target word on the next line of the same
    cell joined (半年（程） + 指标值)."""
    merged: list[tuple[str, _Role, _Tok]] = []
    for tok, role in t.header:
        if merged:
            text, prev_role, prev = merged[-1]
            same_cell = prev.block == tok.block and tok.line.number == prev.line.number + 1
            joined = _classify(text + tok.text)
            period_then_value = (
                role is _Role.TARGET
                and prev_role is _Role.TARGET
                and _explicit_period(text)
                and not _explicit_period(tok.text)
                and not _TARGET_WORD.search(text)
            )
            if (
                same_cell
                and joined is not None
                and (period_then_value or prev_role in _NOT_COLUMNS or role in _NOT_COLUMNS)
            ):
                merged[-1] = (text + tok.text, joined[0], prev)
                continue
        merged.append((tok.text, role, tok))
    seen: set[str] = set()
    levels: list[tuple[str, _Role, _Tok]] = []
    others: list[tuple[str, _Role, _Tok]] = []
    for text, role, tok in merged:
        if role in _NOT_COLUMNS or text in seen:
            continue
        seen.add(text)
        (levels if role in _COLUMN_ORDER else others).append((text, role, tok))
    levels.sort(key=lambda item: _COLUMN_ORDER[item[1]])
    return levels + others


def _rows(body: Sequence[_Tok], width: int) -> tuple[list[_Row], list[_Tok]]:
    """Rows from the body's tokens (see the module docstring), and the labels that headed
    no row of their own."""
    rows: list[_Row] = []
    pending: list[_Tok] = []
    waiting: list[_Tok] = []  # values that found no open row
    run = 0  # the first row of the names printed since the last values
    for tok in body:
        text = tok.text
        if _is_label(text):
            pending.append(tok)
            continue
        last = rows[-1] if rows else None
        if not _value_like(text):
            if (
                last is not None
                and last.cells
                and last.name[-1].line.number == tok.line.number
                and len(last.cells) < max(width, 1)
            ):
                last.cells.append(tok)  # after values on its row's line: a value (定性 …)
                continue
            if rows and rows[-1].cells:
                run = len(rows)
            rows.append(_Row(pending, [tok]))
            pending = []
            continue
        if (
            last is not None
            and last.name[-1].line.number == tok.line.number
            and len(last.cells) < max(width, 1)
        ):
            last.cells.append(tok)  # printed on the name's line: that row's
            continue
        # Values go to the first row of the current names that is not full: names printed
        # as a run are followed by their values in the same order.
        while run < len(rows) and _full(rows[run], tok, width):
            run += 1
        if run < len(rows):
            rows[run].cells.append(tok)
        else:
            waiting.append(tok)
    _hand_out(rows, waiting, width)
    return _join_wrapped(rows), pending


def _full(row: _Row, tok: _Tok, width: int) -> bool:
    if len(row.cells) >= max(width, 1):
        return True
    # A row printed with its values on one line: a value on another line is another row's.
    return _one_line(row) and row.cells[-1].line.number != tok.line.number


def _join_wrapped(rows: list[_Row]) -> list[_Row]:
    """Two names on consecutive lines of one block, one of them without values, are one
    wrapped name (whichever part the values were printed beside)."""
    out: list[_Row] = []
    for row in rows:
        prev = out[-1] if out else None
        last = prev.name[-1] if prev is not None else None
        if (
            prev is not None
            and last is not None
            and not row.labels
            and (not row.cells or not prev.cells)
            and row.name[0].block == last.block
            and row.name[0].line.number == last.line.number + 1
        ):
            prev.name.extend(row.name)
            prev.cells.extend(row.cells)
            continue
        out.append(row)
    return out


def _one_line(row: _Row) -> bool:
    """Whether the row's values so far share one line with more than one value (a row
    printed on its own line: a value on the next line is another row's)."""
    return len(row.cells) > 1 and len({c.line.number for c in row.cells}) == 1


def _hand_out(rows: Sequence[_Row], waiting: Sequence[_Tok], width: int) -> None:
    """Values that found no open row go, in order, to the rows that got none: a line of
    several values to one row, otherwise up to ``width`` values each."""
    empty = [r for r in rows if not any(_feat(c.text).value for c in r.cells)]
    if not empty or not waiting:
        return
    groups: list[list[_Tok]] = []
    lines = [tok.line.number for tok in waiting]
    shared = len(set(lines)) < len(lines)
    for tok in waiting:
        if groups and (
            (shared and groups[-1][-1].line.number == tok.line.number)
            or (not shared and len(groups[-1]) < _targets_per_row(waiting, empty, width))
        ):
            groups[-1].append(tok)
        else:
            groups.append([tok])
    for row, group in zip(empty, groups, strict=False):
        row.cells.extend(group)


def _targets_per_row(waiting: Sequence[_Tok], empty: Sequence[_Row], width: int) -> int:
    """Values per row when they cannot be told apart by lines: as many as divide evenly."""
    per = max(1, round(len(waiting) / len(empty)))
    return min(per, width) if width else per


# -- levels --------------------------------------------------------------------------------


def _resolved(text: str) -> tuple[Resolved, Taxonomy] | None:
    """The label in the 2021 taxonomy, else the 2015 one, and which; a 2021 level 1 that
    older templates print as a level 2 (成本指标 under 产出指标) as that level 2."""
    for taxonomy in (TAXONOMY_2021, TAXONOMY_2015):
        found = _resolve(text, taxonomy)
        if found is None:
            continue
        legacy = _legacy_level2(text) if found.level == 1 else None
        return (legacy, TAXONOMY_2015) if legacy is not None else (found, taxonomy)
    return None


def _rank(text: str) -> tuple[int, int] | None:
    """Where a level-2 label sits in the conventional order (level 1, then level 2)."""
    resolved = _resolved(text)
    if resolved is None or resolved[0].level != 2:
        return None
    found, taxonomy = resolved
    parent = found.parent or ""
    level1 = taxonomy.level1
    children = taxonomy.level2_of(parent)
    return (
        level1.index(parent) if parent in level1 else 99,
        children.index(found.name) if found.name in children else 99,
    )


def _is_level2(text: str) -> bool:
    return _rank(text) is not None


# What indicator names and values of each level 2 tend to say (a weak hint, used only to
# share labels printed apart from their rows among the rows that have none).
_HINTS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    (
        "数量指标",
        re.compile(
            r"数量|人次|次数|个数|人数|户数|期数|场次|批次|规模|面积|长度|里程|\d*[个座家件期场次项户人名所台套辆篇条宗]$|数$"
        ),
        1.0,
    ),
    ("质量指标", re.compile(r"率|合格|达标|质量|准确|验收|规范|优良"), 0.8),
    (
        "时效指标",
        re.compile(r"及时|时限|时间|进度|按时|按期|周期|办结|工作日|月底|年底|日前|月前"),
        1.5,
    ),
    ("成本指标", re.compile(r"成本|费用|经费|支出|补助|单价|投入|元$|万元"), 1.5),
    ("经济效益指标", re.compile(r"经济|收入|增收|产值|效益"), 1.0),
    ("社会效益指标", re.compile(r"社会|能力|保障|提升|群众|公众|服务"), 0.6),
    ("生态效益指标", re.compile(r"生态|环境|水质|污染|排放|绿化|节能|空气"), 1.5),
    ("可持续影响指标", re.compile(r"长效|持续|机制|知晓"), 1.2),
    ("服务对象满意度指标", re.compile(r"满意"), 3.0),
)


def _affinity(row: _Row, label: _Tok) -> float:
    """How well a row's name and values fit a level-2 label (0 when nothing says)."""
    found = _resolve_label(label.text)
    if found is None:
        return 0.0
    text = "".join(t.text for t in row.name) + " " + " ".join(t.text for t in row.cells)
    score = 0.0
    for name, pattern, weight in _HINTS:
        if pattern.search(text):
            score += weight if found.endswith(name) or name.endswith(found) else 0.0
    return score


def _resolve_label(text: str) -> str | None:
    resolved = _resolved(text)
    return resolved[0].name if resolved is not None else None


def _share(run: Sequence[_Row], labels: Sequence[_Tok], keep_first: bool) -> None:
    """Give a run of rows labels in order (each row at or after the label of the row
    before), skipping labels costs a little: the best fit by the names' hints.  With
    ``keep_first`` the first label is the row above's (a merged cell running on): no cost."""
    n, m = len(run), len(labels)
    skip = 0.5
    best: list[list[float]] = [[float("-inf")] * m for _ in range(n)]
    back: list[list[int]] = [[0] * m for _ in range(n)]
    for j in range(m):
        best[0][j] = _affinity(run[0], labels[j]) - skip * (j if not keep_first else max(0, j - 1))
    for i in range(1, n):
        for j in range(m):
            k = max(range(j + 1), key=lambda k: best[i - 1][k] - skip * max(0, j - k - 1))
            best[i][j] = best[i - 1][k] - skip * max(0, j - k - 1) + _affinity(run[i], labels[j])
            back[i][j] = k
    j = max(range(m), key=lambda j: best[n - 1][j] - skip * (m - 1 - j))
    for i in range(n - 1, -1, -1):
        run[i].l2 = labels[j]
        j = back[i][j]


def _assign_levels(rows: Sequence[_Row], left: Sequence[_Tok]) -> None:
    """Each row's level-1 and level-2 label (see the module docstring)."""
    spare: list[_Tok] = [tok for tok in left if _is_level2(tok.text)]
    for row in rows:
        # 成本指标 is a level 1 beside a level 2 (经济成本指标), else the older level 2.
        level2 = [tok for tok in row.labels if _feat(tok.text).level == 2] or [
            tok for tok in row.labels if _is_level2(tok.text)
        ]
        level1 = [tok for tok in row.labels if _feat(tok.text).level == 1 and tok not in level2]
        if len(level2) == 1:
            row.l2 = level2[0]  # a label printed right before its row
        # The others (a column of labels printed together) are shared out below.
        spare.extend(tok for tok in row.labels if tok is not row.l2 and _is_level2(tok.text))
        if len(level1) == 1:
            row.l1 = level1[0]  # several together are a column of labels, not its own
    spare.sort(key=lambda tok: _rank(tok.text) or (99, 99))
    k = 0
    while k < len(rows):
        if rows[k].l2 is not None:
            k += 1
            continue
        end = k
        while end < len(rows) and rows[end].l2 is None:
            end += 1
        before = rows[k - 1].l2 if k > 0 else None
        after = rows[end].l2 if end < len(rows) else None
        low = _rank(before.text) if before is not None else None
        high = _rank(after.text) if after is not None else None
        fits = [
            tok
            for tok in spare
            if (r := _rank(tok.text)) is not None
            and (low is None or r > low)
            and (high is None or r < high)
        ]
        labels = ([before] if before is not None else []) + fits
        if labels:
            _share(rows[k:end], labels, keep_first=before is not None)
            for row in rows[k:end]:
                if row.l2 in spare:
                    spare.remove(row.l2)
        k = end
    for row in rows:
        parent = _parent(row.l2.text) if row.l2 is not None else None
        if row.l1 is None or parent is None or _resolve_label(row.l1.text) == parent:
            continue
        own = _resolve_label(row.l1.text)
        if row.l2 is not None and row.l2 in row.labels:
            row.l1 = None  # a level 1 printed near the row but not its own
        else:
            # Its own level 1 printed on its line, a level 2 taken from elsewhere: a spare
            # label of that level 1, else none (the interpreter knows a single child).
            row.l2 = next((tok for tok in spare if _parent(tok.text) == own), None)


def _parent(text: str) -> str | None:
    resolved = _resolved(text)
    return resolved[0].parent if resolved is not None and resolved[0].level == 2 else None


# -- the grid ------------------------------------------------------------------------------


def _grid(t: _Table, source: TextSource) -> Grid | None:
    header = _header(t)
    roles = [role for _, role, _ in header]
    if not any(role in _COLUMN_ORDER for role in roles):
        return None  # no indicator table (an overall table, or prose): other readers
    width = sum(1 for r in roles if r not in _COLUMN_ORDER)
    rows, left = _rows(t.body, width)
    _assign_levels(rows, left)
    cells: list[GridCell] = []
    r = 0

    def put(items: Sequence[tuple[str, Line]]) -> None:
        nonlocal r
        for c, (text, line) in enumerate(items):
            cells.append(
                GridCell(text, r, c, source=Provenance(source.name, line.page, line.number))
            )
        r += 1

    # Titles first: a title printed after the fields (-raw dumps) would start a new table.
    head = sorted(t.head, key=lambda items: not _is_title(items[0].text))
    for fields in head:
        put([(tok.text, tok.line) for tok in fields])
    if header:
        put([(text, tok.line) for text, _, tok in header])
    for row in rows:
        items: list[tuple[str, Line]] = []
        for label in (row.l1, row.l2):
            if label is not None:
                items.append((label.text, label.line))
        name = "".join(tok.text for tok in row.name)
        items.append((name, row.name[0].line))
        items.extend((tok.text, tok.line) for tok in row.cells)
        put(items)
    for tok in t.notes:
        put([(tok.text, tok.line)])
    if not cells:
        return None
    return Grid(tuple(cells), ragged=True)


def sniff(source: TextSource) -> float:
    """Moderate wherever the cells stand one (or a few) per line without separators, as
    in the one-cell-per-line and the seed's dumps, so that this reader is tried beside
    them (see ``read_bytes``: the reading that makes most sense wins); low where columns
    are aligned with spaces."""
    from jixiao.ingest import text_blocks
    from jixiao.ingest.text_grid import sniff_cell_lines, sniff_columns

    # Columns aligned with spaces are no reading-order dump: their reader knows better.
    aligned = sniff_columns(source)
    return 0.9 * max(sniff_cell_lines(source), text_blocks.sniff(source)) * (1 - aligned)


def read(source: TextSource, *, sha256: str) -> Document:
    """Read a text dump whose cells are out of reading order (layout ``text-order``)."""
    grids = [g for t in _tables(_tokens(source)) if (g := _grid(t, source)) is not None]
    if not grids:
        raise IngestError(source.name, "is empty: no performance target table in it")
    return read_grids(grids, file=source.name, sha256=sha256, layout=LAYOUT)


__all__ = ["LAYOUT", "read", "sniff"]

"""Run-together text: a table dumped with no separator between the cells of a row.

Web pages and document-sharing sites often give a table as lines such as::

    一级指标二级指标指标内容指标值
    产出指标数量指标农村义务教育学校改造覆盖率100%
    效益指标可持续影响指标义务教育优质均衡发展情况稳步提高
    预算执行率10%=100

Layout ``run-together``: the header is a line made entirely of header words glued together
(一级指标 · 二级指标 · 指标内容 · 指标值), which says what each row holds and in which order.
Each row below it is cut by what the words are, not by where they are:

1. category labels at its start (the taxonomy's level-1 and level-2 labels, any version,
   with a score such as ``(50分)``);
2. from its end, the cells that follow the name in the header, by their grammar: a target or
   actual (the value grammar of :mod:`jixiao.domain.values`), a weight or score (a number),
   a unit (a short word), an operator (``=`` ``≥``…, or 定量/定性);
3. what is left between them is the name.

When several cuts fit, the plausible one wins (no number cut between two digits, a target and
its actual alike, a weight equal to its score, a qualitative phrase that does not start in
the name); when two cuts remain equally plausible the row is read by the first and a warning
(``ingest.ambiguous-cells``) names its line.  A line that no cut fits is left whole (the
interpreter reports it).  The cut rows are given to the interpreter as a ``|``-separated
text (the ``pipe`` reader's grids), so titles, fields, level carry-down and the joining of
operator, value and unit work as for any table.

A whole table run together on one line (``…一级指标二级指标三级指标分值年度指标值全年实际值得分
产出指标(70分)数量指标安装坡面水标尺10≥266米≥266米10水标尺宽度10…``) is cut from its header on,
row by row: the shortest name whose cells cut cleanly and after which a row or the table's end
can start.  Those rows are given to the interpreter as a grid of their own, located at the line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache

from jixiao.domain.model import Diagnostic, Document
from jixiao.domain.provenance import Provenance
from jixiao.domain.taxonomy import TAXONOMY_2015, TAXONOMY_2021
from jixiao.domain.values import QUALITATIVE_SUBJECT_WORDS, Kind, parse_value
from jixiao.ingest._cells import as_value
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._text import TextSource, fold
from jixiao.ingest._vocab import SIGN_OFF
from jixiao.ingest.errors import IngestError

LAYOUT = "run-together"
AMBIGUOUS_CELLS = "ingest.ambiguous-cells"

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPACE = re.compile(r"\s+")

# -- the header ------------------------------------------------------------------------------

# Header words (folded, without spaces), longest first, with the kind of cell each column
# holds: label1, label2, name, value (a target or an actual), number (weight, score), unit,
# op, text (a reason, a note: free text, only last), group (绩效指标 printed once: no column).
_HEADER_KINDS: tuple[tuple[str, str], ...] = (
    ("一级指标", "label1"),
    ("二级指标", "label2"),
    ("三级指标", "name"),
    ("指标名称", "name"),
    ("指标内容", "name"),
    ("年度指标值", "value"),
    ("年度目标值", "value"),
    ("全年指标值", "value"),
    ("指标值及单位", "value"),
    ("预期指标值", "value"),
    ("全年实际值", "value"),
    ("全年完成值", "value"),
    ("实际完成值", "value"),
    ("实际完成情况", "value"),
    ("指标值", "value"),
    ("目标值", "value"),
    ("完成值", "value"),
    ("实际值", "value"),
    ("指标权重", "number"),
    ("权重", "number"),
    ("分值", "number"),
    ("得分", "number"),
    ("计量单位", "unit"),
    ("度量单位", "unit"),
    ("计算符号", "op"),
    ("指标性质", "op"),
    ("指标方向", "op"),
    ("未完成原因和改进措施", "text"),
    ("未完成原因及拟采取的改进措施", "text"),
    ("偏差原因分析及改进措施", "text"),
    ("未完成原因", "text"),
    ("偏差原因", "text"),
    ("改进措施", "text"),
    ("备注", "text"),
    ("绩效指标", "group"),
)
_HEADER_WORDS = sorted(_HEADER_KINDS, key=lambda item: -len(item[0]))
_SCORE_NOTE = re.compile(r"\(\d+(?:\.\d+)?分\)")


def _squeeze(text: str) -> str:
    return _SPACE.sub("", fold(text))


_JOINERS = "及和与、/"  # 未完成原因 及 改进措施


def _word_at(text: str, k: int) -> tuple[str, str, int] | None:
    """The header word at ``k`` (after a joining 及 / 和), its kind and the length taken."""
    for skip in (0, 1):
        if skip and (k >= len(text) or text[k] not in _JOINERS):
            return None
        at = k + skip
        found = next(((w, kind) for w, kind in _HEADER_WORDS if text.startswith(w, at)), None)
        if found is not None:
            return found[0], found[1], len(found[0]) + skip
    return None


def _header_words(line: str) -> list[tuple[str, str]] | None:
    """The header words a line is made of, after any text before them (部门整体支出 年度绩效
    指标), or None when the line is not such a header."""
    text = _squeeze(line)
    for start in range(len(text)):
        words: list[tuple[str, str]] = []
        k = start
        while k < len(text):
            found = _word_at(text, k)
            if found is None:
                break
            words.append(found[:2])
            k += found[2]
        if k == len(text) and words:
            kinds = [kind for _, kind in words]
            if len(words) >= 3 and "name" in kinds and "value" in kinds:
                return words
    return None


@dataclass(frozen=True, slots=True)
class _Header:
    words: tuple[str, ...]
    labels: int  # label columns before the name
    after: tuple[str, ...]  # kinds of the cells after the name, in order


def _header(line: str) -> _Header | None:
    words = _header_words(line)
    if words is None:
        return None
    columns = [(w, kind) for w, kind in words if kind != "group"]
    kinds = [kind for _, kind in columns]
    at = kinds.index("name")
    after = tuple(kinds[at + 1 :])
    if "name" in after:
        return None
    # Only glued lines: a header whose words are apart is the other readers'.
    if len(_SPACE.split(line.strip())) >= len(words):
        return None
    return _Header(tuple(w for w, _ in columns), at, after)


# -- labels ----------------------------------------------------------------------------------


@cache
def _labels() -> tuple[str, ...]:
    """Level-1 and level-2 labels of both taxonomy versions, longest first."""
    out: set[str] = set()
    for taxonomy in (TAXONOMY_2021, TAXONOMY_2015):
        for category in taxonomy.categories:
            out.update(_squeeze(label) for label in (category.name, *category.aliases))
    return tuple(sorted(out, key=lambda label: (-len(label), label)))


def _leading_labels(text: str, most: int) -> tuple[list[str], str]:
    """The category labels at the start of a row (at most ``most``: the header's label
    columns), each with its score note, and the rest."""
    labels: list[str] = []
    rest = text
    while rest and (len(labels) < most or (most >= 2 and labels)):
        found = next((label for label in _labels() if rest.startswith(label)), None)
        if found is None:
            break
        cell = found
        note = _SCORE_NOTE.match(rest, len(found))
        if note:
            cell += note.group(0)
        labels.append(cell)
        rest = rest[len(cell) :]
    if len(labels) > most:  # a level-2 label with no rows of its own: the last one heads
        labels = labels[: most - 1] + labels[-1:]
    return labels, rest


# -- cutting a row from its end --------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_OPS = ("≥", "≤", ">=", "<=", "=", ">", "<", "＝", "定量", "定性", "正向", "反向")
_DIGITISH = frozenset("0123456789.")
_UNIT_MAX = 4
_ROW_MAX = 200  # longer lines are prose, not a row
_GLUED_END = frozenset("0123456789.%=≥≤<>＝")
_SUBJECTS = tuple(QUALITATIVE_SUBJECT_WORDS)
_PROSE = re.compile(r"\d.*[,，;；]|[,，;；].*\d")


@dataclass(frozen=True, slots=True)
class _Cut:
    cells: tuple[str, ...]  # the cells after the name, in order
    name: str
    plausibility: float


def _value_ok(text: str) -> bool:
    return as_value(text) is not None


def _cuts_of(rest: str, kinds: Sequence[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every way of reading the end of ``rest`` as cells of ``kinds`` (the last kind last):
    (what is left before them, the cells)."""
    if not kinds:
        yield rest, ()
        return
    kind = kinds[-1]
    n = len(rest)
    if kind == "text":  # a reason or a note: empty in a row read this way
        for head, cells in _cuts_of(rest, kinds[:-1]):
            yield head, (*cells, "")
        return
    candidates: list[int] = []
    if kind == "value":
        candidates = [p for p in range(n - 1, -1, -1) if _value_ok(rest[p:])]
    elif kind == "number":
        match = re.search(r"\d+(?:\.\d+)?$", rest)
        if match:
            candidates = [p for p in range(match.start(), n) if rest[p] != "."]
    elif kind == "unit":
        candidates = [n] + [
            p
            for p in range(n - 1, max(-1, n - _UNIT_MAX - 1), -1)
            if not any(ch.isdigit() or ch in "=≥≤<>＝" for ch in rest[p:])
        ]
    elif kind == "op":
        candidates = [n] + [n - len(op) for op in _OPS if rest.endswith(op)]
    for p in candidates:
        if p <= 0:
            continue
        for head, cells in _cuts_of(rest[:p], kinds[:-1]):
            yield head, (*cells, rest[p:])


def _plausibility(name: str, cells: Sequence[str], kinds: Sequence[str]) -> float:
    score = 0.0
    pieces = [(piece, kind) for piece, kind in zip((name, *cells), ("name", *kinds), strict=True)]
    pieces = [(piece, kind) for piece, kind in pieces if piece]
    for (left, lkind), (right, rkind) in itertools.pairwise(pieces):
        if (
            left[-1] in _DIGITISH
            and right[0] in _DIGITISH
            and (lkind, rkind) != ("number", "value")
        ):
            score -= 3.0  # a number cut between two digits (a weight glued to a target is not)
    if name[-1:] in _GLUED_END:
        score -= 2.0  # an operator, a percent or a digit left at the end of the name
    values = [c for c, k in zip(cells, kinds, strict=True) if k == "value" and c]
    numbers = [c for c, k in zip(cells, kinds, strict=True) if k == "number" and c]
    for text in values + numbers:
        digits = _NUMBER.search(text)
        figure = digits.group(0) if digits else ""
        if len(figure) > 1 and figure.startswith("0") and not figure.startswith("0."):
            score -= 2.0  # 0100%: no number is printed so
        parsed = parse_value(text)
        if parsed.kind is Kind.QUALITATIVE and parsed.grade and text.startswith(_SUBJECTS):
            score -= 0.5  # 状况显著提升: the subject belongs to the name
        if parsed.kind is Kind.QUANTITATIVE and parsed.unit and as_value(parsed.unit) is not None:
            score -= 2.0  # 0有效保障: a digit glued to a value in words, no unit
    if len(values) == 2 and values[0] == values[1]:
        score += 1.0  # the actual as the target
    if len(values) == 2 and parse_value(values[0]).kind is not parse_value(values[1]).kind:
        score -= 1.5  # a target and its actual of different kinds
    if len(numbers) == 2 and numbers[0] == numbers[1]:
        score += 0.5  # full marks: the score as the weight
    for text in numbers:
        if float(text) > 100:
            score -= 1.0
    for text, kind in zip(cells, kinds, strict=True):
        if kind == "unit" and text and as_value(text) is not None:
            score -= 1.0  # 有效 is a value's word, not a unit
    # the whole value (稳步提高, ≥90%), not its tail
    score += 0.01 * sum(len(c) for c, k in zip(cells, kinds, strict=True) if k == "value")
    if not name or SIGN_OFF.search(name):
        score -= 10.0
    return score


def _cut_row(rest: str, after: Sequence[str]) -> tuple[_Cut | None, bool]:
    """The most plausible cut of a row's text after its labels; whether another cut was as
    plausible (an ambiguous row)."""
    best: list[_Cut] = []
    for name, cells in _cuts_of(rest, after):
        if not name or _PROSE.search(name):
            continue  # figures listed in prose are a target in words, not a name
        cut = _Cut(cells, name, _plausibility(name, cells, after))
        best.append(cut)
        if len(best) > 200:
            break
    if not best:
        return None, False
    best.sort(key=lambda c: -c.plausibility)
    top = best[0]
    tied = any(
        abs(c.plausibility - top.plausibility) < 1e-9 and c.cells != top.cells for c in best[1:]
    )
    return top, tied


# -- the text --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Split:
    text: str  # the text with the cut rows written as | cells
    rows: int  # rows cut
    ambiguous: tuple[tuple[int, str], ...]  # (line, row text) of rows cut with a doubt
    uncut: tuple[tuple[int, str], ...]  # (line, text after the labels) of rows not cut
    # whole tables run together on one line: (line, text before the header, header, rows)
    inline: tuple[tuple[int, str, _Header, tuple[tuple[str, ...], ...]], ...] = ()


def _split(text: str) -> _Split:
    lines = _NEWLINE.split(text)
    out = list(lines)
    header: _Header | None = None
    rows = 0
    ambiguous: list[tuple[int, str]] = []
    uncut: list[tuple[int, str]] = []
    pending: list[str] = []
    inline: list[tuple[int, str, _Header, tuple[tuple[str, ...], ...]]] = []
    for k, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        found = _header(stripped)
        if found is not None:
            header = found
            out[k] = " | ".join(found.words)
            continue
        if header is None and "|" not in stripped and len(stripped) <= _LINE_MAX:
            table = _inline_table(stripped)
            if table is not None:
                inline.append((k + 1, *table))
                rows += len(table[2])
            continue
        if header is None or "|" in stripped or "\t" in stripped:
            continue
        if SIGN_OFF.search(stripped) or stripped.startswith(("注", "说明")):
            header = None
            continue
        squeezed = _squeeze(stripped)
        labels, rest = _leading_labels(squeezed, header.labels)
        if not rest:
            if labels:
                out[k] = " | ".join(labels)
            continue
        cut, tied = _cut_row(rest, header.after) if len(rest) <= _ROW_MAX else (None, False)
        if cut is None:
            if labels:  # the labels still head the rows below; the rest is reported
                pending = labels
                uncut.append((k + 1, rest))
            continue
        if pending and not labels:
            labels = pending  # the labels of a row not read, printed once for these rows
        pending = []
        cells = [*labels, cut.name, *(c for c in cut.cells)]
        while cells and not cells[-1]:
            cells.pop()
        out[k] = " | ".join(c if c else " " for c in cells)
        rows += 1
        if tied:
            ambiguous.append((k + 1, stripped))
    return _Split("\n".join(out), rows, tuple(ambiguous), tuple(uncut), tuple(inline))


# -- a whole table on one line ---------------------------------------------------------------

_LINE_MAX = 20_000
_NAME_MAX = 60
_CLEAN = -0.6  # a cut with no digit split, leading zero or glued end
_STOP = re.compile(r"总分|合计|注[:：]|说明[:：]|备注[:：]|…|\.\.\.")


def _inline_header(text: str) -> tuple[_Header, int, int] | None:
    """The longest run of header words inside a squeezed line (at least four, with a name
    and a value column), with where it starts and ends."""
    best: tuple[int, int, list[tuple[str, str]]] | None = None
    for start in range(len(text)):
        words: list[tuple[str, str]] = []
        k = start
        while True:
            found = _word_at(text, k)
            if found is None:
                break
            words.append(found[:2])
            k += found[2]
        kinds = [kind for _, kind in words]
        header = len(words) >= 4 and "name" in kinds and "value" in kinds
        if header and (best is None or len(words) > len(best[2])):
            best = (start, k, words)
    if best is None:
        return None
    start, end, words = best
    columns = [(w, kind) for w, kind in words if kind != "group"]
    kinds = [kind for _, kind in columns]
    at = kinds.index("name")
    after = tuple(kinds[at + 1 :])
    if "name" in after:
        return None
    return _Header(tuple(w for w, _ in columns), at, after), start, end


def _clean_value(text: str) -> bool:
    """A value that reads (or a placeholder never filled in), not text that merely starts
    with an operator."""
    parsed = parse_value(text)
    return parsed.kind is not Kind.TEXT or "占位符" in parsed.reason


def _forward(text: str, at: int, kinds: Sequence[str]) -> Iterator[tuple[tuple[str, ...], int]]:
    """Every way of reading ``text`` from ``at`` as cells of ``kinds``: (cells, end)."""
    if not kinds:
        yield (), at
        return
    kind, rest = kinds[0], kinds[1:]
    ends: list[int] = []
    if kind == "text":
        ends = [at]
    elif kind == "value":
        ends = [q for q in range(at + 1, min(len(text), at + 16) + 1) if _clean_value(text[at:q])]
    elif kind == "number":
        match = _NUMBER.match(text, at)
        if match:
            ends = [q for q in range(at + 1, match.end() + 1) if text[q - 1] != "."]
    elif kind == "unit":
        ends = [at] + [
            q
            for q in range(at + 1, min(len(text), at + _UNIT_MAX) + 1)
            if not any(ch.isdigit() or ch in "=≥≤<>＝" for ch in text[at:q])
        ]
    elif kind == "op":
        ends = [at] + [at + len(op) for op in _OPS if text.startswith(op, at)]
    for q in ends:
        for cells, end in _forward(text, q, rest):
            yield (text[at:q], *cells), end


def _next_row_starts(text: str, at: int) -> bool:
    """Whether a row (a label, a name) or the table's end can start at ``at``."""
    if at >= len(text) or _STOP.match(text, at):
        return True
    return text[at] not in _GLUED_END and not text[at].isdigit()


def _inline_rows(text: str, header: _Header) -> tuple[tuple[str, ...], ...]:
    """The rows of a table run together after its header on one line (one per row found:
    labels, name, the cells after the name); stops where no row can be cut."""
    rows: list[tuple[str, ...]] = []
    i = 0
    while i < len(text) and not _STOP.match(text, i):
        labels, rest = _leading_labels(text[i:], header.labels)
        j = len(text) - len(rest)
        found: tuple[float, tuple[str, ...], int, str] | None = None
        best: tuple[float, tuple[str, ...], int, str] | None = None
        for size in range(1, min(_NAME_MAX, len(text) - j) + 1):
            name = text[j : j + size]
            for cells, end in itertools.islice(_forward(text, j + size, header.after), 300):
                if not _next_row_starts(text, end) or not any(cells):
                    continue
                score = _plausibility(name, cells, header.after)
                if found is None or score > found[0]:
                    found = (score, cells, end, name)
            if found is not None and found[0] >= _CLEAN:
                break  # the shortest name with a clean cut
            if found is not None and (best is None or found[0] > best[0]):
                best = found
            found = None
        found = found or best
        if found is not None and found[0] < _CLEAN:
            break  # no clean cut: the rest of the line is not read as rows
        if found is None:
            if labels:
                rows.append(tuple(labels))
                i = j
                continue
            break
        _, cells, end, name = found
        cut = [*labels, name, *cells]
        while cut and not cut[-1]:
            cut.pop()
        rows.append(tuple(cut))
        i = end
    return tuple(rows)


def _inline_table(line: str) -> tuple[str, _Header, tuple[tuple[str, ...], ...]] | None:
    """A whole table run together on one line: the text before its header, the header, the
    rows; None when the line holds no such table (fewer than two rows)."""
    if line.count("指标") < 3:
        return None  # a header of four words names 指标 three times at least
    text = _squeeze(line)
    found = _inline_header(text)
    if found is None:
        return None
    header, start, end = found
    rows = _inline_rows(text[end:], header)
    if sum(1 for row in rows if len(row) > header.labels) < 2:
        return None
    return text[:start], header, rows


def _inline_grid(
    name: str, line: int, title: str, header: _Header, rows: Sequence[Sequence[str]]
) -> Grid:
    where = Provenance(file=name, line=line)
    cells = [GridCell(word, 0, c, source=where) for c, word in enumerate(header.words)]
    for r, row in enumerate(rows, start=1):
        cells.extend(GridCell(text, r, c, source=where) for c, text in enumerate(row) if text)
    return Grid(tuple(cells), title=(title[-200:],) if title else (), ragged=True)


def sniff(source: TextSource) -> float:
    """High when a glued header line is followed by rows that cut."""
    try:
        split = _split(source.text[:200_000])
    except Exception:  # a sniffer never stops the reading
        return 0.0
    if split.rows < 2:
        return 0.0
    return min(0.95, 0.6 + 0.05 * split.rows)


def read(source: TextSource, *, sha256: str) -> Document:
    """Read a run-together text (layout ``run-together``)."""
    from jixiao.ingest._read import read_grids
    from jixiao.ingest.text_grid import pipe_grids

    split = _split(source.text)
    grids = pipe_grids(TextSource(name=source.name, text=split.text)) if split.rows else []
    grids += [
        _inline_grid(source.name, line, title, header, rows)
        for line, title, header, rows in split.inline
    ]
    if not grids:
        raise IngestError(
            source.name,
            "is not a performance target table: found no header of glued column titles "
            "(一级指标二级指标…指标值) with rows under it",
        )
    doc = read_grids(grids, file=source.name, sha256=sha256, layout=LAYOUT)
    if not split.ambiguous and not split.uncut:
        return doc
    warnings = [
        Diagnostic(
            AMBIGUOUS_CELLS,
            f"“{_shown(text)}”的各格没有分隔，可以有不止一种拆分，已按最合理的一种读取，"
            "请核对名称和指标值",
            Provenance(file=source.name, line=line),
        )
        for line, text in split.ambiguous
    ]
    warnings += [
        Diagnostic(
            AMBIGUOUS_CELLS,
            f"“{_shown(text)}”的各格没有分隔，分不出名称和指标值，未导入（上方的指标类别已读取）",
            Provenance(file=source.name, line=line),
        )
        for line, text in split.uncut
    ]
    return replace(doc, warnings=(*doc.warnings, *warnings))


def _shown(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"

"""Indicators written as prose: the last reader tried on a text no table reader could read.

Layout ``prose`` — a notice, a budget explanation or a table cell that states the targets in
sentences instead of a table:

* level labels as numbered headings on lines of their own (``一、产出指标`` /
  ``（一）数量指标``), inline before a colon (``设 1条数量指标:``), or in a cell of their
  own before a cell of sentences (``产出指标 | 巡查频次8次;…``);
* indicators as clauses ended by ``；`` ``;`` ``。`` (or by the end of a line that ends
  with one), each read where the words make name and value plain: the name before an
  operator (a sign, or words before a number: ``大于等于500平方米``) and the value from it
  (``参训人员结业率≥100%``), an operator inside brackets being part of the name (a
  template's placeholder, ``种植数量(≥**株)>=2000株``, whose wording before a comma is
  dropped: ``补助种植数量,葡萄种植数量(≥**株)``), and two such indicators in one clause
  split at the comma between them; the name and a value after a
  comma (``完成时限,2025年10月底前``); a number with its unit glued to the end of the name
  (``巡查频次8次``); or a word of judgement at the end (``数据库基本健全``,
  ``日常运转定性有效``).  A clause in none of these shapes is not read.

Lines wrapped in the middle of a word (PDF text) are joined when neither side ends a clause.
The clauses found become a grid of 一级指标 | 二级指标 | 三级指标 | 指标值 rows that the
interpreter reads like any table (:func:`jixiao.ingest._read.read_grids`).
"""

from __future__ import annotations

import re

from jixiao.domain.model import Document
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Kind
from jixiao.ingest._cells import as_value
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._text import TextSource, fold
from jixiao.ingest._vocab import (
    JUDGEMENT_VALUE,
    PLACEHOLDER,
    PROSE_LABEL,
    WORD_OPERATOR,
    bracket_depth,
)
from jixiao.ingest.errors import IngestError

LAYOUT = "prose"

_NUMBERING = (
    r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．])"
)
_HEADING = re.compile(rf"^\s*{_NUMBERING}?\s*(?P<label>{PROSE_LABEL})\s*[:：]?\s*$")
_INLINE = re.compile(
    rf"(?:{_NUMBERING}\s*|(?:设\s*)?\d+\s*条\s*)?(?P<label>{PROSE_LABEL})\s*[:：,，]"
)
_CLAUSE_END = "；;。"
_OP = re.compile(rf"[≥≤≧≦=＝<>＜＞]|{WORD_OPERATOR}")
_GLUED = re.compile(r"^(?P<name>.*?[\u4e00-\u9fff)）])(?P<value>\d[\d.,]*\s*[^\d\s,，;；。]{0,4})$")
_COMMA = re.compile(r"^(?P<name>[^,，]{2,40})[,，](?P<value>[^,，]{1,16})$")
_NAME_MAX = 40


def _key(label: str) -> str:
    """The label as the taxonomy knows it: ``社会效益目标`` is read as ``社会效益指标``."""
    from jixiao.ingest._read.levels import _resolve_any

    text = fold(label)
    if _resolve_any(text) is None and text.endswith("目标"):
        return text[:-2] + "指标"
    return text


def _level(label: str) -> tuple[int, str] | None:
    from jixiao.ingest._read.levels import _resolve_any

    found = _resolve_any(_key(label))
    if found is None:
        return None
    return found.level, fold(label)


def _operator(text: str) -> re.Match[str] | None:
    """The first operator of a clause after its name, outside brackets (``(≥**株)`` is a
    placeholder in the name)."""
    for m in _OP.finditer(text):
        if m.start() >= 2 and not bracket_depth(text[: m.start()]):
            return m
    return None


def _comma(text: str) -> int | None:
    """Where the first comma outside brackets is, or None."""
    for k, ch in enumerate(text):
        if ch in ",，" and not bracket_depth(text[:k]):
            return k
    return None


def _concrete(name: str) -> str:
    """A name without the template's wording before it (``补助种植数量,葡萄种植数量(≥**株)``
    → ``葡萄种植数量(≥**株)``): the part after the last comma when it keeps the placeholder."""
    k = _comma(name)
    while k is not None:
        rest = name[k + 1 :].strip()
        if not PLACEHOLDER.search(rest):
            return name
        name = rest
        k = _comma(name)
    return name


def _readable(value: str) -> bool:
    parsed = as_value(value)
    return parsed is not None and (parsed.kind is not Kind.TEXT or "*" in value)


def _split_clause(clause: str) -> list[tuple[str, str]]:
    """(name, value) of each indicator of a clause: none when the words do not make it
    plain."""
    text = clause.strip().strip("，,、 ")
    if not text or len(text) > 160:
        return []
    m = _operator(text)
    if m is not None:
        name, value = _concrete(text[: m.start()].strip()), text[m.start() :].strip()
        more: list[tuple[str, str]] = []
        k = _comma(value)
        if k is not None and _readable(value[:k].strip()):
            more = _split_clause(value[k + 1 :])  # 产值≥80万元,收入≥80万元
            if more or not _readable(value):  # or words after the value (a cut clause)
                value = value[:k].strip()
        if _readable(value) and len(name) <= _NAME_MAX:
            return [(name, value), *more]
    if len(text) > 80:
        return []
    m = _COMMA.match(text)
    if m is not None:
        value = m.group("value").strip()
        if as_value(value) is not None or JUDGEMENT_VALUE.fullmatch(value):
            return [(m.group("name").strip(), value)]
    m = _GLUED.match(text)
    if m is not None and as_value(m.group("value")) is not None:
        return [(m.group("name").strip(), m.group("value").strip())]
    m = JUDGEMENT_VALUE.search(text)
    if m is not None and m.end() == len(text) and m.start() >= 2:
        return [(text[: m.start()].strip(), m.group(0))]
    return []


class _Prose:
    def __init__(self, name: str) -> None:
        self.name = name
        self.l1 = ""
        self.l2 = ""
        self.rows: list[tuple[int, str, str, str, str]] = []  # line, l1, l2, name, value
        self.title: list[str] = []

    def label(self, text: str) -> None:
        found = _level(text)
        if found is None:
            return
        level, label = found
        from jixiao.ingest._read.levels import _legacy_level2, _resolve_any

        current = _resolve_any(_key(self.l1)) if self.l1 else None
        legacy = _legacy_level2(_key(label))
        if level == 1 and legacy is not None and current is not None:
            level = 2 if legacy.parent == current.name else 1  # 成本指标 under 产出指标
        if level == 1:
            self.l1, self.l2 = label, ""
            return
        self.l2 = label
        parent = _resolve_any(_key(label))
        stated = current is not None and parent is not None and current.name == parent.parent
        if parent is not None and parent.parent and legacy is None and not stated:
            self.l1 = parent.parent  # a level 2 whose level 1 was not stated before it

    def clause(self, text: str, line: int) -> None:
        while True:
            m = _INLINE.search(text)
            if m is None or _level(m.group("label")) is None:
                break
            self.clause_plain(text[: m.start()], line)
            self.label(m.group("label"))
            text = text[m.end() :]
        self.clause_plain(text, line)

    def clause_plain(self, text: str, line: int) -> None:
        if self.l1 or self.l2:
            for name, value in _split_clause(text):
                self.rows.append((line, self.l1, self.l2, name, value))

    def read(self, text: str) -> None:
        pending = ""
        pending_line = 0
        for number, raw in enumerate(text.splitlines(), start=1):
            pieces = re.split(r"\s*[|｜]\s*", raw.strip())
            for piece in pieces:
                piece = piece.strip()
                if len(pieces) > 1 and pending:
                    self.flush(pending, pending_line)  # a cell ends its clauses
                    pending = ""
                if not piece:
                    continue
                heading = _HEADING.match(piece)
                if heading is not None and _level(heading.group("label")) is not None:
                    self.flush(pending, pending_line)
                    pending = ""
                    self.label(heading.group("label"))
                    continue
                if not pending:
                    pending_line = number
                    if not (self.l1 or self.l2) and not _INLINE.search(piece):
                        self.title = [*self.title[-4:], piece]
                pending += piece
                if pending[-1] in _CLAUSE_END or len(pending) > 400:
                    self.flush(pending, pending_line)
                    pending = ""
            # A line that ends no clause is wrapped (PDF text) unless a cell ended it.
            if pending and raw.rstrip().endswith(("|", "｜")):
                self.flush(pending, pending_line)
                pending = ""
        self.flush(pending, pending_line)

    def flush(self, text: str, line: int) -> None:
        for part in re.split(rf"[{_CLAUSE_END}]", text):
            if part.strip():
                self.clause(part, line)

    def grid(self) -> Grid | None:
        if not self.rows:
            return None
        cells: list[GridCell] = []
        header = ("一级指标", "二级指标", "三级指标", "指标值")
        first = self.rows[0][0]
        for c, word in enumerate(header):
            cells.append(GridCell(word, 0, c, source=Provenance(file=self.name, line=first)))
        for r, (line, l1, l2, name, value) in enumerate(self.rows, start=1):
            where = Provenance(file=self.name, line=line)
            for c, text in enumerate((l1, l2, name, value)):
                cells.append(GridCell(text, r, c, source=where))
        return Grid(tuple(cells), title=tuple(self.title[-5:]), ragged=False)


def prose_grids(source: TextSource) -> list[Grid]:
    """The indicators a prose text states, as one grid (none when it states none)."""
    prose = _Prose(source.name)
    prose.read(source.text)
    grid = prose.grid()
    return [] if grid is None else [grid]


def sniff(source: TextSource) -> float:
    """0: prose is never chosen by its looks; it is the reader of last resort."""
    return 0.0


def read(source: TextSource, *, sha256: str) -> Document:
    """Read indicators stated in prose (layout ``prose``)."""
    from jixiao.ingest._read import read_grids

    grids = prose_grids(source)
    if not grids:
        raise IngestError(
            source.name,
            "is not a performance target table: found no table and no indicators in prose",
        )
    return read_grids(grids, file=source.name, sha256=sha256, layout=LAYOUT)

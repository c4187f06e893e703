"""Reader for Word documents (``.docx``, layout ``docx``, via python-docx).

Every table of the body, in document order, becomes one
:class:`~jixiao.ingest._grid.Grid`: horizontally merged cells (``w:gridSpan``, old-style
``w:hMerge``) and vertically merged ones (``w:vMerge``) become spans, cells skipped at the
start of a row (``w:gridBefore``) keep the columns aligned, and the paragraphs of a cell
are joined with line breaks.  A table printed inside a cell (case ``table in a cell``: a
frame of one cell around the whole target table) is a grid of its own, after the table that
holds it, instead of a line per cell in that cell's text.  The non-empty paragraphs just above a
table (up to :data:`TITLE_LINES` of them, after the previous table) are its ``title``: the
table's name, year, unit or project often stand there.

Provenance names the table, row and grid column, 1-based, in ``cell`` (``T2R5C3``: table 2,
row 5, column 3; ``T2.1R5C3``: the first table inside a cell of table 2); a DOCX has no pages
to name.  The structure is found by
:func:`jixiao.ingest._read.read_grids`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from jixiao.domain.model import Document
from jixiao.domain.provenance import Provenance
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import read_grids
from jixiao.ingest.errors import IngestError

__all__ = ["LAYOUT", "TITLE_LINES", "grids", "read"]

LAYOUT = "docx"
TITLE_LINES = 6  # paragraphs above a table that may be its title
_MAX_COLS = 512
_MAX_NESTING = 4  # tables inside cells read as grids of their own, this deep; deeper ones as text


def read(data: bytes, name: str, *, sha256: str) -> Document:
    """Read a ``.docx`` document: every table is a grid (see the module docstring)."""
    return read_grids(grids(data, name), file=name, sha256=sha256, layout=LAYOUT)


def grids(data: bytes, name: str) -> list[Grid]:
    """The tables of a ``.docx`` document as grids, in document order."""
    import docx

    try:
        document = docx.Document(BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx raises many kinds on a damaged or foreign file
        raise IngestError(
            name, f"is not a readable DOCX document (damaged or truncated?): {_reason(exc)}"
        ) from None
    try:
        return _body_grids(body, name)
    except Exception as exc:  # a document that opens but is broken inside
        raise IngestError(
            name, f"is not a readable DOCX document (damaged or truncated?): {_reason(exc)}"
        ) from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 120 else text[:120] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Any, names: tuple[str, ...]) -> Iterator[Any]:
    """Children named ``names``, looking through content controls and custom XML."""
    for child in el:
        local = _local(child)
        if local in names:
            yield child
        elif local in ("sdt", "customXml", "smartTag"):
            content = child.find(_qn("w:sdtContent")) if local == "sdt" else child
            if content is not None:
                yield from _children(content, names)


def _paragraph_text(p: Any) -> str:
    """A paragraph's text: its ``w:t`` runs (also in hyperlinks, fields and insertions),
    tabs as spaces, line breaks as new lines; deleted text and field codes left out."""
    out: list[str] = []
    for el in p.iter():
        local = _local(el)
        if local == "t" and el.text:
            out.append(el.text)
        elif local == "tab":
            out.append(" ")
        elif local in ("br", "cr"):
            out.append("\n")
    return "".join(out).strip()


def _body_grids(body: Any, name: str) -> list[Grid]:
    out: list[Grid] = []
    above: list[str] = []
    count = 0
    for el in _children(body, ("p", "tbl")):
        if _local(el) == "p":
            text = _paragraph_text(el)
            if text:
                above.append(text)
            continue
        count += 1
        out.extend(_table_grids(el, str(count), name, tuple(above[-TITLE_LINES:]), 0))
        above = []
    return out


def _table_grids(tbl: Any, index: str, name: str, title: tuple[str, ...], depth: int) -> list[Grid]:
    """The table as a grid, then the tables printed inside its cells, each a grid of its
    own (in document order)."""
    nested: list[Any] = []
    cells = _table_cells(tbl, index, name, nested if depth < _MAX_NESTING else None)
    out = [Grid(cells=tuple(cells), title=title)]
    for k, inner in enumerate(nested, start=1):
        out.extend(_table_grids(inner, f"{index}.{k}", name, (), depth + 1))
    return out


def _cell_text(tc: Any, nested: list[Any] | None) -> str:
    """A cell's paragraphs joined with line breaks; the tables inside it go to ``nested``
    (their text left out of the cell's), or, when ``nested`` is None, count as paragraphs."""
    if nested is None:
        paragraphs = list(tc.iter(_qn("w:p")))
    else:
        paragraphs = []
        for el in _children(tc, ("p", "tbl")):
            if _local(el) == "tbl":
                nested.append(el)
            else:
                paragraphs.append(el)
    return "\n".join(t for p in paragraphs if (t := _paragraph_text(p)))


@dataclass
class _Open:
    """A cell being built (a vertical merge may still extend it)."""

    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    ref: str


def _int_attr(el: Any, tag: str) -> int | None:
    if el is None:
        return None
    found = el.find(_qn(tag))
    if found is None:
        return None
    try:
        return int(found.get(_qn("w:val")))
    except (TypeError, ValueError):
        return None


def _table_cells(tbl: Any, index: str, name: str, nested: list[Any] | None) -> list[GridCell]:
    built: list[_Open] = []
    open_v: dict[int, _Open] = {}  # column → the cell a vMerge continuation extends
    for r, tr in enumerate(_children(tbl, ("tr",))):
        col = max(0, _int_attr(tr.find(_qn("w:trPr")), "w:gridBefore") or 0)
        left: _Open | None = None
        seen: set[int] = set()
        for tc in _children(tr, ("tc",)):
            pr = tc.find(_qn("w:tcPr"))
            span = min(max(1, _int_attr(pr, "w:gridSpan") or 1), _MAX_COLS)
            v_merge = pr.find(_qn("w:vMerge")) if pr is not None else None
            h_merge = pr.find(_qn("w:hMerge")) if pr is not None else None
            text = _cell_text(tc, nested)
            if h_merge is not None and h_merge.get(_qn("w:val")) != "restart" and left:
                left.colspan += span  # old-style horizontal merge continues the left cell
                col += span
                continue
            if v_merge is not None and v_merge.get(_qn("w:val")) != "restart":
                above = open_v.get(col)
                if above is not None and above.row + above.rowspan == r:
                    above.rowspan += 1
                    for k in range(col, col + span):
                        seen.add(k)
                    left = above
                    col += span
                    continue
            cell = _Open(text, r, col, 1, span, f"T{index}R{r + 1}C{col + 1}")
            built.append(cell)
            for k in range(col, col + span):
                open_v.pop(k, None)
                seen.add(k)
            if v_merge is not None:
                open_v[col] = cell
            left = cell
            col += span
        for k in list(open_v):
            if k not in seen:
                del open_v[k]  # a row that does not continue the merge ends it
    return [
        GridCell(
            text=c.text,
            row=c.row,
            col=c.col,
            rowspan=c.rowspan,
            colspan=c.colspan,
            source=Provenance(file=name, cell=c.ref),
        )
        for c in built
        if c.text
    ]

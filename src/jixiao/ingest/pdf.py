"""Reader for PDF files with a text layer (layout ``pdf``).

Budget units publish their tables as PDF, mostly made from an XLSX/DOCX by an office suite.
Such a PDF has no tables, only characters at positions and ruling lines.  This reader
rebuilds the tables from that geometry and hands them, as :class:`~jixiao.ingest._grid.Grid`
objects, to the interpreter shared by all table readers
(:func:`jixiao.ingest._read.read_grids`).  Pages without ruling lines go, as text, to
the text readers (:mod:`jixiao.ingest.text_blocks`).

How a page is read:

* **Characters** come from PDFium (``pypdfium2``): text, box and font size of each
  character as the PDF's font maps it to Unicode (CJK fonts included; a font without a
  Unicode map gives wrong characters, which only OCR could fix).  Characters that an office
  suite drew several times at almost the same place to fake a bold face ("fake bold",
  ``无无锡锡``) are removed: a character with the same text and size as one already kept,
  less than :data:`DEDUPE_TOLERANCE` points away, is a duplicate.  Characters that are not
  shown are dropped: off the page, or outside the clipping path of their text object
  (LibreOffice centres the label of a merged cell cut by a page break on the whole cell
  and clips it, so the label is in the file twice, once out of sight).
* **Text lines**: characters whose tops are within 3 points of each other (chained) form
  a line, read left to right; a gap of more than 3 points or a space starts a new word, and
  words are joined by one space.  These are the rules of pdfplumber's ``extract_text()``,
  so :func:`text` gives the same text.  Line numbers in provenance count these lines,
  from 1 on each page.
* **Ruling lines**: the straight horizontal and vertical segments of the page's paths
  (stroked lines, rectangles, and thin filled rectangles), in form XObjects too.  Segments
  less than 3 points apart are one line; collinear segments with gaps of up to 3 points
  are joined.
* **Tables**: ruling lines that touch each other form a table.  Their positions cut it into
  a lattice of atomic cells; neighbouring atoms not separated by a line are one cell, so a
  cell box spanning several column or row boundaries becomes a cell with ``colspan`` /
  ``rowspan``.  A table open at the bottom or top (a page break inside merged cells, where
  office suites draw no border) is closed by its frame, and remembers which cells were
  open.  The characters whose centre lies in a cell are its text, in lines as above,
  joined with ``"\\n"``.  The text lines above a table (up to the table before it) are its
  ``title``.
* **Tables over several pages**: the first table of a page continues the last table of the
  page before when nothing but page numbers or running headers is printed above it or
  below the other, it starts in the top part of its page, the other ends low on its page
  or has cells open at the page break, and their frames have the same left and right
  edges.  The parts become one grid (``page`` None,
  each cell keeping its own page in its provenance), cells open at the page break are
  merged, and a repeated header row is dropped.
* **Pages without ruling lines**: :func:`grids` aligns their words into columns
  (gutters between words found on the lines with three or more words); :func:`read` gives
  their text to the text readers instead, and uses the aligned columns only if those find
  no table.

Pages that cannot be loaded, pages with images but no text (scans) and pages whose fonts
have no Unicode map are reported as warnings; a file that cannot be opened (encrypted,
cut off, damaged, not a PDF) or has no text at all raises :class:`IngestError`.

PDFium, not pdfminer, reads the file: pdfminer (under pdfplumber) alone takes about ten
times as long as ``pdftotext``, this reader about 1.3 times.  The table geometry follows
pdfplumber's ``find_tables`` with the ``lines`` strategies (snap and join tolerances of 3
points), and its text follows ``extract_text()``; the tests compare both.  PDFium is not
thread-safe: documents are read one at a time per process.
"""

from __future__ import annotations

import ctypes
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, TypeVar

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from jixiao.domain.model import Diagnostic, Document, Project, SourceInfo
from jixiao.domain.provenance import Provenance
from jixiao.ingest import guard, text_blocks
from jixiao.ingest._document import merge_actuals, most_common_year, with_publisher
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._text import TextSource
from jixiao.ingest.errors import IngestError

__all__ = [
    "DAMAGED_PAGE",
    "DEDUPE_TOLERANCE",
    "GARBLED_TEXT",
    "LAYOUT",
    "NEEDS_OCR",
    "dedupe",
    "grids",
    "read",
    "text",
]

LAYOUT = "pdf"

# Warning codes added by this reader (to be listed in docs/format.md).
NEEDS_OCR = "ingest.needs-ocr"  # a page with images but no text layer was skipped
GARBLED_TEXT = "ingest.garbled-text"  # many characters without a Unicode mapping
DAMAGED_PAGE = "ingest.damaged-page"  # a page PDFium cannot load was skipped
TRUNCATED = text_blocks.TRUNCATED
UNUSED_TEXT = text_blocks.UNUSED_TEXT

DEDUPE_TOLERANCE = 1.0  # points: a copy of a character this close is "fake bold"
_X_TOLERANCE = 3.0  # points: a wider gap between characters starts a new word
_Y_TOLERANCE = 3.0  # points: characters whose tops differ less are on one line
_SNAP = 3.0  # points: parallel ruling lines closer than this are one line
_JOIN = 3.0  # points: collinear segments with a smaller gap are one line
_MIN_LINE = 3.0  # points: shorter segments are not ruling lines
_AXIS = 1.0  # points: how far a segment may slant and still count as straight
_GARBLED_SHARE = 0.2  # share of unmapped characters on a page that gets a warning
_MAX_OBJECTS = 20_000  # page objects read for ruling lines (a vector drawing has more)
_MAX_ATOMS = 100_000  # lattice cells of one table (graph paper is no table)

# PDFium is not thread-safe: one document at a time in this process.
_PDFIUM = threading.Lock()

T = TypeVar("T")


# -- geometry ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Char:
    """A character in page coordinates: x to the right, y (top/bottom) downwards."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    line: int = 0  # 1-based line of the page text


@dataclass(slots=True)
class _Edge:
    """A ruling line: ``pos`` is y for a horizontal line, x for a vertical one; a..b its extent."""

    pos: float
    a: float
    b: float


@dataclass(slots=True)
class _Line:
    """A line of text: its words (lists of characters) and its vertical extent."""

    words: list[list[_Char]]
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join("".join(ch.text for ch in word) for word in self.words)


@dataclass(slots=True)
class _View:
    """Maps PDF user space (y upwards, /Rotate applied when shown) to page coordinates."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int  # quarter turns clockwise: 0..3

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a user-space box."""
        if self.rotation == 0:
            return x0 - self.left, self.top - y1, x1 - self.left, self.top - y0
        ax, ay = self.point(x0, y0)
        bx, by = self.point(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def point(self, x: float, y: float) -> tuple[float, float]:
        r = self.rotation
        if r == 0:
            return x - self.left, self.top - y
        if r == 1:
            return y - self.bottom, x - self.left
        if r == 2:
            return self.right - x, y - self.bottom
        return self.top - y, self.right - x

    @property
    def height(self) -> float:
        return self.top - self.bottom if self.rotation % 2 == 0 else self.right - self.left


@dataclass(slots=True)
class _Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    r0: int  # lattice rows [r0, r1) of the table part
    r1: int
    chars: list[_Char] = field(default_factory=list)
    open_top: bool = False
    open_bottom: bool = False


@dataclass(slots=True)
class _Table:
    """A table found on one page (a part of a grid when the table runs over pages)."""

    page: int
    xs: list[float]
    ys: list[float]
    cells: list[_Cell]
    title: list[str] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def x1(self) -> float:
        return self.xs[-1]

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    @property
    def rows(self) -> int:
        return len(self.ys) - 1


@dataclass(slots=True)
class _Page:
    number: int  # 1-based
    height: float
    lines: list[_Line]
    tables: list[_Table]
    outside: list[_Line]  # text lines outside every table
    images: int
    unmapped: int  # characters without a Unicode mapping
    chars: int
    damage: str | None = None  # why the page could not be read

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# -- opening the file -------------------------------------------------------------------------


def _open(data: bytes, name: str) -> Any:
    if not data.strip():
        raise IngestError(name, "is empty: no performance target table in it")
    if b"%PDF-" not in data[:1024]:
        raise IngestError(name, "is not a PDF file (it does not start with %PDF-)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError(name, _open_problem(exc.err_code, data, str(exc))) from None
    except Exception as exc:  # PDFium behind ctypes: anything else is a damaged file too
        raise IngestError(name, f"cannot be read as PDF: {exc}") from None


def _has_eof(data: bytes) -> bool:
    return b"%%EOF" in data[-1024:]


def _open_problem(code: int | None, data: bytes, message: str) -> str:
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return (
            "is encrypted and needs a password to open; save or print it again without a password"
        )
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return "is protected by an unsupported security handler (DRM) and cannot be read"
    if not _has_eof(data):
        return "is cut off (the file ends before the PDF's %%EOF marker) and cannot be read"
    detail = message.removeprefix("Failed to load document ").strip("().")
    return f"is damaged and cannot be read as PDF ({detail})"


# -- characters and text lines ----------------------------------------------------------------

_SPACES = frozenset({0x20, 0xA0, 0x3000, 0x2002, 0x2003, 0x2009})


_Box = tuple[float, float, float, float]  # left, bottom, right, top in user space


_MAP_CHECKS = 64  # characters checked for a missing Unicode map before trusting the page


def _codes(textpage: Any, count: int) -> list[int] | None:
    """The UTF-16 code units of all characters in one call (None if they do not line up)."""
    units = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, units)
    if written - 1 != count:
        return None
    return list(units)[:count]


def _chars(textpage: Any, view: _View, clipped: dict[int, _Box]) -> tuple[list[_Char], int]:
    """The visible characters of a text page in content order, and how many had no Unicode
    map.  A character is invisible when its centre is off the page or outside the clipping
    path of its text object (``clipped``: text objects that reach outside their clip).

    ``_Char.size`` is the height of the character's box (the font size times the font's
    ascent minus descent): the same for copies drawn with the same font.
    """
    c = pdfium_c
    count = c.FPDFText_CountChars(textpage)
    if count <= 0:
        return [], 0
    codes = _codes(textpage, count)
    get_unicode = c.FPDFText_GetUnicode
    is_generated = c.FPDFText_IsGenerated
    loose_box = c.FPDFText_GetLooseCharBox
    map_error = c.FPDFText_HasUnicodeMapError
    text_object = c.FPDFText_GetTextObject
    font_size = c.FPDFText_GetFontSize
    char_origin = c.FPDFText_GetCharOrigin
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    rect = c.FS_RECTF()
    left, bottom, right, top = view.left, view.bottom, view.right, view.top
    upright = view.rotation == 0
    out: list[_Char] = []
    append = out.append
    unmapped = 0
    checks = _MAP_CHECKS
    pending_high = 0
    for i in range(count):
        code = codes[i] if codes is not None else get_unicode(textpage, i)
        if code <= 0x20 or code >= 0xD800:
            if code == 0:
                unmapped += 1
                continue
            if code < 0x20 or code == 0xFFFE or code == 0xFFFF:
                continue  # line breaks and hyphenation marks pdfium adds
            if code == 0x20 and is_generated(textpage, i) == 1:
                continue  # a space pdfium guessed, not one in the file
            if 0xD800 <= code <= 0xDBFF:  # a character beyond the BMP in UTF-16 halves
                pending_high = code
                continue
            if 0xDC00 <= code <= 0xDFFF:
                if not pending_high:
                    continue
                code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
        pending_high = 0
        if not loose_box(textpage, i, rect):
            continue
        x0, x1, y0, y1 = rect.left, rect.right, rect.bottom, rect.top
        if (
            y1 - y0 < _FLAT_CHECK
            and y1 - y0 < _FLAT * (size := font_size(textpage, i))
            and char_origin(textpage, i, origin_x, origin_y)
        ):
            # A flat box (一, －, … where the font gives no ascent and descent, as in
            # Chromium's PDFs): the line's height around the baseline instead, so that the
            # character sorts into its line and not between two.
            y0 = origin_y.value - _DESCENT * size
            y1 = origin_y.value + (1 - _DESCENT) * size
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (left <= cx <= right and bottom <= cy <= top):
            continue
        if clipped:
            clip = clipped.get(ctypes.cast(text_object(textpage, i), ctypes.c_void_p).value or 0)
            if clip is not None and not (clip[0] <= cx <= clip[2] and clip[1] <= cy <= clip[3]):
                continue
        if checks:
            checks -= 1
            if map_error(textpage, i) == 1:
                unmapped += 1
                checks = count  # this page has unmapped characters: count them all
        text = " " if code in _SPACES else chr(code)
        if upright:
            append(_Char(text, x0 - left, top - y1, x1 - left, top - y0, y1 - y0))
        else:
            bx0, btop, bx1, bbottom = view.box(x0, y0, x1, y1)
            append(_Char(text, bx0, btop, bx1, bbottom, y1 - y0))
    return out, unmapped


_FLAT = 0.5  # a character box lower than this share of the font size is flat
_FLAT_CHECK = 4.0  # points: only boxes lower than this are checked (no call for the rest)
_DESCENT = 0.2  # share of the font size below the baseline, for flat boxes


def _text_x0(item: tuple[int, _Char]) -> tuple[str, float]:
    return item[1].text, item[1].x0


def dedupe(chars: Iterable[_Char], tolerance: float = DEDUPE_TOLERANCE) -> list[_Char]:
    """Drop "fake bold" copies: same text and size as another character, within
    ``tolerance`` points in both directions.  Of such copies the first drawn is kept; the
    order of the characters is kept.

    Sorted by text and x, a character's copies are right before it: one pass compares each
    character with the few before it of the same text less than ``tolerance`` to its left.
    """
    items = list(enumerate(chars))
    ordered = sorted(items, key=_text_x0)
    dropped: set[int] = set()
    for pos in range(1, len(ordered)):
        k, ch = ordered[pos]
        text = ch.text
        if text == " ":
            continue
        j = pos - 1
        while j >= 0:
            other_k, other = ordered[j]
            if other.text != text or ch.x0 - other.x0 > tolerance:
                break
            if abs(other.top - ch.top) <= tolerance and round(other.size * 4) == round(ch.size * 4):
                dropped.add(max(k, other_k))
            j -= 1
    if not dropped:
        return [ch for _, ch in items]
    return [ch for k, ch in items if k not in dropped]


def _cluster(values: Sequence[T], key: Callable[[T], float], tolerance: float) -> list[list[T]]:
    """Sort by ``key`` and cut where consecutive keys differ by more than ``tolerance``."""
    ordered = sorted(values, key=key)
    groups: list[list[T]] = []
    last = 0.0
    for item in ordered:
        value = key(item)
        if groups and value <= last + tolerance:
            groups[-1].append(item)
        else:
            groups.append([item])
        last = value
    return groups


def _top(ch: _Char) -> float:
    return ch.top


def _x0(ch: _Char) -> float:
    return ch.x0


def _lines(chars: Sequence[_Char]) -> list[_Line]:
    """Text lines top to bottom, as pdfplumber's ``extract_text()`` forms them."""
    out: list[_Line] = []
    for group in _cluster(chars, _top, _Y_TOLERANCE):
        group.sort(key=_x0)
        words: list[list[_Char]] = []
        word: list[_Char] = []
        for ch in group:
            if ch.text == " ":
                if word:
                    words.append(word)
                    word = []
                continue
            if word:
                prev = word[-1]
                if (
                    ch.x0 < prev.x0
                    or ch.x0 > prev.x1 + _X_TOLERANCE
                    or abs(ch.top - prev.top) > _Y_TOLERANCE
                ):
                    words.append(word)
                    word = []
            word.append(ch)
        if word:
            words.append(word)
        if words:
            top = min(ch.top for w in words for ch in w)
            bottom = max(ch.bottom for w in words for ch in w)
            out.append(_Line(words, top, bottom))
    return out


# -- ruling lines -----------------------------------------------------------------------------

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """The matrix applying ``inner`` first, then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    oa, ob, oc, od, oe, of = outer
    return (
        a * oa + b * oc,
        a * ob + b * od,
        c * oa + d * oc,
        c * ob + d * od,
        e * oa + f * oc + oe,
        e * ob + f * od + of,
    )


class _PathReader:
    """Straight segments of a page's paths (and of its form XObjects) in page coordinates."""

    def __init__(self, view: _View) -> None:
        self.view = view
        self.horizontal: list[_Edge] = []
        self.vertical: list[_Edge] = []
        self.images = 0
        self.clipped: dict[int, _Box] = {}  # text objects (by address) reaching outside their clip
        self._matrix = pdfium_c.FS_MATRIX()
        self._x = ctypes.c_float()
        self._y = ctypes.c_float()
        self._fill = ctypes.c_int()
        self._stroke = ctypes.c_int()
        self._rgba = [ctypes.c_uint() for _ in range(4)]
        self._box = [ctypes.c_float() for _ in range(4)]

    def read_page(self, page: Any) -> None:
        c = pdfium_c
        for i in range(min(c.FPDFPage_CountObjects(page), _MAX_OBJECTS)):
            self._object(c.FPDFPage_GetObject(page, i), _IDENTITY, 0)

    def _object(self, obj: Any, outer: _Matrix, depth: int) -> None:
        c = pdfium_c
        kind = c.FPDFPageObj_GetType(obj)
        if kind == c.FPDF_PAGEOBJ_PATH:
            self._path(obj, outer)
        elif kind == c.FPDF_PAGEOBJ_TEXT and depth == 0:
            self._text(obj)
        elif kind == c.FPDF_PAGEOBJ_IMAGE:
            self.images += 1
        elif kind == c.FPDF_PAGEOBJ_FORM and depth < 8:
            matrix = self._matrix_of(obj, outer)
            for k in range(c.FPDFFormObj_CountObjects(obj)):
                self._object(c.FPDFFormObj_GetObject(obj, k), matrix, depth + 1)

    def _text(self, obj: Any) -> None:
        """Remember a text object that reaches outside its clipping path."""
        c = pdfium_c
        clip = c.FPDFPageObj_GetClipPath(obj)
        if not clip:
            return
        left, bottom, right, top = self._box
        if not c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            return
        box: list[float] | None = None
        x, y = self._x, self._y
        for k in range(max(c.FPDFClipPath_CountPaths(clip), 0)):
            xs: list[float] = []
            ys: list[float] = []
            for j in range(max(c.FPDFClipPath_CountPathSegments(clip, k), 0)):
                segment = c.FPDFClipPath_GetPathSegment(clip, k, j)
                if segment and c.FPDFPathSegment_GetPoint(segment, x, y):
                    xs.append(x.value)
                    ys.append(y.value)
            if not xs:
                continue
            own = [min(xs), min(ys), max(xs), max(ys)]
            if box is None:
                box = own
            else:  # clipping paths intersect
                box = [
                    max(box[0], own[0]),
                    max(box[1], own[1]),
                    min(box[2], own[2]),
                    min(box[3], own[3]),
                ]
        if box is None:
            return
        t = _AXIS
        inside = (
            box[0] - t <= left.value
            and box[1] - t <= bottom.value
            and right.value <= box[2] + t
            and top.value <= box[3] + t
        )
        if not inside:
            address = ctypes.cast(obj, ctypes.c_void_p).value or 0
            self.clipped[address] = (box[0], box[1], box[2], box[3])

    def _matrix_of(self, obj: Any, outer: _Matrix) -> _Matrix:
        m = self._matrix
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
            return outer
        own = (m.a, m.b, m.c, m.d, m.e, m.f)
        return own if outer == _IDENTITY else _compose(own, outer)

    def _path(self, obj: Any, outer: _Matrix) -> None:
        c = pdfium_c
        if not c.FPDFPath_GetDrawMode(obj, self._fill, self._stroke):
            return
        if not self._stroke.value:
            if self._fill.value == c.FPDF_FILLMODE_NONE:
                return  # an invisible path (clipping helper)
            r, g, b, _ = self._rgba
            if (
                c.FPDFPageObj_GetFillColor(obj, r, g, b, self._rgba[3])
                and min(r.value, g.value, b.value) >= 250
            ):
                return  # a white background, not a line
        a, b_, c_, d, e, f = self._matrix_of(obj, outer)
        view = self.view
        start = current = (0.0, 0.0)
        x, y = self._x, self._y
        for k in range(c.FPDFPath_CountSegments(obj)):
            segment = c.FPDFPath_GetPathSegment(obj, k)
            if not c.FPDFPathSegment_GetPoint(segment, x, y):
                continue
            px, py = x.value, y.value
            point = view.point(a * px + c_ * py + e, b_ * px + d * py + f)
            kind = c.FPDFPathSegment_GetType(segment)
            if kind == c.FPDF_SEGMENT_MOVETO:
                start = current = point
                continue
            if kind == c.FPDF_SEGMENT_LINETO:
                self._segment(current, point)
            current = point
            if c.FPDFPathSegment_GetClose(segment):
                self._segment(current, start)
                current = start

    def _segment(self, p: tuple[float, float], q: tuple[float, float]) -> None:
        dx, dy = abs(p[0] - q[0]), abs(p[1] - q[1])
        if dy <= _AXIS and dx >= _MIN_LINE:
            self.horizontal.append(_Edge((p[1] + q[1]) / 2, min(p[0], q[0]), max(p[0], q[0])))
        elif dx <= _AXIS and dy >= _MIN_LINE:
            self.vertical.append(_Edge((p[0] + q[0]) / 2, min(p[1], q[1]), max(p[1], q[1])))


def _pos(edge: _Edge) -> float:
    return edge.pos


def _a(edge: _Edge) -> float:
    return edge.a


def _merge_edges(edges: list[_Edge]) -> list[_Edge]:
    """Snap parallel lines closer than :data:`_SNAP`, then join collinear segments."""
    out: list[_Edge] = []
    for group in _cluster(edges, _pos, _SNAP):
        pos = sum(e.pos for e in group) / len(group)
        joined: list[_Edge] = []
        for edge in sorted(group, key=_a):
            if joined and edge.a <= joined[-1].b + _JOIN:
                joined[-1].b = max(joined[-1].b, edge.b)
            else:
                joined.append(_Edge(pos, edge.a, edge.b))
        out.extend(e for e in joined if e.b - e.a >= _MIN_LINE)
    return out


# -- tables from ruling lines ------------------------------------------------------------------


class _Sets:
    """Union-find over 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[rj] = ri


def _components(hs: list[_Edge], vs: list[_Edge]) -> list[tuple[list[_Edge], list[_Edge]]]:
    """Groups of lines that touch each other (each group a table candidate)."""
    sets = _Sets(len(hs) + len(vs))
    t = _SNAP
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if v.a - t <= h.pos <= v.b + t and h.a - t <= v.pos <= h.b + t:
                sets.union(i, len(hs) + j)
    groups: dict[int, tuple[list[_Edge], list[_Edge]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(sets.find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(sets.find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 1 and len(g[1]) >= 1]


def _covers(segments: list[tuple[float, float]] | None, a: float, b: float) -> bool:
    if not segments:
        return False
    return any(s <= a + _SNAP and e >= b - _SNAP for s, e in segments)


def _any_char_in(chars: Sequence[_Char], x0: float, top: float, x1: float, bottom: float) -> bool:
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom:
            return True
    return False


def _lattice(hs: list[_Edge], vs: list[_Edge], chars: Sequence[_Char], page: int) -> _Table | None:
    """The cells of one group of ruling lines, merged cells rebuilt; None if no table."""
    xs = sorted({v.pos for v in vs})
    ys = sorted({h.pos for h in hs})
    # Close the frame where lines run past the outermost line of the other direction: a
    # table without outer side borders, or open at a page break inside merged cells.
    left, right = min(h.a for h in hs), max(h.b for h in hs)
    top, bottom = min(v.a for v in vs), max(v.b for v in vs)
    if left < xs[0] - _SNAP and _any_char_in(chars, left, ys[0], xs[0], ys[-1]):
        xs.insert(0, left)
    if right > xs[-1] + _SNAP and _any_char_in(chars, xs[-1], ys[0], right, ys[-1]):
        xs.append(right)
    if top < ys[0] - _SNAP:
        ys.insert(0, top)
    if bottom > ys[-1] + _SNAP:
        ys.append(bottom)
    rows, cols = len(ys) - 1, len(xs) - 1
    if rows * cols > _MAX_ATOMS:
        return None
    if rows < 1 or cols < 1 or (rows == 1 and cols == 1):
        return None  # a box around something, not a table
    vmap: dict[float, list[tuple[float, float]]] = {}
    for v in vs:
        vmap.setdefault(v.pos, []).append((v.a, v.b))
    hmap: dict[float, list[tuple[float, float]]] = {}
    for h in hs:
        hmap.setdefault(h.pos, []).append((h.a, h.b))

    def v_line(j: int, r: int) -> bool:  # a line at xs[j] along row r
        return _covers(vmap.get(xs[j]), ys[r], ys[r + 1])

    def h_line(r: int, j: int) -> bool:  # a line at ys[r] along column j
        return _covers(hmap.get(ys[r]), xs[j], xs[j + 1])

    sets = _Sets(rows * cols)
    for r in range(rows):
        for j in range(cols):
            if j + 1 < cols and not v_line(j + 1, r):
                sets.union(r * cols + j, r * cols + j + 1)
            if r + 1 < rows and not h_line(r + 1, j):
                sets.union(r * cols + j, (r + 1) * cols + j)
    regions: dict[int, list[int]] = {}
    for k in range(rows * cols):
        root = sets.find(k)
        box = regions.get(root)
        r, j = divmod(k, cols)
        if box is None:
            regions[root] = [r, j, r, j]
        else:
            box[0], box[1] = min(box[0], r), min(box[1], j)
            box[2], box[3] = max(box[2], r), max(box[3], j)
    cells: dict[int, _Cell] = {}
    owner: list[int] = [sets.find(k) for k in range(rows * cols)]
    for root, (r0, j0, r1, j1) in regions.items():
        cells[root] = _Cell(xs[j0], ys[r0], xs[j1 + 1], ys[r1 + 1], r0, r1 + 1)
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        r = min(max(bisect_right(ys, cy) - 1, 0), rows - 1)
        j = min(max(bisect_right(xs, cx) - 1, 0), cols - 1)
        cells[owner[r * cols + j]].chars.append(ch)
    kept: list[_Cell] = []
    for root, (r0, j0, r1, j1) in regions.items():
        cell = cells[root]
        top_open = [not h_line(r0, j) for j in range(j0, j1 + 1)]
        bottom_open = [not h_line(r1 + 1, j) for j in range(j0, j1 + 1)]
        left_open = [not v_line(j0, r) for r in range(r0, r1 + 1)]
        right_open = [not v_line(j1 + 1, r) for r in range(r0, r1 + 1)]
        missing = sum(top_open) + sum(bottom_open) + sum(left_open) + sum(right_open)
        total = len(top_open) * 2 + len(left_open) * 2
        if not any(ch.text != " " for ch in cell.chars) and missing * 2 > total:
            continue  # outside the table's outline (an L-shaped frame)
        cell.open_top = r0 == 0 and any(top_open)
        cell.open_bottom = r1 + 1 == rows and any(bottom_open)
        kept.append(cell)
    if len(kept) < 2 or not any(ch.text != " " for cell in kept for ch in cell.chars):
        return None  # a single box, or a drawing without text
    kept.sort(key=lambda cell: (cell.r0, cell.x0))
    return _Table(page, xs, ys, kept)


def _tables(page: int, chars: list[_Char], reader: _PathReader) -> list[_Table]:
    hs = _merge_edges(reader.horizontal)
    vs = _merge_edges(reader.vertical)
    found: list[_Table] = []
    for group_h, group_v in _components(hs, vs):
        table = _lattice(group_h, group_v, chars, page)
        if table is not None:
            found.append(table)
    if len(found) > 1:
        # A character belongs to the innermost table around it (a frame around a table).
        found.sort(key=lambda t: (t.x1 - t.x0) * (t.bottom - t.top))
        claimed: set[int] = set()
        for table in found:
            for cell in table.cells:
                cell.chars = [ch for ch in cell.chars if id(ch) not in claimed]
            claimed.update(id(ch) for cell in table.cells for ch in cell.chars)
        found = [
            t
            for t in found
            if len(t.cells) > 1 and not (all(not c.chars for c in t.cells) and _encloses(t, found))
        ]
    found.sort(key=lambda t: (t.top, t.x0))
    return found


def _encloses(table: _Table, others: list[_Table]) -> bool:
    return any(
        o is not table
        and table.x0 <= o.x0 + _SNAP
        and o.x1 <= table.x1 + _SNAP
        and table.top <= o.top + _SNAP
        and o.bottom <= table.bottom + _SNAP
        for o in others
    )


# -- pages ------------------------------------------------------------------------------------


def _view(page: Any) -> _View:
    c = pdfium_c
    rect = c.FS_RECTF()
    if not c.FPDF_GetPageBoundingBox(page, rect):
        width, height = c.FPDF_GetPageWidthF(page), c.FPDF_GetPageHeightF(page)
        rect.left, rect.bottom, rect.right, rect.top = 0.0, 0.0, width, height
    rotation = c.FPDFPage_GetRotation(page)
    return _View(rect.left, rect.bottom, rect.right, rect.top, rotation if 0 <= rotation < 4 else 0)


def _read_page(doc: Any, index: int) -> _Page:
    page = doc[index]
    try:
        view = _view(page.raw)
        reader = _PathReader(view)
        reader.read_page(page.raw)
        textpage = page.get_textpage()
        try:
            raw_chars, unmapped = _chars(textpage.raw, view, reader.clipped)
        finally:
            textpage.close()
    finally:
        page.close()
    chars = dedupe(raw_chars)
    lines = _lines(chars)
    for number, line in enumerate(lines, start=1):
        for word in line.words:
            for ch in word:
                ch.line = number
    for ch in chars:  # spaces are not in words: give them the line of their neighbours
        if ch.line == 0:
            ch.line = _nearest_line(lines, ch)
    tables = _tables(index + 1, chars, reader) if reader.horizontal and reader.vertical else []
    inside = {id(ch) for t in tables for cell in t.cells for ch in cell.chars}
    outside = _lines([ch for ch in chars if id(ch) not in inside]) if tables else lines
    previous = 0.0
    for table in tables:
        table.title = [
            line.text
            for line in outside
            if line.top >= previous - _SNAP and line.bottom <= table.top + _SNAP
        ]
        previous = table.bottom
    return _Page(
        number=index + 1,
        height=view.height,
        lines=lines,
        tables=tables,
        outside=outside,
        images=reader.images,
        unmapped=unmapped,
        chars=len(chars),
    )


def _nearest_line(lines: list[_Line], ch: _Char) -> int:
    for number, line in enumerate(lines, start=1):
        if line.top - _Y_TOLERANCE <= ch.top <= line.bottom:
            return number
    return 0


def _pages(data: bytes, name: str) -> list[_Page]:
    with _PDFIUM:
        doc = _open(data, name)
        pages: list[_Page] = []
        try:
            try:
                count = len(doc)
            except Exception as exc:
                raise IngestError(
                    name, f"is damaged: its pages cannot be counted ({exc})"
                ) from None
            most = guard.DEFAULT.pdf_pages
            if count > most:
                # The page tree as PDFium reads it: pages kept in compressed object
                # streams, which the guard's look at the raw bytes cannot see, count too.
                raise guard.LimitExceeded(name, f"有 {count:,} 页，超过上限 {most:,} 页，未读取")
            for index in range(count):
                try:
                    pages.append(_read_page(doc, index))
                except Exception as exc:  # a damaged page: the others may still be read
                    pages.append(_Page(index + 1, 0.0, [], [], [], 0, 0, 0, damage=str(exc)))
        finally:
            doc.close()
    if not pages:
        raise IngestError(name, "has no pages")
    if all(p.damage for p in pages):
        raise IngestError(name, f"is damaged: no page can be read ({pages[0].damage})")
    if not any(p.lines for p in pages):
        if any(p.images for p in pages):
            raise IngestError(
                name,
                "has no text layer (scanned pages?): it needs OCR, which jixiao does not do",
            )
        raise IngestError(name, "has no text: no performance target table in it")
    return pages


# -- grids ------------------------------------------------------------------------------------


def _cell_text(chars: list[_Char]) -> tuple[str, int | None]:
    """A cell's lines joined with newlines, and the page line of its first line."""
    lines = _lines(chars)
    if not lines:
        return "", None
    first = min(ch.line for word in lines[0].words for ch in word)
    return "\n".join(line.text for line in lines), first or None


_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:[/／]\s*\d{1,4}|[,，]?\s*共\s*\d{1,4}\s*页)?[-—–\s]*$"
    r"|^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def _furniture(line: _Line, other: _Page) -> bool:
    """A page number, or a running header/footer (the same line on the other page)."""
    text = line.text
    return bool(_PAGE_NUMBER.match(text)) or any(o.text == text for o in other.outside)


def _continues(prev: _Table, prev_page: _Page, table: _Table, page: _Page) -> bool:
    """Does ``table`` (first on its page) continue ``prev`` (last on the page before)?"""
    if page.number != prev_page.number + 1:
        return False
    above = [line for line in page.outside if line.bottom <= table.top + _SNAP]
    if any(not _furniture(line, prev_page) for line in above):
        return False  # a title or text of its own: a new table
    if abs(prev.x0 - table.x0) > _SNAP or abs(prev.x1 - table.x1) > _SNAP:
        return False
    below = [line for line in prev_page.outside if line.top >= prev.bottom - _SNAP]
    text_below = any(not _furniture(line, page) for line in below)
    reaches_bottom = prev.bottom >= 0.6 * prev_page.height
    starts_at_top = table.top <= 0.4 * page.height
    open_break = any(c.open_bottom for c in prev.cells) or any(c.open_top for c in table.cells)
    return starts_at_top and not text_below and (open_break or reaches_bottom)


def _columns(parts: list[_Table]) -> list[float]:
    xs = [x for part in parts for x in part.xs]
    return [sum(g) / len(g) for g in _cluster(xs, float, _SNAP)]


def _index(columns: list[float], x: float) -> int:
    return min(range(len(columns)), key=lambda k: abs(columns[k] - x))


def _grid(parts: list[_Table], name: str) -> Grid:
    columns = _columns(parts)
    placed: list[tuple[int, int, int, int, str, Provenance]] = []  # row, col, rows, cols, …
    offset = 0
    bottom_open: dict[tuple[int, int], int] = {}  # (col, cols) → index in placed
    for k, part in enumerate(parts):
        skip = 0
        if k > 0 and _repeats_header(part, parts[0]):
            skip = 1
        this_bottom: dict[tuple[int, int], int] = {}
        for cell in part.cells:
            if cell.r0 < skip:
                continue
            text, line = _cell_text(cell.chars)
            col = _index(columns, cell.x0)
            span = max(1, _index(columns, cell.x1) - col)
            row = offset + cell.r0 - skip
            rowspan = cell.r1 - cell.r0
            source = Provenance(file=name, page=part.page, line=line)
            before = bottom_open.get((col, span)) if cell.open_top and cell.r0 == skip else None
            if before is not None:  # a merged cell cut by the page break
                r, c, rs, cs, t, src = placed[before]
                joined = "\n".join(x for x in (t, text) if x)
                placed[before] = (r, c, rs + rowspan, cs, joined, src if t or not text else source)
                if cell.open_bottom:
                    this_bottom[(col, span)] = before
                continue
            placed.append((row, col, rowspan, span, text, source))
            if cell.open_bottom:
                this_bottom[(col, span)] = len(placed) - 1
        bottom_open = this_bottom
        offset += part.rows - skip
    cells = tuple(
        GridCell(text=t, row=r, col=c, rowspan=rs, colspan=cs, source=src)
        for r, c, rs, cs, t, src in sorted(placed, key=lambda p: (p[0], p[1]))
    )
    return Grid(
        cells=cells,
        title=tuple(parts[0].title),
        page=parts[0].page if len(parts) == 1 else None,
    )


def _row_texts(table: _Table, row: int) -> list[str] | None:
    cells = [c for c in table.cells if c.r0 == row]
    if any(c.r1 - c.r0 != 1 for c in cells):
        return None
    return [_cell_text(c.chars)[0] for c in sorted(cells, key=lambda c: c.x0)]


def _repeats_header(part: _Table, first: _Table) -> bool:
    """Does the part start with a copy of one of the first rows of the table (a header)?"""
    texts = _row_texts(part, 0)
    if not texts or not any(texts):
        return False
    return any(_row_texts(first, r) == texts for r in range(min(4, first.rows)))


def _ruled_grids(pages: list[_Page], name: str) -> list[Grid]:
    groups: list[list[_Table]] = []
    last: tuple[_Table, _Page] | None = None
    for page in pages:
        for k, table in enumerate(page.tables):
            if k == 0 and last is not None and _continues(last[0], last[1], table, page):
                groups[-1].append(table)
            else:
                groups.append([table])
        if page.tables:
            last = (page.tables[-1], page)
        elif page.lines:
            last = None
    return [_grid(group, name) for group in groups]


def _gutters(lines: list[_Line]) -> list[float]:
    """Column boundaries: the middles of the gaps between words that (nearly) all lines share.

    A gap is a column boundary when at most a quarter of the lines have a word across it
    (a value centred over two columns, a long field) and it is wider than a word gap.
    """
    events: list[tuple[float, int]] = []
    for line in lines:
        for word in line.words:
            events.append((min(ch.x0 for ch in word), 1))
            events.append((max(ch.x1 for ch in word), -1))
    if not events:
        return []
    events.sort()
    allowed = len(lines) // 4
    cuts: list[float] = []
    depth = 0
    gap_start: float | None = None
    first, last = events[0][0], events[-1][0]
    for x, delta in events:
        before = depth
        depth += delta
        if before > allowed >= depth:
            gap_start = x
        elif before <= allowed < depth and gap_start is not None:
            if x - gap_start > _X_TOLERANCE and first < gap_start and x < last:
                cuts.append((gap_start + x) / 2)
            gap_start = None
    return cuts


def _aligned_grid(page: _Page, name: str) -> Grid | None:
    """A table from text alignment: rows are text lines, columns the gutters between words."""
    lines = page.lines
    start = next((k for k, line in enumerate(lines) if len(line.words) >= 2), None)
    if start is None:
        return None
    body = lines[start:]
    wide = [line for line in body if len(line.words) >= 3] or [
        line for line in body if len(line.words) >= 2
    ]
    cuts = _gutters(wide)
    if not cuts:
        return None
    cells: list[GridCell] = []
    for row, line in enumerate(body):
        texts: dict[int, list[str]] = {}
        first: dict[int, int] = {}
        for word in line.words:
            centre = (min(ch.x0 for ch in word) + max(ch.x1 for ch in word)) / 2
            col = bisect_right(cuts, centre)
            texts.setdefault(col, []).append("".join(ch.text for ch in word))
            first.setdefault(col, word[0].line)
        for col in range(len(cuts) + 1):
            text = " ".join(texts.get(col, ()))
            line_no = first.get(col)
            source = Provenance(file=name, page=page.number, line=line_no)
            cells.append(GridCell(text=text, row=row, col=col, source=source))
    if len(body) < 2:
        return None
    return Grid(
        cells=tuple(cells), title=tuple(line.text for line in lines[:start]), page=page.number
    )


def grids(data: bytes, name: str) -> list[Grid]:
    """The tables of a PDF, page by page (a table over several pages is one grid).

    Tables come from ruling lines; a page with text but no ruled table gives the table its
    words align into, if they form at least two rows and two columns.  Raises
    :class:`IngestError` when the file cannot be read or has no text layer.
    """
    pages = _pages(data, name)
    out: list[Grid] = []
    ruled = _ruled_grids(pages, name)
    by_page: dict[int, list[Grid]] = {}
    for grid in ruled:
        first = min((c.source.page for c in grid.cells if c.source and c.source.page), default=0)
        by_page.setdefault(first, []).append(grid)
    for page in pages:
        out.extend(by_page.get(page.number, ()))
        if not page.tables and page.lines:
            aligned = _aligned_grid(page, name)
            if aligned is not None:
                out.append(aligned)
    return out


# -- text -------------------------------------------------------------------------------------


def _page_texts(pages: list[_Page]) -> str:
    return "".join((page.text + "\n" if page.lines else "") + "\f" for page in pages)


def text(data: bytes, name: str) -> str:
    """The text layer: each page's lines, then a form feed (as ``pdftotext`` separates pages).

    Line ``n`` of a page here is the line ``n`` that provenance names.  Raises
    :class:`IngestError` like :func:`grids`.
    """
    return _page_texts(_pages(data, name))


# -- the document -----------------------------------------------------------------------------


def read(data: bytes, name: str, *, sha256: str) -> Document:
    """Read a PDF: ruled tables through the grid interpreter, other pages as text."""
    pages = _pages(data, name)
    warnings = _page_warnings(pages, data, name)
    ruled = _ruled_grids(pages, name)
    text_pages = [p for p in pages if p.lines and not p.tables]
    docs: list[Document] = []
    errors: list[IngestError] = []
    if ruled:
        try:
            docs.append(_read_grids(ruled, name, sha256))
        except IngestError as exc:
            errors.append(exc)
            text_pages = [p for p in pages if p.lines]  # try the whole text instead
    if text_pages:
        try:
            docs.append(_read_text(text_pages, name, sha256))
        except IngestError as exc:
            aligned = [g for g in (_aligned_grid(p, name) for p in text_pages) if g is not None]
            try:
                if not aligned:
                    raise exc
                docs.append(_read_grids(aligned, name, sha256))
            except IngestError:
                if not docs:
                    errors.append(exc)
                for page in text_pages:
                    warnings.append(
                        Diagnostic(
                            UNUSED_TEXT,
                            f"第 {page.number} 页不是绩效目标表，未导入",
                            Provenance(file=name, page=page.number, line=1),
                        )
                    )
    if not docs:
        raise errors[0]
    return _merge(docs, warnings, name, sha256)


def _read_grids(found: list[Grid], name: str, sha256: str) -> Document:
    from jixiao.ingest._read import read_grids

    try:
        return read_grids(found, file=name, sha256=sha256, layout=LAYOUT)
    except IngestError:
        raise
    except Exception as exc:  # the interpreter must never crash the import of a file
        raise IngestError(name, f"its tables cannot be read: {type(exc).__name__}: {exc}") from None


def _page_warnings(pages: list[_Page], data: bytes, name: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for page in pages:
        where = Provenance(file=name, page=page.number)
        if page.damage:
            out.append(
                Diagnostic(
                    DAMAGED_PAGE,
                    f"第 {page.number} 页已损坏，无法读取，未导入（{page.damage}）",
                    where,
                )
            )
        elif not page.lines and page.images:
            out.append(
                Diagnostic(
                    NEEDS_OCR, f"第 {page.number} 页只有图像，没有文字层（需要 OCR），未导入", where
                )
            )
        elif page.chars and page.unmapped / page.chars > _GARBLED_SHARE:
            out.append(
                Diagnostic(
                    GARBLED_TEXT,
                    f"第 {page.number} 页有 {page.unmapped} 个字符的字体没有 Unicode 映射，文字可能有误",
                    where,
                )
            )
    if not _has_eof(data):
        out.append(
            Diagnostic(
                TRUNCATED,
                f"PDF 文件不完整（结尾没有 %%EOF），只读到 {len(pages)} 页",
                Provenance(file=name, page=len(pages)),
            )
        )
    return out


def _read_text(pages: list[_Page], name: str, sha256: str) -> Document:
    """Give the pages' text to the text readers; provenance back to PDF pages and lines."""
    starts: list[int] = []  # global line number of each page's first line
    line = 1
    for page in pages:
        starts.append(line)
        line += len(page.lines) + 1  # the page's lines, then the line with the form feed
    source = TextSource(name=name, text=_page_texts(pages))

    def locate(where: Provenance) -> Provenance:
        if where.line is None:
            if where.page is not None and 1 <= where.page <= len(pages):
                return replace(where, page=pages[where.page - 1].number)
            return where
        k = max(bisect_right(starts, where.line) - 1, 0)
        return replace(where, page=pages[k].number, line=where.line - starts[k] + 1)

    def renumber(message: str) -> str:
        def page_no(m: re.Match[str]) -> str:
            k = int(m.group(1))
            return f"第 {pages[k - 1].number} 页" if 1 <= k <= len(pages) else m.group(0)

        return re.sub(r"第 (\d+) 页", page_no, message)

    try:
        doc = text_blocks.read(source, sha256=sha256)
    except IngestError as exc:
        if exc.line is None:
            raise
        where = locate(Provenance(file=name, page=exc.page, line=exc.line))
        raise IngestError(name, exc.problem, page=where.page, line=where.line) from None
    doc = _map_sources(doc, locate)
    return replace(
        doc,
        warnings=tuple(replace(w, message=renumber(w.message)) for w in doc.warnings),
    )


def _map_sources(obj: T, locate: Callable[[Provenance], Provenance]) -> T:
    """The same tree of frozen dataclasses with every Provenance passed through ``locate``."""
    if isinstance(obj, Provenance):
        return locate(obj)  # type: ignore[return-value]
    if isinstance(obj, tuple):
        return tuple(_map_sources(item, locate) for item in obj)  # type: ignore[return-value]
    if is_dataclass(obj) and not isinstance(obj, type):
        changes: dict[str, Any] = {}
        for f in fields(obj):
            value = getattr(obj, f.name)
            mapped = _map_sources(value, locate)
            if mapped is not value:
                changes[f.name] = mapped
        return replace(obj, **changes) if changes else obj
    return obj


def _page_of(item: Any) -> int:
    source = getattr(item, "source", None) or getattr(item, "location", None)
    page = getattr(source, "page", None)
    return page if isinstance(page, int) else 1 << 30


def _merge(docs: list[Document], warnings: list[Diagnostic], name: str, sha256: str) -> Document:
    """One document from the parts read from grids and from text, in page order."""
    overall = sorted((o for d in docs for o in d.overall_targets), key=_page_of)
    projects: list[Project] = sorted((p for d in docs for p in d.projects), key=_page_of)
    all_warnings = sorted([w for d in docs for w in d.warnings] + warnings, key=_page_of)
    years = [o.fiscal_year for o in overall] + [p.fiscal_year for p in projects]
    fiscal_year = most_common_year(years)
    if fiscal_year is None:
        fiscal_year = next((d.fiscal_year for d in docs if d.fiscal_year is not None), None)
    if len(docs) > 1:
        projects = with_publisher(overall, projects, fiscal_year)
    return Document(
        fiscal_year=fiscal_year,
        overall_targets=tuple(overall),
        projects=tuple(projects),
        warnings=tuple(all_warnings),
        source=SourceInfo(file=name, sha256=sha256, layout=LAYOUT),
        actuals=merge_actuals(a for d in docs for a in d.actuals),
    )

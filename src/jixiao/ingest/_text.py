"""Text sources: decoding, lines with their numbers, pages and blocks.

A text dump of a table keeps its structure in white space: blank lines separate cells
(blocks), runs of blank lines or form feeds separate pages.  Everything here keeps the
1-based line number of every line so that each value can name where it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jixiao.domain.provenance import Provenance
from jixiao.ingest.errors import IngestError

_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based line number in the file
    page: int  # 1-based page number
    text: str  # stripped of surrounding white space, never empty in a Block


@dataclass(frozen=True, slots=True)
class Block:
    """Consecutive non-blank lines: one cell, or several cells on shared baselines."""

    lines: tuple[Line, ...]

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def text(self) -> str:
        return join_wrapped(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    blocks: tuple[Block, ...]

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for block in self.blocks for line in block.lines)


@dataclass(frozen=True, slots=True)
class TextSource:
    """A decoded text file."""

    name: str  # how the file is named in messages and provenance
    text: str

    def at(self, line: Line) -> Provenance:
        return Provenance(file=self.name, page=line.page, line=line.number)

    def pages(self) -> tuple[Page, ...]:
        return split_pages(self.text)


def decode(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030, else UTF-16."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(name, "is a binary file, not a text dump of a table")
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    raise IngestError(name, "cannot be decoded as UTF-8, GB18030 or UTF-16 text")


_NEWLINE = re.compile(r"\r\n|\r|\n")
_PAGE_BREAK_BLANKS = 2  # this many blank lines in a row (or a form feed) end a page


def split_pages(text: str) -> tuple[Page, ...]:
    """Pages of blocks; a page ends at a form feed or at two or more blank lines."""
    pages: list[Page] = []
    blocks: list[Block] = []
    current: list[Line] = []
    blanks = 0
    page = 1

    def end_block() -> None:
        nonlocal current
        if current:
            blocks.append(Block(tuple(current)))
            current = []

    def end_page() -> None:
        nonlocal blocks, page
        end_block()
        if blocks:
            pages.append(Page(page, tuple(blocks)))
            blocks = []
            page += 1

    # Split on newlines only: str.splitlines() would also split on form feeds (page breaks).
    if text.endswith(("\r\n", "\n", "\r")):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    for number, raw in enumerate(_NEWLINE.split(text), start=1):
        segments = raw.split("\f")
        for k, segment in enumerate(segments):
            if k > 0:
                end_page()
                blanks = 0
            stripped = clean(segment)
            if not stripped:
                if k == len(segments) - 1:
                    blanks += 1
                    end_block()
                continue
            if blanks >= _PAGE_BREAK_BLANKS:
                end_page()
            blanks = 0
            current.append(Line(number, page, stripped))
    end_page()
    return tuple(pages)


_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000e-\u001f\u007f\u200b-\u200d\ufeff]")


def clean(text: str) -> str:
    """A line without control characters, zero-width spaces or surrounding white space."""
    return _CONTROL.sub("", text).strip().strip("\u3000").strip()


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_wrapped(parts: object) -> str:
    """Join the lines of a wrapped cell: no separator between CJK text, a space between
    two ASCII words (so that ``"total"`` + ``"cost"`` stays two words)."""
    out = ""
    for part in parts:  # type: ignore[attr-defined]
        text = str(part)
        if not text:
            continue
        if out and _is_word_char(out[-1]) and _is_word_char(text[0]):
            out += " "
        out += text
    return out


def fold(text: str) -> str:
    """NFKC-fold and drop all white space (for matching header words and field keys)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

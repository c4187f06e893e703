"""Machine-Traditional text (繁体, also with pinyin glosses in brackets) read as simplified.

Some sites serve a government page through an automatic Traditional-Chinese converter that
also writes the pinyin of some characters in brackets (``當(dāng)前``).  The readers know the
simplified header words, labels and field keys, so such a text is read in simplified form:
:func:`simplified` gives the text with the glosses dropped and each Traditional character
replaced by its simplified one (character by character, so that every character of the
reading maps back to the printed one), and :func:`restore_printed` puts what the document
keeps as printed — names, value texts, goal texts — back in the printed form.  Levels stay
the taxonomy's canonical (simplified) names.

The conversion table comes from OpenCC (the ``opencc`` package, ``t2s``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from jixiao.domain.model import Document

# A pinyin gloss after a character: Latin letters in brackets with a tone mark.
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
GLOSS = re.compile(rf"[(（](?=[^)）]*[{_TONES}])[a-zA-Zü{_TONES}]{{1,8}}[)）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
TRADITIONAL_SHARE = 0.04  # share of CJK characters that OpenCC changes in a Traditional text
TRADITIONAL_MIN = 5  # and at least this many


@functools.lru_cache(maxsize=1)
def _converter() -> Callable[[str], str] | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - a dependency of the project
        return None
    return opencc.OpenCC("t2s").convert


@functools.lru_cache(maxsize=65536)
def _simple_char(ch: str) -> str:
    convert = _converter()
    if convert is None:
        return ch
    out = convert(ch)
    return out if len(out) == 1 else ch


@dataclasses.dataclass(frozen=True)
class Printed:
    """The simplified reading of a text and the way back to the printed one."""

    original: str
    text: str  # the simplified text
    at: tuple[int, ...]  # at[i]: where text[i] is in the original

    def restore(self, reading: str) -> str:
        """The printed form of a piece of the simplified text (itself when not found)."""
        if not reading:
            return reading
        a = self.text.find(reading)
        if a < 0:
            return reading
        b = a + len(reading)
        end = self.at[b] if b < len(self.at) else len(self.original)
        printed = self.original[self.at[a] : end].rstrip()
        return printed or reading


def simplified(text: str) -> Printed | None:
    """The text read as simplified, or None when it is not machine-Traditional."""
    cjk = _CJK.findall(text[:200_000])
    if not cjk or _converter() is None:
        return None
    changed = sum(1 for ch in cjk if _simple_char(ch) != ch)
    if changed < TRADITIONAL_MIN or changed < TRADITIONAL_SHARE * len(cjk):
        return None
    out: list[str] = []
    at: list[int] = []
    pos = 0
    for m in GLOSS.finditer(text):
        _copy(text, pos, m.start(), out, at)
        pos = m.end()
    _copy(text, pos, len(text), out, at)
    return Printed(text, "".join(out), tuple(at))


def _copy(text: str, start: int, end: int, out: list[str], at: list[int]) -> None:
    for k in range(start, end):
        ch = text[k]
        out.append(_simple_char(ch) if "\u4e00" <= ch <= "\u9fff" else ch)
        at.append(k)


# Fields kept as printed, per class name: restored to the printed form.
_PRINTED_FIELDS = {
    "Project": ("name", "unit", "department", "annual_goal", "long_term_goal"),
    "Indicator": ("name", "basis", "explanation", "standard", "remark"),
    "TargetValue": ("text",),
    "Goal": ("function", "work", "goal"),
    "OverallTargets": ("unit", "department"),
}

T = TypeVar("T")


def restore_printed(doc: Document, printed: Printed) -> Document:
    """The document with its printed texts in the printed (Traditional) form."""
    result: Document = _restore(doc, printed)
    return result


def _restore(obj: T, printed: Printed) -> T:
    if isinstance(obj, tuple):
        return tuple(_restore(x, printed) for x in obj)  # type: ignore[return-value]
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    names = _PRINTED_FIELDS.get(type(obj).__name__, ())
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name in names and isinstance(value, str):
            new: Any = printed.restore(value)
        elif isinstance(value, tuple) or (
            dataclasses.is_dataclass(value) and not isinstance(value, type)
        ):
            new = _restore(value, printed)
        else:
            continue
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(obj, **changes) if changes else obj

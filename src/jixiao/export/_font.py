"""The CJK font embedded in exported PDFs: Noto Sans SC (SIL Open Font License), which the
set-up installs from the npm registry (package.json: ``@expo-google-fonts/noto-sans-sc``).

``$JIXIAO_FONT_DIR`` may name another folder holding ``NotoSansSC_400Regular.ttf`` and
``NotoSansSC_700Bold.ttf``; otherwise the checkout's ``node_modules`` is used.
"""

from __future__ import annotations

import atexit
import os
import shutil
import string
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "@expo-google-fonts/noto-sans-sc"
REGULAR = "NotoSansSC_400Regular.ttf"
BOLD = "NotoSansSC_700Bold.ttf"


class FontMissing(RuntimeError):
    """The CJK font is not installed: exports to PDF cannot be made."""


def _candidates() -> list[Path]:
    env = os.environ.get("JIXIAO_FONT_DIR")
    if env:
        return [Path(env)]
    package = Path(__file__).resolve().parents[3] / "node_modules" / PACKAGE
    return [package / "400Regular", package / "700Bold", package]


def cjk_fonts() -> tuple[Path, Path]:
    """The regular and bold font files; :class:`FontMissing` says how to install them."""
    folders = _candidates()
    found: dict[str, Path] = {}
    for name in (REGULAR, BOLD):
        for folder in folders:
            if (folder / name).is_file():
                found[name] = folder / name
                break
    if len(found) < 2:
        where = ", ".join(str(f) for f in folders)
        raise FontMissing(
            f"the CJK font for PDF export ({REGULAR}, {BOLD}) is not installed (looked in "
            f"{where}); run scripts/bootstrap.sh (npm ci installs {PACKAGE}) or set "
            "JIXIAO_FONT_DIR"
        )
    return found[REGULAR], found[BOLD]


def _subset(source: Path, chars: str, target: Path) -> None:
    """Write ``source`` cut down to the glyphs of ``chars`` into ``target``.

    The layout tables (GSUB, GPOS, GDEF, BASE) are dropped, as fpdf2 drops them from the
    font it embeds (jixiao does no text shaping), and so are the vertical metrics (the
    PDFs are written horizontally: fpdf2 reads the widths from ``hmtx``).  The glyphs are
    copied as they are (``recalcBBoxes=False``: recompiling thousands of glyphs costs
    about a millisecond each); fpdf2 recompiles the few a PDF uses when it embeds them,
    as it did with the full font, so the embedded glyphs are the same."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(str(source), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "vmtx", "vhea", "VORG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.save(str(target))
    font.close()


def subset_fonts(text: str, folder: Path) -> tuple[Path, Path]:
    """The regular and bold fonts cut down to the characters of ``text`` (and printable
    ASCII), written into ``folder``: a many-file export parses the 10 MB fonts once,
    not once per file."""
    chars = "".join(sorted(set(text) | set(string.printable)))
    out = []
    for path in cjk_fonts():
        target = folder / path.name
        _subset(path, chars, target)
        out.append(target)
    return out[0], out[1]


def _common_chars() -> str:
    """GB 2312's symbols and full-width forms (rows 1-3) and its 3,755 level-1 hanzi (the
    common characters), with printable ASCII: what nearly every table is written in."""
    out = set(string.printable)
    for row in (*range(0xA1, 0xA4), *range(0xB0, 0xD8)):
        for cell in range(0xA1, 0xFF):
            try:
                out.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(out))


@dataclass(frozen=True)
class _Cut:
    """A subset of the fonts in this process's scratch folder and the characters asked
    for when it was made (characters the font lacks stay asked, so they never cause
    another cut)."""

    asked: frozenset[str]
    fonts: tuple[Path, Path]


_lock = threading.Lock()
_cuts: dict[tuple[tuple[str, int, int], ...], _Cut] = {}
_scratch: tuple[int, Path] | None = None  # (process id, folder)


def _remove(folder: Path, pid: int) -> None:
    if os.getpid() == pid:  # not in a child forked after the folder was made
        shutil.rmtree(folder, ignore_errors=True)


def _folder() -> Path:
    """This process's scratch folder for font subsets (removed when the process exits)."""
    global _scratch, _cuts
    if _scratch is None or _scratch[0] != os.getpid():
        folder = Path(tempfile.mkdtemp(prefix="jixiao-fonts-"))
        atexit.register(_remove, folder, os.getpid())
        _scratch = (os.getpid(), folder)
        _cuts = {}  # a forked child makes its own (the parent's folder is not its own)
    return _scratch[1]


def fonts_for(text: str) -> tuple[Path, Path]:
    """The regular and bold fonts of :func:`cjk_fonts` cut down to a set of characters
    that includes every character of ``text``: made once per process and font file
    (path, modification time and size) and cut again, larger, only when a text has a
    character no earlier text had.  The first cut holds the common characters
    (:func:`_common_chars`), so that it is rarely cut again.

    fpdf2 parses the whole font file it is given in ``add_font`` (the 10 MB Noto Sans SC:
    about a second for each style) and subsets it again to the glyphs a PDF uses, so a
    PDF made with these small files has the same glyphs, widths and text as one made
    with the full fonts.  Thread-safe (the web renders PDFs in a thread pool)."""
    fonts = cjk_fonts()
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in fonts)
    need = frozenset(text)
    with _lock:
        folder = _folder()
        cut = _cuts.get(key)
        if cut is not None and need <= cut.asked and all(f.is_file() for f in cut.fonts):
            return cut.fonts
        asked = need | (cut.asked if cut is not None else frozenset(_common_chars()))
        chars = "".join(sorted(asked))
        out: list[Path] = []
        for path in fonts:
            handle, name = tempfile.mkstemp(prefix=path.stem + "-", suffix=".ttf", dir=folder)
            os.close(handle)
            _subset(path, chars, Path(name))
            out.append(Path(name))
        # Earlier cuts stay on disk: a PDF being made in another thread may still read one.
        _cuts[key] = _Cut(asked, (out[0], out[1]))
        return out[0], out[1]

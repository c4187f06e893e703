"""The CJK font embedded in exported PDFs: Noto Sans SC (SIL Open Font License), which the
set-up installs from the npm registry (package.json: ``@expo-google-fonts/noto-sans-sc``).

``$JIXIAO_FONT_DIR`` may name another folder holding ``NotoSansSC_400Regular.ttf`` and
``NotoSansSC_700Bold.ttf``; otherwise the checkout's ``node_modules`` is used.
"""

from __future__ import annotations

import os
import string
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


def subset_fonts(text: str, folder: Path) -> tuple[Path, Path]:
    """The regular and bold fonts cut down to the characters of ``text`` (and printable
    ASCII), written into ``folder``: a many-file export parses the 10 MB fonts once,
    not once per file."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    chars = "".join(sorted(set(text) | set(string.printable)))
    out = []
    for path in cjk_fonts():
        font = TTFont(str(path))
        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        target = folder / path.name
        font.save(str(target))
        out.append(target)
    return out[0], out[1]

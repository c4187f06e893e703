"""The CJK fonts cut down once per process (``_font.fonts_for``): a PDF made with the cut
looks exactly like one made with the full fonts, a character outside the first cut is
still printed, and the cut is made again only for characters no earlier text had."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from jixiao.domain.model import Document
from jixiao.export import _font
from jixiao.export._font import cjk_fonts, fonts_for
from jixiao.export.pdf import workbook_pdf
from jixiao.export.targets import targets_workbook
from jixiao.ingest import read_bytes

RARE = "喆彧堃淼犇昇珺玥琰旻"  # in Noto Sans SC, not in GB 2312 level 1 (the first cut)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (poppler-utils) is needed: scripts/test installs it")
    return path


def _pages(pdf: bytes, folder: Path, name: str) -> list[Image.Image]:
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        [_tool("pdftoppm"), "-r", "100", "-png", str(folder / f"{name}.pdf"), str(folder / name)],
        check=True,
    )
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob(f"{name}-*.png"))]


def _covers(fonts: tuple[Path, Path], text: str) -> bool:
    return all(
        all(ord(ch) in TTFont(str(f), lazy=True).getBestCmap() for ch in text) for f in fonts
    )


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """An empty cache for the test, and the font files cut while it runs."""
    monkeypatch.setattr(_font, "_cuts", {})
    cuts: list[Path] = []
    real = _font._subset

    def subset(source: Path, chars: str, target: Path) -> None:
        cuts.append(source)
        real(source, chars, target)

    monkeypatch.setattr(_font, "_subset", subset)
    return cuts


def test_a_pdf_with_the_process_fonts_looks_as_one_with_the_full_fonts(
    seed: Document, tmp_path: Path
) -> None:
    """Page by page, pixel by pixel (poppler), and the same extracted text."""
    workbook = targets_workbook(seed.overall_targets[:1], seed.projects[:1])
    cut = _pages(workbook_pdf(workbook), tmp_path, "cut")
    full = _pages(workbook_pdf(workbook, fonts=cjk_fonts()), tmp_path, "full")
    assert len(cut) == len(full) == 2
    for a, b in zip(cut, full, strict=True):
        assert ImageChops.difference(a, b).getbbox() is None
    text = [
        subprocess.run(
            [_tool("pdftotext"), "-layout", str(tmp_path / f"{n}.pdf"), "-"],
            check=True,
            capture_output=True,
        ).stdout
        for n in ("cut", "full")
    ]
    assert text[0] == text[1] and "项目支出绩效目标表".encode() in text[0]


def test_a_character_outside_the_first_cut_is_printed_and_read_back(
    seed: Document, counted: list[Path]
) -> None:
    fonts_for("绩效目标")  # the first cut: the common characters
    project = replace(seed.projects[0], name=f"{RARE}项目")
    pdf = workbook_pdf(targets_workbook((), (project,)))
    assert len(counted) == 4  # the first cut and one more for the rare characters
    assert read_bytes(pdf, "rare.pdf").projects[0].name == project.name


def test_the_fonts_are_cut_again_only_for_characters_no_text_had(counted: list[Path]) -> None:
    first = fonts_for("绩效目标")
    assert len(counted) == 2 and _covers(first, "绩效目标表（）0123")
    assert not _covers(first, RARE[:1])
    assert fonts_for("目标") == first and fonts_for("绩效目标") == first
    assert len(counted) == 2
    second = fonts_for(RARE[:1] + "目标")
    assert len(counted) == 4 and second != first
    assert _covers(second, RARE[:1] + "绩效目标")
    assert fonts_for("绩效" + RARE[:1]) == second
    # A character the font does not have is asked for once, not cut for on every PDF.
    third = fonts_for("\U0001f600")
    assert len(counted) == 6
    assert fonts_for("\U0001f600目标") == third and len(counted) == 6


def test_another_font_file_is_cut_for_itself(
    counted: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for f in cjk_fonts():
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("JIXIAO_FONT_DIR", str(tmp_path))
    first = fonts_for("目标")
    assert fonts_for("目标") == first and len(counted) == 2
    assert {p.parent for p in counted} == {tmp_path}
    regular = tmp_path / _font.REGULAR
    stat = regular.stat()
    os.utime(regular, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a newer file
    assert fonts_for("目标") != first and len(counted) == 4


def test_threads_asking_at_once_share_one_cut(counted: list[Path]) -> None:
    """The web renders PDFs in a thread pool: texts asked for at once, all with a rare
    character, are served by one cut (made once, under the lock) that covers each."""
    found: dict[str, tuple[Path, Path]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def ask(word: str) -> None:
        try:
            start.wait()
            found[word] = fonts_for(word)
        except BaseException as e:  # pragma: no cover - shown by the assertion below
            errors.append(e)

    words = [f"{RARE[0]}{w}" for w in ("目标", "绩效", "项目", "指标")]
    threads = [threading.Thread(target=ask, args=(w,)) for w in words]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(found) == 4
    assert len(counted) == 2 and len(set(found.values())) == 1
    assert all(f.is_file() for f in found[words[0]]) and _covers(found[words[0]], "".join(words))

"""Reader for legacy Word documents (``.doc``, Word 97–2003; layout ``doc``).

A ``.doc`` is converted, never parsed here: LibreOffice headless (``soffice --headless
--convert-to docx``, Debian's ``libreoffice-writer-nogui``) turns it into a ``.docx`` that
:mod:`jixiao.ingest.docx` reads (tables as grids, merged cells as spans); where LibreOffice
is missing, ``antiword`` prints its text with tables as ``|``-separated cells, which the text
readers read.  Neither present: :class:`~jixiao.ingest.errors.IngestError` says in Chinese
what to install.

Conversion runs in a temporary folder of its own (its own LibreOffice profile, so that
conversions in parallel do not share one) with a time limit (:data:`TIMEOUT`); the folder is
removed afterwards.  Provenance names the ``.doc`` file, tables as in a DOCX (``T2R5C3``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from jixiao.domain.model import Document
from jixiao.ingest.errors import IngestError

__all__ = ["LAYOUT", "TIMEOUT", "is_word", "read"]

LAYOUT = "doc"
TIMEOUT = 180.0  # seconds one conversion may take
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def is_word(data: bytes) -> bool:
    """Whether an OLE2 compound file holds a Word document (a ``WordDocument`` stream)
    rather than a workbook."""
    return _WORD_STREAM in data and "Workbook".encode("utf-16-le") not in data


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(data: bytes, name: str, *, sha256: str) -> Document:
    """Read a ``.doc``: converted to DOCX by LibreOffice, else read as text by antiword."""
    from dataclasses import replace

    soffice = _soffice()
    if soffice is not None:
        from jixiao.ingest import docx

        converted = _convert(soffice, data, name)
        doc = docx.read(converted, name, sha256=sha256)
        assert doc.source is not None
        return replace(doc, source=replace(doc.source, layout=LAYOUT))
    antiword = shutil.which("antiword")
    if antiword is not None:
        return _read_antiword(antiword, data, name, sha256)
    raise IngestError(
        name,
        "是 Word 97–2003 文档（.doc），读取需要 LibreOffice（soffice）或 antiword，本机均未安装："
        "请安装 libreoffice-writer-nogui 或 antiword（apt-get install libreoffice-writer-nogui "
        "antiword），或先另存为 .docx",
    )


def _convert(soffice: str, data: bytes, name: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        folder = Path(tmp)
        source = folder / "in.doc"
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        env = {**os.environ, "HOME": str(folder)}
        try:
            subprocess.run(
                command, capture_output=True, timeout=TIMEOUT, check=False, env=env, cwd=folder
            )
        except subprocess.TimeoutExpired:
            raise IngestError(
                name, f"是 .doc 文档，LibreOffice 转换超过 {TIMEOUT:.0f} 秒仍未完成，未读取"
            ) from None
        except OSError as exc:
            raise IngestError(name, f"是 .doc 文档，无法启动 LibreOffice：{exc}") from None
        out = folder / "out" / "in.docx"
        if not out.exists():
            raise IngestError(
                name, "是 .doc 文档，LibreOffice 未能转换（文件损坏或不是 Word 文档？）"
            )
        return out.read_bytes()


def _read_antiword(antiword: str, data: bytes, name: str, sha256: str) -> Document:
    from dataclasses import replace

    from jixiao.ingest import read_bytes

    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        source = Path(tmp) / "in.doc"
        source.write_bytes(data)
        try:
            run = subprocess.run(
                [antiword, "-w", "0", "-m", "UTF-8.txt", str(source)],
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise IngestError(
                name, f"是 .doc 文档，antiword 读取超过 {TIMEOUT:.0f} 秒仍未完成，未读取"
            ) from None
    if run.returncode != 0 or not run.stdout.strip():
        raise IngestError(name, "是 .doc 文档，antiword 未能读取（文件损坏或不是 Word 文档？）")
    doc = read_bytes(run.stdout, name)
    info = doc.source
    return replace(doc, source=replace(info, sha256=sha256) if info else None)

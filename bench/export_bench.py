"""A whole year's export of the demo data, timed, with baselines in the same process.

    .venv/bin/python bench/export_bench.py [--copies 10] [--repeat 3]

The demo database (the seed, approved, with the example actuals: ``demo.set_up``) is built
in a temporary SQLite file; ``--copies N`` adds N more units, each a copy of the seed's
tables under another unit name, so that a year holds N + 1 units (9 tables each).

Timed, best of ``--repeat``:

* one table's PDF (``render``, what a download does): the first in the process, then
  the best of ``--repeat``;
* ``year_archive`` for pdf, xlsx and html (one file per unit plus the year's open data);
* the open data of the whole year: ``render`` json, csv, datapackage;
* baselines: the same indicator rows through ``csv.writer`` alone (csv), the same cells
  through openpyxl without styles or merges (xlsx), the same texts as plain lines through
  fpdf2 with the same font (pdf) — what the layout costs on top of writing the content.

Prints Markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook

from jixiao.domain.model import Document
from jixiao.export._font import cjk_fonts
from jixiao.export.opendata import indicator_rows
from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Services, demo, exports, tables

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_782886cd0aa7e389.txt"
YEAR = 2023


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def copy_of(seed: Document, k: int) -> Document:
    """The seed's tables under another unit (and its projects renamed to stay unique)."""
    unit = f"示例单位{k:03d}"
    return replace(
        seed,
        overall_targets=tuple(replace(o, unit=unit) for o in seed.overall_targets),
        projects=tuple(replace(p, unit=unit, name=f"{p.name}（{k:03d}）") for p in seed.projects),
        source=None,
        warnings=(),
    )


def baseline_csv(doc: Document) -> bytes:
    rows = indicator_rows(doc)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(list(row.values()))
    return out.getvalue().encode("utf-8")


def baseline_xlsx(doc: Document) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in indicator_rows(doc):
        ws.append([row["project"], row["level1"], row["level2"], row["indicator"],
                   row["half_year_text"], row["full_year_text"]])  # fmt: skip
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def baseline_pdf(doc: Document) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    regular, _ = cjk_fonts()
    pdf.add_font("cjk", "", str(regular))
    pdf.set_font("cjk", size=9)
    pdf.add_page()
    for row in indicator_rows(doc):
        text = " ".join(str(row[k] or "") for k in ("project", "level1", "level2", "indicator",
                                                    "half_year_text", "full_year_text"))  # fmt: skip
        pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="jixiao-export-bench-"))
    svc = Services.connect(f"sqlite:///{folder / 'bench.db'}", upgrade=True)
    try:
        seed = read_path(SEED)
        demo.set_up(svc, seed, with_actuals=True)
        for k in range(1, args.copies + 1):
            tables.import_document(svc.uow(), SYSTEM, copy_of(seed, k))
        load, doc = best(
            lambda: exports.document(svc.uow(), tables.TableFilter(year=YEAR)), args.repeat
        )
        assert isinstance(doc, Document)
        units = len({o.unit for o in doc.overall_targets} | {p.unit for p in doc.projects})
        count = len(doc.overall_targets) + len(doc.projects)
        print(
            f"Export benchmark: {units} units, {count} tables, {doc.indicator_count} indicators, "
            f"{doc.goal_count} goals (the demo year ×{args.copies + 1}); Python "
            f"{platform.python_version()}, {platform.machine()}; best of {args.repeat}.\n"
        )
        print("| what | seconds | per table | size | baseline | baseline s | ratio |")
        print("|---|---:|---:|---:|---|---:|---:|")
        print(f"| load the year from the database | {load:.3f} | | | | | |")
        # One table's PDF (a download): the first in the process, then the best of the
        # repeats; timed before the archives, which would warm a process's fonts.
        one = replace(doc, overall_targets=(), projects=doc.projects[:1], actuals=())
        first, _ = best(lambda: exports.render(one, "pdf", title="t"), 1)
        again, found = best(lambda: exports.render(one, "pdf", title="t"), args.repeat)
        assert isinstance(found, exports.ExportFile)
        base, _ = best(lambda: baseline_pdf(one), args.repeat)
        size = f"{len(found.data) / 1e6:.2f} MB"
        print(f"| one table, pdf (first in the process) | {first:.2f} | | {size} | | | |")
        print(
            f"| one table, pdf | {again:.2f} | | {size} | plain pdf of the rows "
            f"| {base:.2f} | {again / base:.1f}× |"
        )
        baselines = {"csv": baseline_csv, "xlsx": baseline_xlsx, "pdf": baseline_pdf}
        for fmt in ("pdf", "xlsx", "html"):
            seconds, found = best(
                lambda fmt=fmt: exports.year_archive(svc.uow(), YEAR, fmt), args.repeat
            )
            assert isinstance(found, exports.ExportFile)
            line = f"| year archive, {fmt} | {seconds:.2f} | {1000 * seconds / count:.0f} ms | {len(found.data) / 1e6:.2f} MB"
            if fmt in baselines:
                base, _ = best(lambda fmt=fmt: baselines[fmt](doc), args.repeat)
                line += f" | plain {fmt} of the rows | {base:.2f} | {seconds / base:.1f}× |"
            else:
                line += " | | | |"
            print(line)
        for fmt in ("json", "csv", "datapackage"):
            seconds, found = best(lambda fmt=fmt: exports.render(doc, fmt, title="y"), args.repeat)
            assert isinstance(found, exports.ExportFile)
            line = f"| {fmt} of the year | {seconds:.3f} | | {len(found.data) / 1e6:.2f} MB"
            if fmt == "csv":
                base, _ = best(lambda: baseline_csv(doc), args.repeat)
                line += f" | csv.writer alone | {base:.3f} | {seconds / base:.1f}× |"
            else:
                line += " | | | |"
            print(line)
    finally:
        svc.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

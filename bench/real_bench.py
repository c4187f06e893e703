"""Import accuracy on real published documents, per document, format, layout and type.

    .venv/bin/python bench/real_bench.py [--corpus NAME ...] [--record] [--json FILE] [-q]

Reads every document with gold of the real corpora (``tests/real/scoring.py``:
``../shared/realdocs`` — 30 web-page excerpts —, ``../shared/realdocs-bin`` — real
XLSX/XLS/DOC/DOCX disclosures — and the project's own ``tests/real``) in-process, exactly as
``jixiao parse --json`` reads them, and scores each reading with the matching of
``shared/realdocs/score.py`` (name, level 2, target text with its operator).

Prints Markdown for docs/import.md: a line per document (rows in gold, rows found, correct,
wrong, F1, the reader's layout, seconds), then row F1 per corpus, per format, per layout (the
reader that decided) and per document type (target, self_evaluation, overall …).

Speed, in the same run: for binary files the time of ``jixiao`` against the time the
underlying library alone takes to load the same file (openpyxl ``load_workbook``, xlrd
``open_workbook``, python-docx ``Document``): the ratio is what interpretation costs.

``--record`` writes the figures to tests/real/ratchet.json, which tests/real/test_ratchet.py
holds the importer to: a document's correct rows may not fall nor its wrong rows rise, and an
improvement must be recorded in the same commit.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.real.scoring import (  # noqa: E402
    ZERO,
    GoldDoc,
    Reading,
    Score,
    corpora,
    gold_docs,
    read,
    record,
    score,
)


def _baseline_seconds(doc: GoldDoc) -> float | None:
    """Seconds the plain library takes to load the file (no interpretation), or None."""
    data = doc.path.read_bytes()
    start = time.perf_counter()
    if doc.format == "xlsx":
        import openpyxl

        openpyxl.load_workbook(io.BytesIO(data), data_only=True).close()
    elif doc.format == "xls":
        import xlrd

        xlrd.open_workbook(file_contents=data, formatting_info=True)
    elif doc.format == "docx":
        import docx

        docx.Document(io.BytesIO(data))
    else:
        return None
    return time.perf_counter() - start


def _fmt(s: Score) -> str:
    return f"{s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {s.tp + s.fn} | {s.tp} | {s.fp}"


def _table(title: str, groups: dict[str, Score]) -> list[str]:
    out = [f"| {title} | row F1 | precision | recall | gold rows | correct | wrong |"]
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    out += [f"| {k} | {_fmt(v)} |" for k, v in sorted(groups.items())]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", action="append", help="only these corpora (default: all)")
    ap.add_argument("--record", action="store_true", help="write tests/real/ratchet.json")
    ap.add_argument("--json", type=Path, help="write the per-document figures as JSON")
    ap.add_argument("-q", "--quiet", action="store_true", help="totals only")
    args = ap.parse_args(argv)

    scores: dict[str, dict[str, Score]] = {}
    rows: list[tuple[GoldDoc, Reading, Score, float | None]] = []
    missing = []
    for name, folder in corpora().items():
        if args.corpus and name not in args.corpus:
            continue
        if not (folder / "gold").is_dir() and name != "tests/real":
            missing.append(f"{name} ({folder})")
            continue
        # tests/real may hold no gold yet: an empty corpus, as tests/real/test_ratchet.py
        # reads it.
        per: dict[str, Score] = {}
        for doc in gold_docs(name, folder):
            reading = read(doc.path)
            s = score(doc.gold, reading.doc)
            per[doc.key] = s
            rows.append((doc, reading, s, _baseline_seconds(doc)))
        scores[name] = per
    if missing:
        print(f"corpus not found: {', '.join(missing)}", file=sys.stderr)
        return 2

    out: list[str] = []
    if not args.quiet:
        out += [
            "| corpus | doc | format | layout | type | gold | found | correct | wrong | F1 | s | ÷ lib |",
            "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for doc, reading, s, base in rows:
            layout = reading.layout or reading.status
            ratio = f"{reading.seconds / base:.1f}×" if base else ""
            out.append(
                f"| {doc.corpus} | {doc.key} | {doc.format} | {layout} | {doc.doc_type} | "
                f"{s.gold} | {s.got} | {s.tp} | {s.fp} | {s.f1:.3f} | {reading.seconds:.2f} | {ratio} |"
            )
        out.append("")
    by: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for doc, reading, s, _ in rows:
        by["corpus"][doc.corpus] += s
        by["format"][doc.format] += s
        by["layout"][reading.layout or reading.status] += s
        by["type"][doc.doc_type] += s
    for title in ("corpus", "format", "layout", "type"):
        out += [*_table(title, by[title]), ""]
    crashes = [(d, r) for d, r, _, _ in rows if r.status == "crash"]
    refused = [(d, r) for d, r, _, _ in rows if r.status == "refused"]
    for label, items in (("crashed", crashes), ("refused", refused)):
        for d, r in items:
            out.append(f"- {label}: {d.corpus}/{d.path.name}: {r.message[:200]}")
    total = sum(by["corpus"].values(), ZERO)
    out.append(
        f"\nall corpora: row F1 {total.f1:.3f} (P {total.precision:.3f} R {total.recall:.3f}) on "
        f"{total.tp + total.fn} gold rows in {len(rows)} documents; crashes {len(crashes)}"
    )
    timed = [(r.seconds, b) for _, r, _, b in rows if b]
    if timed:
        jx, lib = sum(t for t, _ in timed), sum(b for _, b in timed if b)
        out.append(
            f"binary files: jixiao {jx:.2f} s, library load alone {lib:.2f} s ({jx / lib:.1f}×)"
        )
    print("\n".join(out))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    c: {
                        k: {"gold": s.gold, "got": s.got, "tp": s.tp, "fp": s.fp}
                        for k, s in per.items()
                    }
                    for c, per in scores.items()
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    if args.record:
        if args.corpus:
            print("--record needs every corpus (no --corpus)", file=sys.stderr)
            return 2
        record(scores)
        print(f"recorded in {Path('tests/real/ratchet.json')}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())

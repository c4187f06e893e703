"""Import accuracy and speed on the corpus (tests/corpus), per layout and format.

    .venv/bin/python bench/import_bench.py [--repeat 3] [--timeout 60] [--diff 5]
                                           [--templates NAME ...] [--formats FMT ...]
                                           [--corpus DIR] [--json FILE]

Every file of tests/corpus/manifest.json is read with ``jixiao.ingest.read_path`` (format
``auto``) and compared with its template's expected ``jixiao/1`` document:

* **Indicator rows** are keyed by (project name, level 1, level 2, name, targets), the
  targets being the half-year, full-year and long-term values each normalised with
  ``jixiao.domain.values.format_value`` (so ``≥90％`` and ``≥90%`` are one target, and
  ``≤`` + ``2025年12月`` is ``2025年12月前``).  **Goals** of overall tables are keyed by
  (function, work, goal, target).  White space inside texts is ignored (a wrapped cell
  joined with or without a space is the same text); nothing else is forgiven.
* Precision = matched / imported, recall = matched / expected, over the multiset of keys.
  "rows" recall ignores the targets (project, levels and name only): it shows whether the
  structure was found when values were not.
* A file a reader refuses (``IngestError``), a crash (any other exception) or a time-out
  imports nothing: recall 0, reported with its message.  No format is skipped.

Speed, in the same run: PDF pages per second of ``read_path`` against ``pdftotext`` (a
subprocess, default mode, same file, best of ``--repeat``), and MB/s for the other formats.
Only files that were read without an error are timed.

Prints Markdown: the accuracy matrix and the speed tables are meant for docs/import.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from jixiao.domain.model import Document
from jixiao.domain.values import TargetValue, format_value
from jixiao.ingest import IngestError, read_path
from jixiao.interchange import loads

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
PDF_FORMATS = ("pdf",)

_SPACE = re.compile(r"\s+")

Key = tuple[str, ...]


def _text(s: str | None) -> str:
    return _SPACE.sub("", s or "")


def _value(v: TargetValue | None) -> str:
    return "" if v is None else _text(format_value(v))


def indicator_keys(doc: Document) -> Counter[Key]:
    return Counter(
        (
            _text(p.name),
            i.level1,
            i.level2,
            _text(i.name),
            _value(i.half_year),
            _value(i.full_year),
            _value(i.long_term),
        )
        for p in doc.projects
        for i in p.indicators
    )


def goal_keys(doc: Document) -> Counter[Key]:
    return Counter(
        ("goal", _text(g.function), _text(g.work), _text(g.goal), _value(g.target))
        for o in doc.overall_targets
        for g in o.goals
    )


def _points(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def actual_keys(doc: Document) -> Counter[Key]:
    """What self-evaluation and monitoring tables report: one key per indicator (period,
    project, name, actual value, forecast, 分值, 得分, 偏差原因, 改进措施) and one per
    project's funds (年初预算数, 全年预算数, 执行数)."""
    out: Counter[Key] = Counter()
    for a in doc.actuals:
        for p in a.projects:
            project = _text(p.project)
            out[
                (
                    a.period.value,
                    project,
                    "funds",
                    *map(_points, (p.budget_initial, p.budget, p.executed)),
                )
            ] += 1
            for i in p.indicators:
                out[
                    (
                        a.period.value,
                        project,
                        _text(i.indicator),
                        _value(i.value),
                        _value(i.forecast),
                        _points(i.weight),
                        _points(i.reported_score),
                        _text(i.deviation.text if i.deviation else ""),
                        _text(i.measures),
                    )
                ] += 1
    return out


def keys(doc: Document) -> Counter[Key]:
    return indicator_keys(doc) + goal_keys(doc)


def loose(counter: Counter[Key]) -> Counter[Key]:
    """The keys without their targets (indicator rows: project, levels, name)."""
    out: Counter[Key] = Counter()
    for key, n in counter.items():
        out[key[:4]] += n
    return out


@dataclass
class Result:
    template: str
    fmt: str
    path: Path
    size: int
    expected: int = 0
    found: int = 0
    matched: int = 0
    loose_matched: int = 0
    warnings: int = 0
    error: str = ""  # "refused: …", "crash: …", "timeout: …"
    seconds: list[float] = field(default_factory=list)
    missed: list[Key] = field(default_factory=list)
    spurious: list[Key] = field(default_factory=list)
    pages: int = 0
    pdftotext: list[float] = field(default_factory=list)
    actuals_expected: int = 0
    actuals_found: int = 0
    actuals_matched: int = 0

    @property
    def ok(self) -> bool:
        return not self.error


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def fire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _name(path: Path) -> str:
    """The file as named in provenance and messages: relative to the repository if inside."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_once(path: Path, timeout: float) -> tuple[Document | None, float, str]:
    start = time.perf_counter()
    try:
        with _time_limit(timeout):
            doc = read_path(path, name=_name(path))
    except _Timeout:
        return None, time.perf_counter() - start, f"timeout: more than {timeout:g} s"
    except IngestError as exc:
        return None, time.perf_counter() - start, f"refused: {_first_line(exc)}"
    except Exception as exc:  # a crash is a finding, not the end of the benchmark
        return None, time.perf_counter() - start, f"crash: {type(exc).__name__}: {_first_line(exc)}"
    return doc, time.perf_counter() - start, ""


def pdf_pages(path: Path) -> int:
    try:
        import pypdfium2  # type: ignore[import-untyped]

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()
    except Exception:
        return 0


def time_pdftotext(path: Path, repeat: int) -> list[float]:
    exe = shutil.which("pdftotext")
    if exe is None:
        return []
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [exe, "-enc", "UTF-8", str(path), "-"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        out.append(time.perf_counter() - start)
    return out


def run(args: argparse.Namespace) -> list[Result]:
    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))
    formats = [f for f in manifest["formats"] if not args.formats or f in args.formats]
    results = []
    for entry in manifest["templates"]:
        if args.templates and entry["name"] not in args.templates:
            continue
        expected_doc = loads(
            (args.corpus / entry["expected"]).read_bytes(), where=entry["expected"]
        )
        expected = keys(expected_doc)
        expected_actuals = actual_keys(expected_doc)
        for fmt in formats:
            path = args.corpus / entry["files"][fmt]
            result = Result(entry["name"], fmt, path, path.stat().st_size if path.exists() else 0)
            result.expected = sum(expected.values())
            result.actuals_expected = sum(expected_actuals.values())
            doc, seconds, error = read_once(path, args.timeout)
            result.error = error
            if doc is not None:
                result.seconds.append(seconds)
                found = keys(doc)
                both = found & expected
                result.found = sum(found.values())
                result.matched = sum(both.values())
                result.loose_matched = sum((loose(found) & loose(expected)).values())
                result.warnings = len(doc.warnings)
                result.missed = sorted((expected - found).elements())
                result.spurious = sorted((found - expected).elements())
                found_actuals = actual_keys(doc)
                result.actuals_found = sum(found_actuals.values())
                result.actuals_matched = sum((found_actuals & expected_actuals).values())
                result.missed += sorted((expected_actuals - found_actuals).elements())
                result.spurious += sorted((found_actuals - expected_actuals).elements())
                for _ in range(args.repeat - 1):
                    again, seconds, _ = read_once(path, args.timeout)
                    if again is not None:
                        result.seconds.append(seconds)
            if fmt in PDF_FORMATS:
                result.pages = pdf_pages(path)
                if result.ok:
                    result.pdftotext = time_pdftotext(path, args.repeat)
            results.append(result)
            print(
                f"  {entry['name']:18} {fmt:11} "
                + (
                    result.error[:90]
                    if result.error
                    else f"{result.matched}/{result.expected} matched, {result.found} imported"
                ),
                file=sys.stderr,
            )
    return results


# -- speed on a larger input --------------------------------------------------------------

#: text formats joined for the large-input run, with what goes between two files
_JOIN = {"pdf-layout": "", "pdf-raw": "", "pdf-stream": "", "pipe": "\n\n", "cell-lines": "\n\n"}


@dataclass
class Big:
    fmt: str
    size: int
    pages: int = 0
    seconds: list[float] = field(default_factory=list)
    pdftotext: list[float] = field(default_factory=list)
    error: str = ""


def _join_pdfs(paths: list[Path], times: int, out: Path) -> int:
    import pypdfium2

    joined = pypdfium2.PdfDocument.new()
    for _ in range(times):
        for path in paths:
            src = pypdfium2.PdfDocument(str(path))
            joined.import_pages(src)
            src.close()
    joined.save(str(out))
    pages = len(joined)
    joined.close()
    return pages


def run_big(args: argparse.Namespace, results: list[Result], folder: Path) -> list[Big]:
    """Every corpus file of a format joined ``--big`` times into one file, read once per
    repeat: throughput without the fixed cost of tiny files (imports, process start)."""
    out = []
    by_format: dict[str, list[Path]] = {}
    for r in results:
        by_format.setdefault(r.fmt, []).append(r.path)
    if "pdf" in by_format:
        path = folder / "joined.pdf"
        try:
            pages = _join_pdfs(by_format["pdf"], args.big, path)
        except Exception as exc:
            out.append(Big("pdf", 0, error=f"cannot join the PDFs: {_first_line(exc)}"))
        else:
            out.append(_time_big("pdf", path, args, pages))
    for fmt, sep in _JOIN.items():
        if fmt not in by_format:
            continue
        texts = [p.read_text(encoding="utf-8") for p in by_format[fmt]]
        path = folder / f"joined.{fmt}.txt"
        path.write_text(sep.join(texts * args.big), encoding="utf-8")
        out.append(_time_big(fmt, path, args))
    return out


def _time_big(fmt: str, path: Path, args: argparse.Namespace, pages: int = 0) -> Big:
    big = Big(fmt, path.stat().st_size, pages)
    for _ in range(args.repeat):
        doc, seconds, error = read_once(path, args.timeout * args.big)
        if doc is None:
            big.error = error
            break
        big.seconds.append(seconds)
    if fmt == "pdf" and not big.error:
        big.pdftotext = time_pdftotext(path, args.repeat)
    print(f"  joined ×{args.big} {fmt:11} {big.error or 'ok'}", file=sys.stderr)
    return big


def big_table(bigs: list[Big]) -> list[str]:
    lines = [
        "| format | size | read_path s | throughput | pdftotext s | throughput | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for b in bigs:
        size = f"{b.pages} pages" if b.fmt == "pdf" else f"{b.size / 1e6:.2f} MB"
        if b.error or not b.seconds:
            lines.append(f"| {b.fmt} | {size} | – | – | – | – | {b.error.replace('|', '/')[:60]} |")
            continue
        ours = min(b.seconds)
        if b.fmt == "pdf":
            rate = f"{b.pages / ours:.1f} pages/s"
            if b.pdftotext:
                theirs = min(b.pdftotext)
                lines.append(
                    f"| pdf | {size} | {ours:.2f} | {rate} | {theirs:.2f} | "
                    f"{b.pages / theirs:.1f} pages/s | {ours / theirs:.1f}× |"
                )
            else:
                lines.append(f"| pdf | {size} | {ours:.2f} | {rate} | – | – | no pdftotext |")
        else:
            lines.append(
                f"| {b.fmt} | {size} | {ours:.2f} | {b.size / 1e6 / ours:.2f} MB/s | | | |"
            )
    return lines


# -- report -------------------------------------------------------------------------------


def _pct(num: int, den: int) -> str:
    return "–" if den == 0 else f"{100 * num / den:.0f}"


def _cell(results: list[Result]) -> str:
    expected = sum(r.expected for r in results)
    found = sum(r.found for r in results)
    matched = sum(r.matched for r in results)
    if results and all(not r.ok for r in results):
        return "✗"
    mark = " ✗" if any(not r.ok for r in results) else ""
    return f"{_pct(matched, found)} / {_pct(matched, expected)}{mark}"


def accuracy_table(results: list[Result], manifest: dict[str, Any]) -> list[str]:
    formats = list(dict.fromkeys(r.fmt for r in results))
    templates = list(dict.fromkeys(r.template for r in results))
    info = {t["name"]: t for t in manifest["templates"]}
    lines = [
        "| layout | items | " + " | ".join(formats) + " | all formats |",
        "|---|---:|" + "---:|" * len(formats) + "---:|",
    ]
    for t in templates:
        row = [r for r in results if r.template == t]
        entry = info[t]
        items = f"{entry['indicators']} rows" if entry["indicators"] else f"{entry['goals']} goals"
        cells = [_cell([r for r in row if r.fmt == f]) for f in formats]
        lines.append(f"| {t} | {items} | " + " | ".join(cells) + f" | {_cell(row)} |")
    total = [_cell([r for r in results if r.fmt == f]) for f in formats]
    lines.append(
        "| **all** | | " + " | ".join(f"**{c}**" for c in total) + f" | **{_cell(results)}** |"
    )
    return lines


def _actuals_cell(results: list[Result]) -> str:
    if results and all(not r.ok for r in results):
        return "✗"
    found = sum(r.actuals_found for r in results)
    matched = sum(r.actuals_matched for r in results)
    expected = sum(r.actuals_expected for r in results)
    return f"{_pct(matched, found)} / {_pct(matched, expected)}"


def actuals_table(results: list[Result]) -> list[str]:
    """Precision / recall of the actuals, for the layouts whose expected document has any."""
    with_actuals = [r for r in results if r.actuals_expected]
    if not with_actuals:
        return []
    formats = list(dict.fromkeys(r.fmt for r in with_actuals))
    lines = [
        "| layout | items | " + " | ".join(formats) + " | all formats |",
        "|---|---:|" + "---:|" * len(formats) + "---:|",
    ]
    for t in dict.fromkeys(r.template for r in with_actuals):
        row = [r for r in with_actuals if r.template == t]
        cells = [_actuals_cell([r for r in row if r.fmt == f]) for f in formats]
        lines.append(
            f"| {t} | {row[0].actuals_expected} | "
            + " | ".join(cells)
            + f" | {_actuals_cell(row)} |"
        )
    return lines


def details_table(results: list[Result]) -> list[str]:
    lines = [
        "| file | expected | imported | matched | P % | R % | rows R % | warnings | ms | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ms = f"{1000 * min(r.seconds):.0f}" if r.seconds else "–"
        result = r.error.replace("|", "\\|")[:100] if r.error else "ok"
        lines.append(
            f"| {r.path.name} | {r.expected} | {r.found} | {r.matched} | {_pct(r.matched, r.found)} | "
            f"{_pct(r.matched, r.expected)} | {_pct(r.loose_matched, r.expected)} | {r.warnings} | {ms} | {result} |"
        )
    return lines


def pdf_speed_table(results: list[Result]) -> list[str]:
    lines = [
        "| file | pages | read_path ms | pages/s | pdftotext ms | pages/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    pages = ours = theirs = 0.0
    for r in results:
        if r.fmt not in PDF_FORMATS:
            continue
        if not r.ok or not r.seconds or not r.pdftotext:
            why = "not read" if not r.ok else "no pdftotext"
            lines.append(f"| {r.path.name} | {r.pages} | – | – | – | – | {why} |")
            continue
        a, b = min(r.seconds), min(r.pdftotext)
        pages += r.pages
        ours += a
        theirs += b
        lines.append(
            f"| {r.path.name} | {r.pages} | {1000 * a:.0f} | {r.pages / a:.1f} | {1000 * b:.0f} | "
            f"{r.pages / b:.1f} | {a / b:.1f}× |"
        )
    if ours and theirs:
        lines.append(
            f"| **all** | **{pages:.0f}** | **{1000 * ours:.0f}** | **{pages / ours:.1f}** | "
            f"**{1000 * theirs:.0f}** | **{pages / theirs:.1f}** | **{ours / theirs:.1f}×** |"
        )
    return lines


def text_speed_table(results: list[Result]) -> list[str]:
    lines = [
        "| format | files read | MB | read_path s | MB/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for fmt in dict.fromkeys(r.fmt for r in results):
        if fmt in PDF_FORMATS:
            continue
        rows = [r for r in results if r.fmt == fmt]
        timed = [r for r in rows if r.ok and r.seconds]
        size = sum(r.size for r in timed) / 1e6
        seconds = sum(min(r.seconds) for r in timed)
        speed = f"{size / seconds:.2f}" if seconds else "–"
        lines.append(f"| {fmt} | {len(timed)}/{len(rows)} | {size:.3f} | {seconds:.3f} | {speed} |")
    return lines


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def _pdftotext_version() -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        return "not installed"
    out = subprocess.run([exe, "-v"], capture_output=True, text=True, check=False)
    first = (out.stderr or out.stdout).strip().splitlines()
    return first[0] if first else "?"


def report(
    results: list[Result],
    bigs: list[Big],
    manifest: dict[str, Any],
    args: argparse.Namespace,
    elapsed: float,
) -> str:
    out = [
        f"Import benchmark: corpus seed {manifest['seed']}, {len({r.template for r in results})} layouts × "
        f"{len({r.fmt for r in results})} formats, commit {_commit()}, Python {platform.python_version()}, "
        f"{platform.machine()}, {_pdftotext_version()}, best of {args.repeat}, {elapsed:.0f} s in all.",
        "",
        "#### Accuracy: precision / recall (%) of indicator rows (goals for the overall table)",
        "",
        "Key: project, level 1, level 2, name, targets (normalised with `format_value`). "
        "✗: the file was not read (refused, crashed or timed out; counts as nothing imported).",
        "",
        *accuracy_table(results, manifest),
        "",
    ]
    actuals = actuals_table(results)
    if actuals:
        out += [
            "#### Accuracy: precision / recall (%) of the actuals of self-evaluation tables",
            "",
            "Key: period, project, indicator, 实际完成值, 全年预计, 分值, 得分, 偏差原因, 改进措施; "
            "and per project 年初预算数, 全年预算数, 执行数 (one item each).",
            "",
            *actuals,
            "",
        ]
    out += [
        "#### Speed: PDF, `read_path` against `pdftotext` on the same file",
        "",
        *pdf_speed_table(results),
        "",
        "#### Speed: other formats",
        "",
        *text_speed_table(results),
        "",
    ]
    if bigs:
        out += [
            f"#### Speed on a larger input: each format's corpus files joined ×{args.big} into one file",
            "",
            *big_table(bigs),
            "",
        ]
    out += [
        "#### Per file",
        "",
        *details_table(results),
    ]
    if args.diff:
        out += ["", "#### Differences (first rows missed / imported but not expected)", ""]
        for r in results:
            if r.ok and (r.missed or r.spurious):
                out.append(f"- {r.path.name}:")
                for key in r.missed[: args.diff]:
                    out.append(f"  - missed   {' · '.join(key)}")
                for key in r.spurious[: args.diff]:
                    out.append(f"  - imported {' · '.join(key)}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="timed reads per file (best counts)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per read (0: none)")
    parser.add_argument("--templates", nargs="*", default=(), help="layouts to run (default all)")
    parser.add_argument("--formats", nargs="*", default=(), help="formats to run (default all)")
    parser.add_argument(
        "--diff", type=int, default=0, help="list up to N missed/extra keys per file"
    )
    parser.add_argument(
        "--big", type=int, default=5, help="join each format's files N times for speed (0: skip)"
    )
    parser.add_argument("--json", type=Path, help="also write the per-file results as JSON")
    args = parser.parse_args(argv)
    args.repeat = max(1, args.repeat)
    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    results = run(args)
    bigs: list[Big] = []
    if args.big > 0:
        with tempfile.TemporaryDirectory(prefix="jixiao-import-bench-") as tmp:
            bigs = run_big(args, results, Path(tmp))
    elapsed = time.perf_counter() - start
    print(report(results, bigs, manifest, args, elapsed))
    if args.json:
        data = [
            {
                "template": r.template,
                "format": r.fmt,
                "file": str(r.path.relative_to(args.corpus)),
                "bytes": r.size,
                "expected": r.expected,
                "imported": r.found,
                "matched": r.matched,
                "rows_matched": r.loose_matched,
                "warnings": r.warnings,
                "error": r.error,
                "seconds": r.seconds,
                "pages": r.pages,
                "pdftotext_seconds": r.pdftotext,
            }
            for r in results
        ]
        args.json.write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

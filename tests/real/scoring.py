"""The real-document corpora and how a reading of them is scored.

Three corpora of real published tables, each a folder with ``gold/NN.json`` (hand-checked
rows) and the files they describe (``gold["file"]``):

* ``realdocs``: 30 web-page excerpts (``<repo>/../shared/realdocs``);
* ``realdocs-bin``: real XLSX/XLS/DOC/DOCX disclosures (``<repo>/../shared/realdocs-bin``);
* ``tests/real``: real tables the project found itself, kept in the repository with their
  source addresses (tests/real/INDEX.md).

``../shared`` is read where it is (``JIXIAO_SHARED`` names another place); it is never copied
into the repository.

The matching is that of ``shared/realdocs/score.py`` (a test runs both on the same outputs
and compares): a gold row is found when an indicator of the output has the same name
(whitespace and NFKC ignored), the same level 2 (canonical or printed, 指标 suffix, bracketed
notes and a few aliases ignored) and a value whose printed ``text`` equals the gold target.
Incomplete gold rows are neither required nor held against the output; in a gold file marked
``partial`` extra output rows are not counted.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OWN = Path(__file__).resolve().parent


def shared_dir() -> Path:
    """Where the shared real documents are: $JIXIAO_SHARED, else ``<repo>/../shared``."""
    return Path(os.environ.get("JIXIAO_SHARED") or ROOT.parent / "shared")


def corpora() -> dict[str, Path]:
    """Name → folder of every corpus with gold (the shared ones first)."""
    shared = shared_dir()
    return {
        "realdocs": shared / "realdocs",
        "realdocs-bin": shared / "realdocs-bin",
        "tests/real": OWN,
    }


@dataclass(frozen=True)
class GoldDoc:
    corpus: str
    key: str  # NN
    path: Path  # the document
    gold: dict[str, Any]

    @property
    def format(self) -> str:
        return self.path.suffix.lstrip(".").lower() or "txt"

    @property
    def doc_type(self) -> str:
        return str(self.gold.get("doc_type") or "")


def gold_docs(corpus: str, folder: Path) -> Iterator[GoldDoc]:
    """The documents of a corpus that have gold, in key order."""
    for g in sorted((folder / "gold").glob("[0-9]*.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        yield GoldDoc(corpus, g.stem, folder / gold["file"], gold)


# -- the matching of shared/realdocs/score.py ------------------------------------------------


def norm(s: object) -> str:
    t = unicodedata.normalize("NFKC", str(s or ""))
    return re.sub(r"[\s|]+", "", t)


ALIASES = {
    "社会公众或服务对象满意度": "服务对象满意度",
    "社会公众满意度": "服务对象满意度",
    "满意度": "服务对象满意度",
    "服务对象满意": "服务对象满意度",
    "环境效益": "生态效益",
    "生态环境效益": "生态效益",
}


def lvl(s: object) -> str:
    t = re.sub(r"[（(].*?[)）]", "", norm(s))
    t = t[:-2] if t.endswith("指标") else t
    return ALIASES.get(t, t)


def lvl2s(ind: dict[str, Any]) -> set[str]:
    return {lvl(ind.get(k)) for k in ("level2", "level2_label", "level2_raw") if ind.get(k)}


def texts(ind: dict[str, Any]) -> set[str]:
    acc: set[str] = set()

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if isinstance(x.get("text"), str | int | float):
                acc.add(norm(x["text"]))
            for k, v in x.items():
                if k not in (
                    "name",
                    "level1",
                    "level2",
                    "location",
                    "provenance",
                    "source",
                    "text",
                ):
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(ind)
    if not acc:
        for k in ("target", "value", "full_year", "half_year", "annual", "target_value"):
            if isinstance(ind.get(k), str | int | float):
                acc.add(norm(ind[k]))
    acc.discard("")
    return acc


def indicators(doc: object) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if "indicators" in x and isinstance(x["indicators"], list):
                out.extend(i for i in x["indicators"] if isinstance(i, dict))
            for k, v in x.items():
                if k != "indicators":
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(doc)
    return out


@dataclass(frozen=True)
class Score:
    gold: int  # complete gold rows
    got: int  # named rows the reading has
    tp: int
    fp: int
    fn: int

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int, int]:
        return (self.gold, self.got, self.tp, self.fp, self.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


ZERO = Score(0, 0, 0, 0, 0)


def score(gold: dict[str, Any], doc: object) -> Score:
    """Score one reading (the ``jixiao/1`` JSON as a dict; ``{}`` when refused)."""
    got = [(norm(i.get("name")), lvl2s(i), texts(i)) for i in indicators(doc)]
    got = [g for g in got if g[0]]
    want = [g for g in gold["indicators"] if norm(g["name"])]
    partial = [norm(g["name"]) for g in want if not g["complete"]]
    want = [g for g in want if g["complete"]]
    used = [False] * len(got)
    tp = 0
    for g in want:
        gn, gl2, gt = norm(g["name"]), lvl(g["level2"]), norm(g["target"])
        for k, (n2, l2, tx) in enumerate(got):
            if used[k] or n2 != gn:
                continue
            used[k] = True
            if (not gl2 or gl2 in l2) and (gt in tx or (gt == "" and not tx)):
                tp += 1
            break

    def excused(n2: str) -> bool:
        return any(p.startswith(n2) or n2.startswith(p) for p in partial if p)

    fp = (
        0
        if gold.get("partial")
        else sum(1 for k, (n2, _, _) in enumerate(got) if not used[k] and not excused(n2))
    )
    fp += sum(used) - tp  # matched by name but wrong level or target
    return Score(len(want), len(got), tp, fp, len(want) - tp)


# -- reading a document as `jixiao parse --json` does ----------------------------------------


@dataclass(frozen=True)
class Reading:
    doc: dict[str, Any]  # the jixiao/1 JSON ({} when refused or crashed)
    status: str  # "ok", "refused" (IngestError, exit 1) or "crash"
    message: str = ""
    layout: str = ""  # the reader that decided (source.layout)
    seconds: float = 0.0


def read(path: Path) -> Reading:
    """Read a file in-process the way ``jixiao parse --json`` does."""
    import time

    from jixiao.ingest import IngestError, read_path
    from jixiao.interchange import dumps

    start = time.perf_counter()
    try:
        document = read_path(path)
    except IngestError as exc:
        return Reading({}, "refused", str(exc), "", time.perf_counter() - start)
    except Exception as exc:  # a crash is a finding, reported with its type
        return Reading({}, "crash", f"{type(exc).__name__}: {exc}", "", time.perf_counter() - start)
    data = json.loads(dumps(document))
    layout = str((data.get("source") or {}).get("layout") or "")
    return Reading(data, "ok", "", layout, time.perf_counter() - start)


RATCHET = OWN / "ratchet.json"


def recorded() -> dict[str, dict[str, dict[str, int]]]:
    """The figures recorded in the repository: corpus → document key → {tp, fp, got}."""
    if not RATCHET.exists():
        return {}
    data: dict[str, dict[str, dict[str, int]]] = json.loads(RATCHET.read_text(encoding="utf-8"))[
        "documents"
    ]
    return data


def record(scores: dict[str, dict[str, Score]]) -> None:
    """Write the ratchet: per document the rows found (got), correct (tp) and wrong (fp)."""
    docs = {
        corpus: {key: {"tp": s.tp, "fp": s.fp, "got": s.got} for key, s in sorted(per.items())}
        for corpus, per in scores.items()
    }
    totals = {}
    for corpus, per in scores.items():
        total = sum(per.values(), ZERO)
        totals[corpus] = {"f1": round(total.f1, 4), "tp": total.tp, "fp": total.fp, "fn": total.fn}
    body = {
        "about": "Recorded by `python bench/real_bench.py --record`; tests/real/test_ratchet.py "
        "fails when a document's figures fall, or rise without being recorded here.",
        "totals": totals,
        "documents": docs,
    }
    RATCHET.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

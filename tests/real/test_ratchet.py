"""The real corpora as a ratchet: the importer's figures on real documents may only go up.

Every document with gold in ../shared/realdocs, ../shared/realdocs-bin and tests/real is read
as ``jixiao parse --json`` reads it and scored (tests/real/scoring.py). Per document, the
correct rows may not fall and the wrong rows may not rise against tests/real/ratchet.json;
a better figure must be recorded in the same commit (``python bench/real_bench.py
--record``), so the recorded figures always say where the importer stands.

The shared corpora are read where they are; CI has ../shared, so their absence is an error.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.real.scoring import ZERO, Reading, Score, corpora, gold_docs, read, recorded, score

RECORD = "python bench/real_bench.py --record"


@pytest.fixture(scope="module")
def readings() -> dict[str, dict[str, tuple[Reading, Score]]]:
    out: dict[str, dict[str, tuple[Reading, Score]]] = {}
    for name, folder in corpora().items():
        if name != "tests/real" and not (folder / "gold").is_dir():
            pytest.fail(f"the real corpus {name} is missing at {folder} (CI has ../shared)")
        per = {}
        for doc in gold_docs(name, folder):
            reading = read(doc.path)
            per[doc.key] = (reading, score(doc.gold, reading.doc))
        out[name] = per
    return out


def test_no_real_document_crashes_the_importer(readings) -> None:
    crashes = [
        f"{c}/{k}: {r.message}"
        for c, per in readings.items()
        for k, (r, _) in per.items()
        if r.status == "crash"
    ]
    assert crashes == []


def test_figures_never_fall_and_gains_are_recorded(readings) -> None:
    rec = recorded()
    fell, unrecorded = [], []
    for corpus, per in readings.items():
        for key, (_, s) in per.items():
            was = rec.get(corpus, {}).get(key)
            if was is None:
                unrecorded.append(f"{corpus}/{key}: new document (tp {s.tp}, fp {s.fp})")
                continue
            if s.tp < was["tp"] or s.fp > was["fp"]:
                fell.append(f"{corpus}/{key}: correct {was['tp']}→{s.tp}, wrong {was['fp']}→{s.fp}")
            elif (s.tp, s.fp, s.got) != (was["tp"], was["fp"], was["got"]):
                unrecorded.append(
                    f"{corpus}/{key}: correct {was['tp']}→{s.tp}, wrong {was['fp']}→{s.fp}, "
                    f"found {was['got']}→{s.got}"
                )
        for key in rec.get(corpus, {}):
            if key not in per:
                fell.append(f"{corpus}/{key}: recorded but no longer in the corpus")
    assert not fell, "real-document figures fell:\n" + "\n".join(fell)
    assert not unrecorded, f"figures changed; record them with `{RECORD}`:\n" + "\n".join(
        unrecorded
    )


def test_corpus_totals_match_the_record(readings) -> None:
    """The totals in ratchet.json are what the documents add up to (no hand edits)."""
    import json

    from tests.real.scoring import RATCHET

    totals = json.loads(RATCHET.read_text(encoding="utf-8"))["totals"]
    for corpus, per in readings.items():
        total = sum((s for _, s in per.values()), ZERO)
        assert totals[corpus]["tp"] == total.tp
        assert totals[corpus]["f1"] == pytest.approx(total.f1, abs=1e-4)


@pytest.mark.parametrize("corpus", ["realdocs", "realdocs-bin"])
def test_scoring_agrees_with_the_shared_scorer(readings, corpus: str, tmp_path: Path) -> None:
    """shared/realdocs/score.py, given the same outputs, prints the same row F1."""
    folder = corpora()[corpus]
    scorer = corpora()["realdocs"] / "score.py"
    for key, (reading, _) in readings[corpus].items():
        import json

        (tmp_path / f"{key}.json").write_text(json.dumps(reading.doc, ensure_ascii=False))
        (tmp_path / f"{key}.rc").write_text("0" if reading.status == "ok" else "1")
        (tmp_path / f"{key}.err").write_text(reading.message)
    run = subprocess.run(
        [sys.executable, str(scorer), str(folder), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    printed = re.search(r"row F1 ([\d.]+) \(P ([\d.]+) R ([\d.]+)\)", run.stdout)
    assert printed, run.stdout + run.stderr
    total = sum((s for _, s in readings[corpus].values()), ZERO)
    assert (printed[1], printed[2], printed[3]) == (
        f"{total.f1:.3f}",
        f"{total.precision:.3f}",
        f"{total.recall:.3f}",
    )

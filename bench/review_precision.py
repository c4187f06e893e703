"""Precision and recall of the wording rules on labelled examples.

    .venv/bin/python bench/review_precision.py

The examples (tests/fixtures/review/labelled.json) were written and labelled without
looking at the rules' word lists.  tests/domain/review/test_precision.py holds the rules
to the thresholds below; docs/review.md reports the figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.domain.model import Goal, Indicator, OverallTargets, Project
from jixiao.domain.review import ReviewConfig, review_overall, review_project
from jixiao.domain.taxonomy import TAXONOMY_2021
from jixiao.domain.values import parse_value

LABELLED = Path(__file__).parents[1] / "tests" / "fixtures" / "review" / "labelled.json"


@dataclass(frozen=True)
class Score:
    rule: str
    tp: int
    fp: int
    fn: int
    tn: int
    misses: tuple[str, ...]
    false_alarms: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _score(rule: str, cases: list[tuple[str, bool, bool]]) -> Score:
    tp = sum(1 for _, want, got in cases if want and got)
    fp = sum(1 for _, want, got in cases if not want and got)
    fn = sum(1 for _, want, got in cases if want and not got)
    tn = sum(1 for _, want, got in cases if not want and not got)
    misses = tuple(text for text, want, got in cases if want and not got)
    alarms = tuple(text for text, want, got in cases if got and not want)
    return Score(rule, tp, fp, fn, tn, misses, alarms)


def _project_codes(level1: str, level2: str, name: str, target: str, only: str) -> set[str]:
    project = Project(
        name="p",
        fiscal_year=2024,
        indicators=(Indicator(level1, level2, name, full_year=parse_value(target)),),
    )
    config = ReviewConfig().with_selection(select=[only])
    return {f.message for f in review_project(project, config)}


def evaluate(path: Path = LABELLED) -> list[Score]:
    data: dict[str, list[dict[str, Any]]] = json.loads(path.read_text(encoding="utf-8"))
    scores: list[Score] = []

    cases = []
    for item in data["procedure"]:
        resolved = TAXONOMY_2021.resolve_level2(item["level2"])
        level1 = resolved.parent if resolved and resolved.parent else "产出指标"
        level2 = resolved.name if resolved else item["level2"]
        found = _project_codes(level1, level2, item["name"], item["target"], "JX201")
        cases.append((f"{item['name']} {item['target']}", bool(item["label"]), bool(found)))
    scores.append(_score("JX201 procedure-as-indicator", cases))

    cases = []
    for item in data["misplaced"]:
        l1 = TAXONOMY_2021.resolve_level1(item["level1"]) or item["level1"]
        l2 = TAXONOMY_2021.resolve_level2(item["level2"])
        messages = _project_codes(
            l1, l2.name if l2 else item["level2"], item["name"], "≥90%", "JX202"
        )
        should = item["should"]
        right_place = any(should and should in m for m in messages)
        cases.append(
            (
                f"{item['level2']}/{item['name']} → {should}",
                should is not None,
                bool(messages) and (should is None or right_place),
            )
        )
    scores.append(_score("JX202 level2-by-wording", cases))

    for only in ("JX603", "JX6"):
        cases = []
        config = ReviewConfig().with_selection(select=[only])
        for item in data["slogan_goals"]:
            overall = OverallTargets(
                unit="u",
                fiscal_year=2024,
                goals=(Goal("1", "f", "w", item["goal"], parse_value(item["target"])),),
            )
            found = [f for f in review_overall(overall, config) if f.code in ("JX602", "JX603")]
            cases.append((f"{item['goal']} {item['target']}", bool(item["label"]), bool(found)))
        name = "JX603 slogan-goal" if only == "JX603" else "JX602+JX603 (either)"
        scores.append(_score(name, cases))
    return scores


def main() -> None:
    print(f"{'rule':32} {'precision':>9} {'recall':>7}   tp  fp  fn  tn")
    for s in evaluate():
        print(
            f"{s.rule:32} {s.precision:9.2f} {s.recall:7.2f}  {s.tp:3} {s.fp:3} {s.fn:3} {s.tn:3}"
        )
    for s in evaluate():
        for text in s.false_alarms:
            print(f"  false alarm  {s.rule[:5]}: {text}")
        for text in s.misses:
            print(f"  missed       {s.rule[:5]}: {text}")


if __name__ == "__main__":
    main()

"""The wording rules measured on independently labelled examples (see bench/review_precision.py).

Thresholds sit a little below today's figures: a change to the word lists that costs
precision (false alarms reviewers must read) or much recall fails here.
"""

from __future__ import annotations

import pytest
from bench.review_precision import Score, evaluate

FLOORS = {
    "JX201 procedure-as-indicator": (0.95, 0.85),
    "JX202 level2-by-wording": (0.95, 0.80),
    "JX603 slogan-goal": (0.95, 0.60),
    "JX602+JX603 (either)": (0.90, 0.90),
}


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return {s.rule: s for s in evaluate()}


@pytest.mark.parametrize("rule", sorted(FLOORS))
def test_precision_and_recall(scores: dict[str, Score], rule: str) -> None:
    precision, recall = FLOORS[rule]
    score = scores[rule]
    assert score.tp + score.fp + score.fn + score.tn >= 60
    assert score.precision >= precision, score.false_alarms
    assert score.recall >= recall, score.misses

"""Review speed: 10,000 generated projects, against a baseline pass in the same process.

    .venv/bin/python bench/review_bench.py [--projects 10000] [--repeat 3]

The baseline visits every indicator and does the least a rule must do (read its name and
target, one regular-expression search), so the ratio says what the rule engine costs on
top of merely walking the data.  Figures are written into docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import time

from jixiao.domain.review import ReviewConfig, review_document
from jixiao.synth import SynthConfig, document


def _baseline(doc: object) -> int:
    pattern = re.compile("满意|及时")
    hits = 0
    for project in doc.projects:  # type: ignore[attr-defined]
        for ind in project.indicators:
            target = ind.full_year
            if target is not None and target.value is not None and pattern.search(ind.name):
                hits += 1
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    units = max(1, args.projects // 10)
    t0 = time.perf_counter()
    doc = document(SynthConfig(units=units, projects_per_unit=10, seed=7))
    gen = time.perf_counter() - t0
    indicators = doc.indicator_count
    config = ReviewConfig()
    review_times, base_times = [], []
    findings = 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        _baseline(doc)
        base_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        report = review_document(doc, config)
        review_times.append(time.perf_counter() - t)
        findings = len(report.findings)
    review_s, base_s = statistics.median(review_times), statistics.median(base_times)
    print(f"python {platform.python_version()} on {platform.machine()}, one core")
    print(f"generated {len(doc.projects):,} projects, {indicators:,} indicators in {gen:.2f} s")
    print(f"rules enabled: {len(config.enabled())}; findings: {findings:,}")
    print(
        f"review:   {review_s:.3f} s  = {indicators / review_s:,.0f} indicators/s "
        f"({len(doc.projects) / review_s:,.0f} projects/s)"
    )
    print(f"baseline: {base_s:.3f} s  = {indicators / base_s:,.0f} indicators/s")
    print(f"ratio review/baseline: {review_s / base_s:.1f}x")


if __name__ == "__main__":
    main()

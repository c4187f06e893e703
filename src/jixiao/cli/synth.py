"""``jixiao synth``: realistic synthetic data for demos and benchmarks."""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jixiao.cli.common import DbOption, connect, err, fail, out


def synth(
    units: Annotated[int, typer.Option("--units", min=1, help="Budget units (预算单位).")] = 50,
    projects_per_unit: Annotated[
        int, typer.Option("--projects-per-unit", min=1, help="Project tables per unit and year.")
    ] = 10,
    years: Annotated[int, typer.Option("--years", min=1, max=20, help="Fiscal years.")] = 2,
    last_year: Annotated[
        int, typer.Option("--last-year", help="The latest fiscal year (the others before it).")
    ] = 2025,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed, the same data.")
    ] = 1,
    weak_share: Annotated[
        float,
        typer.Option("--weak-share", min=0.0, max=1.0, help="Share of deliberately weak tables."),
    ] = 0.3,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=0, help="Processes computing the facts (default: one per CPU)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Load realistic synthetic data (approved project tables with checkpoint and year-end
    actuals, deliberate weaknesses, the oversight facts) into a database, in one
    transaction, by COPY on PostgreSQL; for demos and benchmarks."""
    from jixiao import synth as generator
    from jixiao.services import SYSTEM, bulk

    config = generator.SynthConfig(
        units=units,
        projects_per_unit=projects_per_unit,
        years=tuple(range(last_year - years + 1, last_year + 1)),
        weak_share=weak_share,
        seed=seed,
    )
    svc = connect(db)
    total = units * projects_per_unit * years
    items = (
        bulk.Reported(r.project, r.checkpoint, r.year_end, config.checkpoint_month)
        for r in generator.records(config)
    )
    columns = (TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    started = time.perf_counter()
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("synth", total=total)
            result = bulk.load(
                svc.uow(),
                SYSTEM,
                items,
                svc.facts_settings(),
                progress=lambda n: bar.update(task, completed=n),
                workers=(os.cpu_count() or 1) if workers is None else workers,
            )
    except Exception as exc:
        fail(exc)
    seconds = time.perf_counter() - started
    rows = result.rows
    out.print(
        f"loaded {result.tables} tables of {units} units, {len(config.years)} years "
        f"({config.years[0]}–{config.years[-1]}): {rows.get('indicator', 0)} indicators, "
        f"{rows.get('actual_item', 0)} reported values, {rows.get('table_finding', 0)} "
        f"findings and warnings in {seconds:.1f} s into {svc.engine.url!r}"
    )

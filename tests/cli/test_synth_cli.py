"""``jixiao synth`` as a user runs it (a subprocess), on SQLite and PostgreSQL: the region
it loads is there, with its facts; the same seed twice is refused, nothing written."""

from __future__ import annotations

from sqlalchemy import func, select

from jixiao import synth
from jixiao.services import Services, oversight
from jixiao.store.models import TableFactRow, TargetTableRow
from tests.cli.test_cli import jixiao


def test_synth_loads_a_region(db_url: str) -> None:
    args = ["synth", "--units", "8", "--projects-per-unit", "3", "--years", "2"]
    result = jixiao(*args, "--seed", "4", "--workers", "2", "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert "loaded 48 tables of 8 units, 2 years (2024–2025)" in " ".join(result.stdout.split())
    svc = Services.connect(db_url)
    try:
        with svc.session() as s:
            assert s.execute(select(func.count()).select_from(TargetTableRow)).scalar_one() == 48
            assert s.execute(select(func.count()).select_from(TableFactRow)).scalar_one() == 48
        config = synth.SynthConfig(units=8, projects_per_unit=3, years=(2024, 2025), seed=4)
        units = {u.name for u in synth.units(config)}
        groups = oversight.groups(svc.uow(), oversight.Filter(year=2025), "unit")
        assert {g.key for g in groups} == units
        # the same tables again: refused, nothing more written
        again = jixiao(*args, "--seed", "4", "--workers", "0", "--db", db_url)
        assert again.returncode == 1 and "已存在" in again.stderr
        with svc.session() as s:
            assert s.execute(select(func.count()).select_from(TargetTableRow)).scalar_one() == 48
    finally:
        svc.dispose()

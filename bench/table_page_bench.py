"""The table page: one read in one unit of work, against a unit of work for each part.

    .venv/bin/python bench/table_page_bench.py [--repeat 50] [--db sqlite:///... | postgresql+psycopg://...]

A fresh database (default: a temporary SQLite file) holds the demo year (the seed
approved, with the example actuals).  For an approved project table and the unit's
overall table, in the same process:

1. **page**: ``GET /tables/{id}`` through the TestClient, logged in as the unit's user;
2. **one read**: ``services.reads.table_page`` (one unit of work, one look-up of the table,
   one permission check);
3. **baseline, a unit of work each**: the calls the page made before it, each in its own
   unit of work: ``tables.get_table``, ``review.review_table``, ``actuals.evaluate_table``,
   ``actuals.monitor_table`` (projects), ``tables.require_read``, ``inquiries.for_table``.

Median and p95 of ``--repeat`` runs each, and the SQL statements and transactions that
one run sends.  Figures are written into docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, select

from jixiao.domain.workflow import Status
from jixiao.ingest import read_path
from jixiao.services import Services, actuals, demo, inquiries, review, tables
from jixiao.store.models import TargetTableRow
from jixiao.web.app import create_app

SEED = Path(__file__).parent.parent / "tests" / "fixtures" / "seed" / "000_782886cd0aa7e389.txt"


class Counter:
    """SQL statements and transactions (BEGIN) sent on an engine."""

    def __init__(self, svc: Services) -> None:
        self.statements = self.transactions = 0
        event.listen(svc.engine, "before_cursor_execute", self._statement)
        event.listen(svc.engine, "begin", self._begin)

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def _begin(self, *_: Any) -> None:
        self.transactions += 1

    def count(self, fn: Callable[[], object]) -> tuple[int, int]:
        self.statements = self.transactions = 0
        fn()
        return self.statements, self.transactions


def _times(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--db", default=None, help="an empty database (default: temp SQLite)")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='jixiao-bench-')) / 'page.db'}"
    svc = Services.connect(url, upgrade=True)
    try:
        users_ = demo.set_up(svc, read_path(SEED), with_actuals=True)
        unit_user = next(u for u in users_ if u.unit is not None)
        actor = unit_user.actor
        app = create_app(svc, secret_key="bench-table-page")
        state = app.state
        client = TestClient(app)
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        response = client.post(
            "/login",
            data={
                "username": unit_user.username,
                "password": demo.DEMO_PASSWORD,
                "csrf_token": token.group(1),
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        with svc.session() as s:
            found = s.execute(
                select(TargetTableRow.id, TargetTableRow.kind).where(
                    TargetTableRow.status == Status.APPROVED.value
                )
            ).all()
        project = next(i for i, kind in found if kind == tables.PROJECT)
        overall = next(i for i, kind in found if kind == tables.OVERALL)
        counter = Counter(svc)
        print(f"python {platform.python_version()} on {platform.machine()}; ", end="")
        print(f"{svc.engine.url.get_backend_name()}; median / p95 of {args.repeat} runs")
        print("| table | what | median ms | p95 ms | SQL statements | transactions |")
        print("|---|---|---:|---:|---:|---:|")
        for label, table_id in (("project", project), ("overall", overall)):

            def page(table_id: int = table_id) -> None:
                got = client.get(f"/tables/{table_id}")
                assert got.status_code == 200, got.status_code

            def one_read(table_id: int = table_id) -> None:
                from jixiao.services import reads

                reads.table_page(
                    svc.uow(),
                    actor,
                    table_id,
                    review_config=state.review_config,
                    scheme=state.scoring_scheme,
                    monitoring=state.monitoring_config,
                )

            def each(table_id: int = table_id) -> None:
                detail = tables.get_table(svc.uow(), table_id, actor)
                review.review_table(svc.uow(), table_id, state.review_config, actor)
                if detail.status is Status.APPROVED:
                    actuals.evaluate_table(svc.uow(), table_id, state.scoring_scheme, actor)
                    if detail.kind == tables.PROJECT:
                        actuals.monitor_table(svc.uow(), table_id, state.monitoring_config, actor)
                tables.require_read(svc.uow(), actor, table_id)
                inquiries.for_table(svc.uow(), table_id, actor)

            runs: list[tuple[str, Callable[[], None]]] = [("page (GET)", page)]
            try:
                from jixiao.services import reads  # noqa: F401

                runs.append(("one read", one_read))
            except ImportError:  # the code before the one read: the page alone
                pass
            runs.append(("a unit of work each", each))
            for what, fn in runs:
                median, p95 = _times(fn, args.repeat)
                statements, transactions = counter.count(fn)
                print(
                    f"| {label} | {what} | {median:.1f} | {p95:.1f} | {statements} | "
                    f"{transactions} |"
                )
    finally:
        svc.dispose()


if __name__ == "__main__":
    main()

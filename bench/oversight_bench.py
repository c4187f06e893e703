"""Oversight at the scale of a province, on PostgreSQL: bulk load against plain COPY, the
server-side time of each dashboard view, and requests per second under concurrent load.

    .venv/bin/python bench/oversight_bench.py [--units 3000] [--projects-per-unit 20]
        [--years 2] [--seed 1] [--repeat 9] [--concurrency 8] [--duration 20]
        [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. **Generate** the synthetic region (``jixiao.synth.records``) into memory.
2. **Load** it with ``services.bulk.load`` (what ``jixiao synth`` runs: rows built from the
   domain objects, the oversight facts computed on the way, COPY into a fresh database,
   ANALYZE), timed; the facts' share is reported apart.
3. **Baseline**: the very rows the load wrote (``COPY … TO STDOUT`` of every table it
   filled, not timed) written again with plain ``COPY … FROM STDIN`` into a second fresh
   database of the same schema, timed in the same run.
4. **Views**: each service call a dashboard page makes (overview, groups, rankings,
   findings by code, warnings, year over year, a project, an indicator) for four filters
   (the whole region, a department, a unit, a project size), ``--repeat`` times each:
   p50 and p95 of the server-side time.
5. **Load test**: ``jixiao serve`` on the loaded database in its own process, logged in as
   a 人大监督 user; ``--concurrency`` clients (httpx, asyncio) request the dashboard pages
   of random departments and units for ``--duration`` seconds: requests per second and
   latency percentiles.
6. **Downloads**: the whole region's project list, findings and warnings as CSV and XLSX
   from that server, one at a time: rows, size and seconds.

Prints Markdown for docs/performance.md.  Needs PostgreSQL (the admin URL must be allowed
to create databases); the two databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from jixiao import synth
from jixiao.domain.workflow import Role
from jixiao.services import SYSTEM, Services, bulk, oversight, users
from jixiao.store.bulk import COLUMNS, add_foreign_keys, drop_foreign_keys

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "renda-oversight-load-7"  # not containing the user name (services.users)


def _database(admin_url: str, name: str) -> str:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[k]


def _copy_out(svc: Services, tables: list[str]) -> dict[str, bytes]:
    """Every row of these tables as COPY text (the baseline's input)."""
    found: dict[str, bytes] = {}
    raw = svc.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for name in tables:
            columns = ", ".join(COLUMNS[name])
            buffer = io.BytesIO()
            with cursor.copy(f"COPY {name} ({columns}) TO STDOUT") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            found[name] = buffer.getvalue()
    finally:
        raw.close()
    return found


def _copy_in(svc: Services, data: dict[str, bytes], *, drop_keys: bool = False) -> float:
    """COPY of the rows into the (empty, migrated) database, in one transaction; with
    ``drop_keys``, the foreign keys dropped before and added back after, as the loader
    does into an empty store."""
    with svc.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        start = time.perf_counter()
        keys = drop_foreign_keys(connection, list(data)) if drop_keys else []
        with raw.cursor() as cursor:
            for name, rows in data.items():
                columns = ", ".join(COLUMNS[name])
                with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    copy.write(rows)
        add_foreign_keys(connection, keys)
        connection.commit()
        return time.perf_counter() - start


def _views(
    svc: Services, year: int, repeat: int
) -> tuple[list[tuple[str, str, float, float]], list[float]]:
    uow = svc.uow
    region = oversight.Filter(year=year)
    departments = oversight.groups(uow(), region, "department")
    department = max(departments, key=lambda g: g.totals.projects).key
    units = oversight.groups(uow(), oversight.Filter(year=year, department=department), "unit")
    unit = units[0].key
    filters = {
        "全部单位": region,
        "一个部门": oversight.Filter(year=year, department=department),
        "一个单位": oversight.Filter(year=year, department=department, unit=unit),
        "一档规模": oversight.Filter(year=year, size=2),
    }
    (project,), _ = oversight.projects(uow(), filters["一个单位"], order="lagging", limit=1)
    views: dict[str, Callable[[oversight.Filter], object]] = {
        "overview": lambda f: oversight.overview(uow(), f),
        "groups": lambda f: oversight.groups(uow(), f, "unit" if f.department else "department"),
        "projects (unit list)": lambda f: oversight.projects(uow(), f, order="id", limit=50),
        "ranking: lagging": lambda f: oversight.projects(uow(), f, order="lagging", limit=5),
        "ranking: red lights": lambda f: oversight.projects(uow(), f, order="red", limit=5),
        "ranking: findings": lambda f: oversight.projects(uow(), f, order="findings", limit=5),
        "ranking: low score": lambda f: oversight.projects(uow(), f, order="low-score", limit=5),
        "findings by code": lambda f: oversight.findings_by_code(uow(), f),
        "warnings (page)": lambda f: oversight.findings(uow(), f, source="warning", limit=20),
        "year over year": lambda f: oversight.year_over_year(uow(), f, limit=10),
    }
    rows: list[tuple[str, str, float, float]] = []
    every: list[float] = []
    for label, f in filters.items():
        for name, view in views.items():
            view(f)  # warm
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                view(f)
                times.append((time.perf_counter() - start) * 1000)
            every += times
            rows.append((name, label, statistics.median(times), _percentile(times, 0.95)))
    for name, fn in (
        ("project page", lambda: oversight.table_detail(uow(), project.table_id)),
        ("indicator page", lambda: oversight.indicator_detail(uow(), project.table_id, 0)),
    ):
        fn()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        every += times
        rows.append((name, "一个项目", statistics.median(times), _percentile(times, 0.95)))
    return rows, every


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _login(base: str) -> httpx.Cookies:
    """The session cookies of the bench's 人大监督 user."""
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        done = client.post(
            "/login",
            data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert done.status_code in (200, 303), done.text
        return client.cookies


async def _load_test(
    base: str, urls: list[str], concurrency: int, duration: float
) -> tuple[int, int, list[float]]:
    cookies = _login(base)
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + duration
    rng = random.Random(1)

    async def worker() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=60) as client:
            while time.perf_counter() < stop:
                url = rng.choice(urls)
                start = time.perf_counter()
                response = await client.get(url)
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    errors += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), errors, latencies


def _downloads(base: str, year: int) -> list[tuple[str, int, float, float]]:
    """The region's biggest downloads, each fetched once: (url, rows, MB, seconds)."""
    found = []
    with httpx.Client(base_url=base, cookies=_login(base), timeout=600) as client:
        for view in ("projects", "findings", "warnings"):
            for fmt in ("csv", "xlsx"):
                url = f"/oversight/{view}.{fmt}?year={year}"
                start = time.perf_counter()
                response = client.get(url)
                seconds = time.perf_counter() - start
                assert response.status_code == 200, url
                if fmt == "csv":
                    rows = response.content.count(b"\r\n") - 1
                else:
                    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
                    assert sheet is not None
                    rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
                found.append((url, rows, len(response.content) / 1e6, seconds))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--projects-per-unit", type=int, default=20)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes computing facts"
    )
    parser.add_argument(
        "--server-workers", type=int, default=os.cpu_count() or 1, help="jixiao serve --workers"
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "JIXIAO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    last = 2025
    config = synth.SynthConfig(
        units=args.units,
        projects_per_unit=args.projects_per_unit,
        years=tuple(range(last - args.years + 1, last + 1)),
        seed=args.seed,
    )
    print(
        f"# oversight bench: {args.units} units × {args.projects_per_unit} projects × "
        f"{args.years} years, Python {platform.python_version()}, {os.cpu_count()} CPUs",
        file=sys.stderr,
    )

    start = time.perf_counter()
    items = [
        bulk.Reported(r.project, r.checkpoint, r.year_end, config.checkpoint_month)
        for r in synth.records(config)
    ]
    generate = time.perf_counter() - start
    indicators = sum(len(i.project.indicators) for i in items)
    print(
        f"generated {len(items)} tables, {indicators} indicators in {generate:.1f} s",
        file=sys.stderr,
    )

    load_url = _database(args.admin_url, "jixiao_bench_load")
    copy_url = _database(args.admin_url, "jixiao_bench_copy")
    server: subprocess.Popen[bytes] | None = None
    try:
        svc = Services.connect(load_url, upgrade=True)
        cpu = os.times()
        start = time.perf_counter()
        result = bulk.load(svc.uow(), SYSTEM, items, svc.facts_settings(), workers=args.workers)
        load = time.perf_counter() - start
        main_cpu = sum(os.times()[:2]) - sum(cpu[:2])
        del items
        print(f"loaded in {load:.1f} s (facts {result.seconds_facts:.1f} s)", file=sys.stderr)
        written = [name for name, n in result.rows.items() if n]
        data = _copy_out(svc, written)
        baseline_svc = Services.connect(copy_url, upgrade=True)
        copy = _copy_in(baseline_svc, data)
        baseline_svc.dispose()
        copy_url = _database(args.admin_url, "jixiao_bench_copy")
        baseline_svc = Services.connect(copy_url, upgrade=True)
        copy_keys = _copy_in(baseline_svc, data, drop_keys=True)
        baseline_svc.dispose()
        size = sum(len(v) for v in data.values())
        del data
        print(f"plain COPY in {copy:.1f} s, keys dropped {copy_keys:.1f} s", file=sys.stderr)

        rows, every = _views(svc, last, args.repeat)

        users.add_user(svc.uow(), SYSTEM.username, "bench", PASSWORD, Role.CONGRESS)
        # jixiao serve refuses to start without an active administrator.
        users.add_user(svc.uow(), SYSTEM.username, "guanli", PASSWORD, Role.ADMIN)
        year = last
        departments = [
            g.key for g in oversight.groups(svc.uow(), oversight.Filter(year=year), "department")
        ]
        rng = random.Random(2)
        some_units = [
            (d, g.key)
            for d in rng.sample(departments, min(20, len(departments)))
            for g in oversight.groups(svc.uow(), oversight.Filter(year=year, department=d), "unit")[
                :1
            ]
        ]
        from urllib.parse import quote

        urls = (
            [f"/oversight?year={year}"]
            + [f"/oversight?year={year}&department={quote(d)}" for d in departments[:40]]
            + [
                f"/oversight?year={year}&department={quote(d)}&unit={quote(u)}"
                for d, u in some_units
            ]
        )
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jixiao",
                "serve",
                "--db",
                load_url,
                "--port",
                str(port),
                "--workers",
                str(args.server_workers),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={
                **os.environ,
                "JIXIAO_SECRET": "bench-oversight-session-secret-0123456789",
            },  # >= 32
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        requests, errors, latencies = asyncio.run(
            _load_test(base, urls, args.concurrency, args.duration)
        )
        downloads = _downloads(base, year)

        out = sys.stdout
        print(
            f"### Province scale ({args.units} units, {len(result.rows) and result.tables} tables)\n",
            file=out,
        )
        print("| step | figure |", file=out)
        print("|---|---|", file=out)
        print(f"| generate (synth.records) | {generate:.1f} s, {indicators} indicators |", file=out)
        print(
            f"| jixiao bulk load (rows from domain objects, facts, COPY, ANALYZE) | {load:.1f} s |",
            file=out,
        )
        print(
            f"| computing the facts (domain; CPU seconds in {args.workers} worker processes, "
            f"overlapping the writing) | {result.seconds_facts:.1f} s |",
            file=out,
        )
        print(f"| the writing process (CPU seconds) | {main_cpu:.1f} s |", file=out)
        print(
            f"| plain COPY of the same rows ({size / 1e6:.0f} MB of COPY text) | {copy:.1f} s |",
            file=out,
        )
        print(f"| **load ÷ plain COPY** | **{load / copy:.2f}×** |", file=out)
        print(
            f"| COPY of the same rows, foreign keys dropped and added back as the loader does "
            f"| {copy_keys:.1f} s |",
            file=out,
        )
        print(f"| load ÷ that COPY | {load / copy_keys:.2f}× |", file=out)
        print("", file=out)
        print(
            "rows: " + ", ".join(f"{name} {n}" for name, n in result.rows.items() if n) + "\n",
            file=out,
        )
        print("| view | filter | p50 ms | p95 ms |", file=out)
        print("|---|---|---:|---:|", file=out)
        for name, label, p50, p95 in rows:
            print(f"| {name} | {label} | {p50:.1f} | {p95:.1f} |", file=out)
        print(
            f"\nall view calls: p50 {statistics.median(every):.1f} ms, "
            f"p95 {_percentile(every, 0.95):.1f} ms, max {max(every):.1f} ms\n",
            file=out,
        )
        print(
            f"load test: {requests} page requests in {args.duration:.0f} s by "
            f"{args.concurrency} clients against jixiao serve --workers {args.server_workers} = "
            f"{requests / args.duration:.1f} requests/s; "
            f"latency p50 {statistics.median(latencies):.0f} ms, p95 "
            f"{_percentile(latencies, 0.95):.0f} ms; {errors} errors\n",
            file=out,
        )
        print("| download (whole region) | rows | MB | seconds |", file=out)
        print("|---|---:|---:|---:|", file=out)
        for url, n, mb, seconds in downloads:
            print(f"| `{url}` | {n} | {mb:.1f} | {seconds:.1f} |", file=out)
        svc.dispose()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _drop(args.admin_url, "jixiao_bench_load")
        _drop(args.admin_url, "jixiao_bench_copy")


if __name__ == "__main__":
    main()

"""The audit trail: hash-chained, and tampering is detected and named."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import replace

import pytest
from sqlalchemy import text

from jixiao.domain.audit import GENESIS, AuditEntry, chain_hash, verify
from jixiao.domain.workflow import Actor, Role
from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Services, audit, tables
from tests.conftest import SEED

UNIT = Actor("danwei", Role.UNIT, unit="无锡市人民代表大会常务委员会办公室")


def _entry(seq: int, prev: str) -> AuditEntry:
    entry = AuditEntry(
        seq=seq,
        at="2026-01-01T00:00:00",
        actor="a",
        action="x",
        entity="e",
        entity_id="1",
        table_id=None,
        before=None,
        after={"v": seq},
        prev_hash=prev,
        hash="",
    )
    return replace(entry, hash=chain_hash(prev, entry.content()))


def _chain(n: int) -> list[AuditEntry]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        e = _entry(seq, prev)
        entries.append(e)
        prev = e.hash
    return entries


def test_pure_chain_verification() -> None:
    chain = _chain(5)
    assert verify(chain).ok
    assert verify(chain).checked == 5
    altered = list(chain)
    altered[2] = replace(chain[2], after={"v": 99})
    result = verify(altered)
    assert (result.ok, result.bad_seq) == (False, 3)
    assert "被改动" in result.problem
    assert verify(chain[:2] + chain[3:]).bad_seq == 4
    swapped = [chain[1], chain[0], *chain[2:]]
    assert not verify(swapped).ok


@pytest.fixture
def history(svc: Services) -> Services:
    tables.import_document(svc.uow(), SYSTEM, read_path(SEED))
    tid = tables.list_tables(svc.uow(), tables.TableFilter(kind="project"))[0][0].id
    ind = tables.get_table(svc.uow(), tid).indicators[0]
    tables.save_indicator(
        svc.uow(),
        UNIT,
        tid,
        {"full_year": "＝470人次"},
        indicator_id=ind.id,
        expected_lock=ind.lock,
    )
    tables.submit(svc.uow(), UNIT, tid)
    return svc


def _jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, check=False
    )


def test_cli_verify_passes_then_names_the_altered_entry(history: Services, db_url: str) -> None:
    ok = _jixiao("audit", "verify", "--db", db_url)
    assert ok.returncode == 0, ok.stderr
    assert "审计记录完好：已核对 11 条记录" in ok.stdout
    with history.engine.begin() as conn:
        after = conn.execute(text("SELECT after FROM audit_log WHERE seq = 10")).scalar_one()
        data = after if isinstance(after, dict) else json.loads(after)
        data["full_year"]["text"] = "＝999人次"
        conn.execute(
            text("UPDATE audit_log SET after = :a WHERE seq = 10"),
            {"a": json.dumps(data, ensure_ascii=False)},
        )
    bad = _jixiao("audit", "verify", "--db", db_url)
    assert bad.returncode == 1
    assert "审计记录不符在第 10 条处" in bad.stderr
    assert "被改动" in bad.stderr


def test_removing_the_last_entry_is_detected(history: Services) -> None:
    with history.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 11"))
    result = audit.verify_chain(history.uow())
    assert not result.ok
    assert result.bad_seq == 11
    assert "链尾的记录被删除" in result.problem


def test_concurrent_writers_keep_one_chain(history: Services) -> None:
    tid = tables.list_tables(history.uow(), tables.TableFilter(kind="project"))[0][0].id
    errors: list[Exception] = []

    def write(k: int) -> None:
        try:
            for j in range(5):
                tables.comment(history.uow(), SYSTEM, tid, f"意见 {k}-{j}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit.verify_chain(history.uow())
    assert result.ok, result.problem
    assert result.checked == 11 + 20

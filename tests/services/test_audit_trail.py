"""The audit trail against someone who can write to the database but holds neither the
key nor the anchor file: truncation with the head rewound, an entry rewritten with the
chain recomputed, a table edited with SQL, are all reported (on SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import text

from jixiao.domain.audit import GENESIS, AuditEntry, chain_hash
from jixiao.domain.workflow import Actor, Role
from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Services, audit, tables, trail
from tests.conftest import SEED

UNIT = Actor("danwei", Role.UNIT, unit="无锡市人民代表大会常务委员会办公室")


@pytest.fixture
def written(svc: Services) -> Services:
    """The seed imported, an indicator changed, the table submitted: 11 entries."""
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


def _rows(svc: Services) -> list[dict[str, Any]]:
    with svc.engine.connect() as conn:
        found = conn.execute(text("SELECT * FROM audit_log ORDER BY seq")).mappings().all()
    out = []
    for r in found:
        row = dict(r)
        for k in ("before", "after"):
            if isinstance(row[k], str):
                row[k] = json.loads(row[k])
        out.append(row)
    return out


def _entry(row: dict[str, Any], prev: str) -> AuditEntry:
    fields = ("seq", "at", "actor", "action", "entity", "entity_id", "table_id", "before", "after")
    return AuditEntry(**{k: row[k] for k in fields}, prev_hash=prev, hash="")


def _rechain(svc: Services, start: int, key: bytes | None) -> None:
    """Recompute every hash from entry ``start`` (with ``key``, or unkeyed SHA-256 as an
    attacker without the key would) and move the head: a chain that is whole again."""
    rows = _rows(svc)
    prev = GENESIS if start == 1 else rows[start - 2]["hash"]
    with svc.engine.begin() as conn:
        for row in rows[start - 1 :]:
            digest = chain_hash(prev, _entry(row, prev).content(), key)
            conn.execute(
                text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE seq = :s"),
                {"p": prev, "h": digest, "s": row["seq"]},
            )
            prev = digest
        conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})


def test_entries_are_signed_with_a_key_kept_outside_the_database(written: Services) -> None:
    rows = _rows(written)
    assert len(rows) == 11
    first = rows[0]
    unkeyed = chain_hash(GENESIS, _entry(first, GENESIS).content())
    keyed = chain_hash(GENESIS, _entry(first, GENESIS).content(), written.audit_trail().key)
    assert first["hash"] == keyed != unkeyed
    key = written.audit_trail().key
    with written.engine.connect() as conn:
        for table in ("audit_log", "audit_head", "audit_state"):
            dumped = json.dumps(
                [dict(r) for r in conn.execute(text(f"SELECT * FROM {table}")).mappings()],
                default=str,
            )
            assert key.decode() not in dumped
    anchor = written.audit_trail().anchor
    assert anchor is not None and anchor.exists()
    assert audit.verify_chain(written.uow()).ok
    assert audit.verify_states(written.uow()).ok


def test_truncation_with_the_head_rewound_is_detected(written: Services) -> None:
    rows = _rows(written)
    keep = rows[-6]  # remove the last 5 entries, rewind the head to the 6th from the end
    with written.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": keep["seq"]})
        conn.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
            {"s": keep["seq"], "h": keep["hash"]},
        )
    result = audit.verify_chain(written.uow())
    assert not result.ok
    assert result.bad_seq == 11
    assert "截断" in result.problem and "数据库外的锚定文件" in result.problem


def test_a_rewritten_entry_with_the_chain_recomputed_is_detected(written: Services) -> None:
    rows = _rows(written)
    target = rows[9]  # the indicator's change
    after = dict(target["after"])
    after["full_year"] = {**after["full_year"], "text": "＝999人次"}
    with written.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET after = :a WHERE seq = :s"),
            {"a": json.dumps(after, ensure_ascii=False), "s": target["seq"]},
        )
    # Without the key the recomputed chain does not match its signatures ...
    _rechain(written, target["seq"], None)
    without = audit.verify_chain(written.uow())
    assert (without.ok, without.bad_seq) == (False, 10)
    assert "被改动" in without.problem
    # ... and with a stolen key, the anchor outside the database still disagrees.
    _rechain(written, target["seq"], written.audit_trail().key)
    stolen = audit.verify_chain(written.uow())
    assert not stolen.ok
    assert stolen.bad_seq == 10
    assert "改写并重新计算" in stolen.problem


def test_an_altered_anchor_line_is_reported(written: Services) -> None:
    anchor = written.audit_trail().anchor
    assert anchor is not None
    lines = anchor.read_text().splitlines()
    data = json.loads(lines[-1])
    data["seq"] = 3
    anchor.write_text("\n".join([*lines[:-1], json.dumps(data)]) + "\n")
    result = audit.verify_chain(written.uow())
    assert not result.ok
    assert "签名与审计密钥不符" in result.problem
    assert str(anchor.parent) not in result.problem  # the file's name, not the server's path


def test_cli_reports_an_indicator_edited_with_sql(written: Services, db_url: str) -> None:
    ok = _jixiao("audit", "verify", "--db", db_url)
    assert ok.returncode == 0, ok.stderr
    assert "审计记录完好：已核对 11 条记录" in ok.stdout
    assert "9 张表已核对" in ok.stdout
    with written.engine.begin() as conn:
        table_id, name = conn.execute(
            text(
                "SELECT t.id, t.name FROM target_table t JOIN indicator i ON i.table_id = t.id "
                "ORDER BY t.id, i.id LIMIT 1"
            )
        ).one()
        conn.execute(
            text(
                "UPDATE indicator SET name = '改过的指标' WHERE id = "
                "(SELECT min(id) FROM indicator WHERE table_id = :t)"
            ),
            {"t": table_id},
        )
    bad = _jixiao("audit", "verify", "--db", db_url)
    assert bad.returncode == 1
    assert "审计记录完好" in bad.stdout  # the chain itself is whole
    assert f"绩效目标表 {table_id}“{name}”" in bad.stderr
    assert "在 jixiao 之外被修改" in bad.stderr
    report = audit.verify_states(written.uow())
    assert [p.table_id for p in report.problems] == [table_id]


def test_a_forged_state_record_is_reported(written: Services) -> None:
    with written.engine.begin() as conn:
        table_id = conn.execute(text("SELECT min(table_id) FROM audit_state")).scalar_one()
        conn.execute(text("UPDATE indicator SET name = 'x' WHERE table_id = :t"), {"t": table_id})
        forged = hashlib.sha256(b"whatever").hexdigest()
        conn.execute(
            text("UPDATE audit_state SET digest = :d WHERE table_id = :t"),
            {"d": forged, "t": table_id},
        )
    report = audit.verify_states(written.uow())
    assert [(p.table_id, p.problem) for p in report.problems] == [
        (table_id, "审计状态记录被改动（签名不符）")
    ]


def test_checkpoint_anchors_the_head_and_adopts_unrecorded_tables(
    written: Services, db_url: str
) -> None:
    with written.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_state"))  # as a database from before states
    missing = audit.verify_states(written.uow())
    assert len(missing.problems) == 9
    assert "jixiao audit checkpoint" in missing.problems[0].problem
    anchor = written.audit_trail().anchor
    assert anchor is not None
    before = len(anchor.read_text().splitlines())
    done = _jixiao("audit", "checkpoint", "--adopt", "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "已锚定：第 11 条记录写入锚定文件" in done.stdout
    assert "已登记 9 张表的当前状态" in done.stdout
    assert len(anchor.read_text().splitlines()) == before + 1
    assert audit.verify_states(written.uow()).ok
    last = [json.loads(line) for line in anchor.read_text().splitlines()][-1]
    assert last["seq"] == 11


def test_keys_come_from_the_environment_or_a_key_file(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("JIXIAO_AUDIT_KEY", "the-key")
    assert trail.key_for(url) == b"the-key"
    monkeypatch.delenv("JIXIAO_AUDIT_KEY")
    named = tmp_path / "k"
    named.write_text("from-a-file\n")
    monkeypatch.setenv("JIXIAO_AUDIT_KEY_FILE", str(named))
    assert trail.key_for(url) == b"from-a-file"
    monkeypatch.delenv("JIXIAO_AUDIT_KEY_FILE")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    made = trail.key_for(url)
    assert len(made) == 64 and trail.key_for(url) == made  # created once, then read
    assert (tmp_path / "data" / "audit.key").stat().st_mode & 0o077 == 0
    assert trail.anchor_for(url) == tmp_path / "x.db.audit-anchor"


def test_events_are_kept_in_the_chain(written: Services) -> None:
    audit.record_event(written.uow(), "danwei", "login", detail={"address": "10.0.0.1"})
    audit.record_event(written.uow(), "nobody", "login_failed", detail={"address": "10.0.0.2"})
    audit.record_event(
        written.uow(), "danwei", "download", entity="download", entity_id="/x.csv", table_id=3
    )
    rows = _rows(written)
    assert [(r["actor"], r["action"]) for r in rows[-3:]] == [
        ("danwei", "login"),
        ("nobody", "login_failed"),
        ("danwei", "download"),
    ]
    assert rows[-1]["after"] == {"table": 3} and rows[-1]["table_id"] is None
    assert audit.verify_chain(written.uow()).ok
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.record_event(written.uow(), "x", "delete_everything")


def test_rekey_signs_the_chain_again_with_a_new_key(
    written: Services, db_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``jixiao audit rekey``: the chain verified under the old key, every entry, the head
    and the table states signed with a new one written to the key file, a new anchor
    started; the old key no longer verifies, the new one does, in a new process too."""
    old = written.audit_trail()
    assert old.anchor is not None
    key_file = tmp_path / "rekey" / "audit.key"
    key_file.parent.mkdir()
    key_file.write_bytes(old.key + b"\n")
    monkeypatch.setenv("JIXIAO_AUDIT_KEY_FILE", str(key_file))
    monkeypatch.delenv("JIXIAO_AUDIT_KEY", raising=False)
    before = _rows(written)
    done = _jixiao("audit", "rekey", "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "已更换审计密钥：12 条审计记录、9 张表的状态已用新密钥重新签名" in done.stdout
    new = key_file.read_bytes().strip()
    assert len(new) == 64 and new != old.key
    kept = list(key_file.parent.glob("audit.key.before-rekey-*"))
    assert [k.read_bytes().strip() for k in kept] == [old.key]
    after = _rows(written)
    assert [r["hash"] for r in after[:11]] != [r["hash"] for r in before]
    assert [r["after"] for r in after[:11]] == [r["after"] for r in before]  # content kept
    assert (after[-1]["seq"], after[-1]["action"]) == (12, "rekey")
    anchored = [json.loads(line) for line in old.anchor.read_text().splitlines()]
    assert [a["seq"] for a in anchored] == [12]  # a new anchor, the old one kept aside
    assert list(old.anchor.parent.glob(old.anchor.name + ".before-rekey-*"))

    renewed = Services(written.engine)  # reads the key again, as a restarted server
    assert renewed.audit_trail().key == new
    assert audit.verify_chain(renewed.uow()).ok
    assert audit.verify_states(renewed.uow()).ok
    assert not audit.verify_chain(written.uow()).ok  # the old key no longer verifies
    ok = _jixiao("audit", "verify", "--db", db_url)
    assert ok.returncode == 0, ok.stderr
    assert "审计记录完好：已核对 12 条记录" in ok.stdout
    # the services keep writing under the new key
    audit.record_event(renewed.uow(), "danwei", "login", detail={"address": "10.0.0.1"})
    assert audit.verify_chain(renewed.uow()).ok


def test_rekey_is_all_or_nothing(
    written: Services, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken chain is not signed again: nothing changes, in the database or beside it."""
    config = written.audit_trail()
    assert config.anchor is not None
    anchor_before = config.anchor.read_bytes()
    actor = _rows(written)[3]["actor"]
    with written.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 4"))
    before = _rows(written)
    key_file = tmp_path / "new.key"
    with pytest.raises(ValueError, match="审计记录在第 4 条处不符"):
        audit.rekey(written.uow(), trail.new_key(), key_file=key_file)
    assert _rows(written) == before
    assert config.anchor.read_bytes() == anchor_before
    assert not key_file.exists() and not list(tmp_path.glob("*.rekey"))
    assert not list(config.anchor.parent.glob("*.rekey"))

    # a failure after the files were prepared (here: the commit) removes them too
    with written.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = :a WHERE seq = 4"), {"a": actor})
    assert audit.verify_chain(written.uow()).ok

    class Refused(Exception):
        pass

    def refuse(*_: Any, **__: Any) -> None:
        raise Refused

    with monkeypatch.context() as patched:
        patched.setattr("sqlalchemy.orm.Session.commit", refuse)
        with pytest.raises(Refused):
            audit.rekey(written.uow(), trail.new_key(), key_file=key_file)
    assert not key_file.exists() and not list(tmp_path.glob("*.rekey"))
    assert not list(config.anchor.parent.glob("*.rekey"))
    assert config.anchor.read_bytes() == anchor_before
    assert audit.verify_chain(written.uow()).ok  # still the old key's chain
    with pytest.raises(ValueError, match="与当前密钥相同"):
        audit.rekey(written.uow(), config.key)

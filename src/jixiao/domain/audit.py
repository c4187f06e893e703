"""The audit trail as a keyed hash chain: pure functions, no I/O.

Each entry's hash covers its content and the previous entry's hash, so changing, removing
or reordering any stored entry breaks every hash after it.  With a key (kept outside the
database, see services/audit.py) the hash is an HMAC-SHA256: whoever can write to the
database but does not hold the key cannot recompute the chain after rewriting an entry.
:func:`verify` walks a chain and names the first entry that does not match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One write: who, when, what, before → after."""

    seq: int
    at: str  # ISO 8601 UTC timestamp
    actor: str
    action: str
    entity: str
    entity_id: str
    table_id: int | None  # the target table the write belongs to, for its history
    before: Any
    after: Any
    prev_hash: str
    hash: str

    def content(self) -> Mapping[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "table_id": self.table_id,
            "before": self.before,
            "after": self.after,
        }


def canonical(data: Any) -> bytes:
    """The bytes an entry's hash is computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def chain_hash(prev_hash: str, content: Mapping[str, Any], key: bytes | None = None) -> str:
    """The entry's hash: HMAC-SHA256 with ``key``, plain SHA-256 without one."""
    data = prev_hash.encode("ascii") + canonical(content)
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def sign(key: bytes, data: Any) -> str:
    """An HMAC-SHA256 of ``data`` (canonical JSON): anchors and recorded states."""
    return hmac.new(key, canonical(data), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""


def verify(entries: Iterable[AuditEntry], key: bytes | None = None) -> VerifyResult:
    """Check a chain in sequence order (keyed with ``key``); the first broken entry is
    named (the problem in Chinese, for the operator's report)."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                entry.seq,
                f"缺少第 {expected_seq} 条记录（其后是第 {entry.seq} 条）",
            )
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.seq, "与上一条记录的链接不符")
        if not same(chain_hash(prev, entry.content(), key), entry.hash):
            return VerifyResult(
                False,
                checked,
                entry.seq,
                "内容与其哈希不符（被改动，或不是用审计密钥写入的）",
            )
        prev = entry.hash
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)

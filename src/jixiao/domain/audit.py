"""The audit trail as a hash chain: pure functions, no I/O.

Each entry's hash covers its content and the previous entry's hash, so changing, removing
or reordering any stored entry breaks every hash after it.  :func:`verify` walks a chain
and names the first entry that does not match.
"""

from __future__ import annotations

import hashlib
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


def chain_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(content)).hexdigest()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""


def verify(entries: Iterable[AuditEntry]) -> VerifyResult:
    """Check a chain in sequence order; the first broken entry is named."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(
                False, checked, entry.seq, f"entry {expected_seq} is missing (found {entry.seq})"
            )
        if entry.prev_hash != prev:
            return VerifyResult(
                False, checked, entry.seq, "its link to the previous entry does not match"
            )
        if chain_hash(prev, entry.content()) != entry.hash:
            return VerifyResult(
                False, checked, entry.seq, "its content does not match its hash (altered)"
            )
        prev = entry.hash
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)

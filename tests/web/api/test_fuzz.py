"""Schemathesis against the in-process API (every operation of /api/openapi.json, as a
signed-in 财政 user and a 单位 user): no answer is a server error.

Bounded for CI: a fixed number of generated requests and a time budget per backend (the
examples left when the budget is spent pass without a request)."""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.services import Services
from tests.web.api.support import make_world

EXAMPLES = 150
BUDGET_SECONDS = 90.0


def test_no_request_gets_a_server_error(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(svc, monkeypatch)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", world.client.app)
    deadline = time.monotonic() + BUDGET_SECONDS
    seen: list[tuple[str, int]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=schema.as_strategy(), who=st.sampled_from(["finance", "unit"]))
    def fuzz(case: schemathesis.Case, who: str) -> None:
        if time.monotonic() > deadline:
            return
        response = case.call(headers=world.auth(who))
        seen.append((case.operation.label, response.status_code))  # type: ignore[attr-defined]
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} as {who}: {response.status_code} "
            f"{response.text[:300]}"
        )

    fuzz()
    assert len(seen) >= 30, seen  # the budget left room for a real run
    print(f"{len(seen)} requests over {len({op for op, _ in seen})} operations, none 5xx")

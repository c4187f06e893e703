"""One clock everywhere (services/clock.py): with another ``JIXIAO_TZ`` the pages, the
services' messages and the audit trail show their times in that zone, not in Beijing time
and not in UTC.  Honolulu (UTC−10, no daylight saving) is 18 hours from Beijing, so
every time shown differs from the default's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Duplicate, Services, demo, tables
from jixiao.store.models import SourceFileRow
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import TRAINING, cheap_passwords, login, table_id

HONOLULU = timedelta(hours=-10)
BEIJING = timedelta(hours=8)


def _utc(iso: str) -> datetime:
    when = datetime.fromisoformat(iso)
    assert when.utcoffset() in (None, timedelta(0))  # stored in UTC
    return when.replace(tzinfo=None)


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED))
    return TestClient(create_app(svc, secret_key="test-clock"))


def test_times_follow_the_configured_zone(
    client: TestClient, svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = table_id(svc, TRAINING)
    imported = _utc(tables.history(svc.uow(), tid)[-1].at)
    in_honolulu = (imported + HONOLULU).strftime("%Y-%m-%d %H:%M")
    in_beijing = (imported + BEIJING).strftime("%Y-%m-%d %H:%M")
    assert in_honolulu != in_beijing
    b = login(client, "caizheng")

    monkeypatch.setenv("JIXIAO_TZ", "Pacific/Honolulu")
    page = b.get(f"/tables/{tid}/history").text
    assert in_honolulu in page
    assert in_beijing not in page
    # The audit trail's times (with seconds) and a duplicate import's notice likewise.
    assert tables.local_time(imported.isoformat()) == (imported + HONOLULU).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    with svc.uow() as uow:
        stored = uow.session.execute(select(SourceFileRow.imported_at)).scalar_one()
    source_time = _utc(stored.isoformat()) + HONOLULU
    with pytest.raises(Duplicate) as again:
        tables.import_document(svc.uow(), SYSTEM, read_path(SEED))
    assert f"已于 {source_time:%Y-%m-%d %H:%M} " in again.value.message

    # Back to the default zone: the same page shows Beijing time.
    monkeypatch.delenv("JIXIAO_TZ")
    page = b.get(f"/tables/{tid}/history").text
    assert in_beijing in page
    assert in_honolulu not in page

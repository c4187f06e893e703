"""One clock for everything shown to a person: the configured time zone.

Times are stored in UTC.  They are shown in ``$JIXIAO_TZ`` (an IANA name such as
``Asia/Shanghai``, the default); an unknown name falls back to China Standard Time
(UTC+8).  Pages, downloads, notices and the CLI all call :func:`shown`.
"""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jixiao.domain.messages import CHINA, local_time

DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=8)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return CHINA


def zone() -> tzinfo:
    """The display time zone ($JIXIAO_TZ, default Asia/Shanghai)."""
    return _zone(os.environ.get("JIXIAO_TZ") or DEFAULT_ZONE)


def shown(value: datetime | str | None, *, seconds: bool = False) -> str:
    """A stored time (UTC; naive means UTC) as a person reads it: ``2025-03-01 14:05``."""
    return local_time(value, zone(), seconds=seconds)

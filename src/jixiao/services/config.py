"""The configuration file (jixiao.toml): which one is in use, and one table of it.

The review rules (``[review]``), scoring (``[scoring]``), monitoring (``[monitoring]``) and
the server's settings (``[server]``) each read their own table through :func:`config_table`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from jixiao.services.errors import Invalid


def config_path(path: Path | None = None) -> Path | None:
    """The configuration file in use: ``path``, else $JIXIAO_CONFIG, else ./jixiao.toml."""
    if path is not None:
        return path
    env = os.environ.get("JIXIAO_CONFIG")
    if env:
        return Path(env)
    local = Path("jixiao.toml")
    return local if local.is_file() else None


def config_table(name: str, path: Path | None = None) -> tuple[Path | None, dict[str, Any]]:
    """The file in use and its ``[name]`` table (empty when there is no file or no table).

    A file that cannot be read, is not TOML, or whose ``[name]`` is not a table is
    :class:`Invalid`, naming the file.
    """
    found = config_path(path)
    if found is None:
        return None, {}
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Invalid(f"{found}: cannot be read: {exc.strerror or exc}", "config") from None
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(f"{found}: not valid TOML: {exc}", "config") from None
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise Invalid(f"{found}: [{name}] must be a table", "config")
    return found, table

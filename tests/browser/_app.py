"""What the browser tests share: the real app served by uvicorn, Chromium, screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright

from jixiao.ingest import read_path
from jixiao.services import Services, demo
from jixiao.web.app import create_app
from tests.conftest import SEED

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DOCS_IMG = ROOT / "docs" / "img"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served_demo(
    tmp_path: Path,
    *,
    with_actuals: bool = False,
    prepare: Callable[[Services], object] | None = None,
) -> Iterator[str]:
    """The real app on a fresh SQLite database with the demo (and what ``prepare`` adds),
    served by uvicorn: its URL."""
    svc = Services.connect(f"sqlite:///{tmp_path / 'jixiao.db'}", upgrade=True)
    demo.set_up(svc, read_path(SEED), with_actuals=with_actuals)
    if prepare is not None:
        prepare(svc)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(svc, secret_key="browser-test"),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"the app did not answer at {base}")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        svc.dispose()


def chromium(p: Playwright) -> Browser:
    """Debian's Chromium; the test fails (it is not skipped) when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is needed for the browser tests and is missing at {CHROMIUM} "
            "(install the distribution's chromium package)"
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def shot(page: Page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def updating_docs() -> bool:
    """Whether this run rewrites the documentation's screenshots (JIXIAO_UPDATE_DOCS_IMG=1):
    otherwise they stay as committed and the tests leave the working tree clean."""
    return os.environ.get("JIXIAO_UPDATE_DOCS_IMG") == "1"


def docs_image(source: Path, name: str) -> None:
    """Copy a screenshot to docs/img/``name`` when updating the documentation."""
    if updating_docs():
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, DOCS_IMG / name)


def docs_shot(page: Page, name: str) -> None:
    """The visible part of the page to docs/img/``name`` when updating the documentation."""
    if updating_docs():
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMG / name))

"""Every page and download reachable from each demo role's home page, crawled in-process:
no English sentence in the text a person reads, no 4xx/5xx, no raw JSON error.

The crawler starts at ``/`` logged in as each demo user, follows every local link
(``href``) and htmx target (``hx-get``) with GET, and reads the HTML of every page.  Pages
of one kind differ only in their ids and filters, so each kind (the path with its numbers
replaced, and the names of its query parameters) is visited at most ``PER_KIND`` times;
downloads (PDF, XLSX, CSV, JSON …) are fetched once per kind for all roles together (the
roles see the same downloads; the PDFs take seconds each).  The text checked is what a
person reads: the text of the elements, ``title`` tooltips, ``placeholder``s, ``alt``
texts and ``aria-label``s; not scripts, styles, URLs or ids.

A word in Latin letters is allowed when it is in ``ALLOWED`` (format names, jixiao, htmx
…) or part of a file name, a code or a number (``000_782886cd.txt``, ``A12``); login names
only where accounts are shown as such (user management, one's own account).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from jixiao.ingest import read_path
from jixiao.services import Services, demo
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import cheap_passwords, login

ROLES = ("danwei", "zhuguan", "caizheng", "renda", "shenji", "admin")
PER_KIND = 3
DOWNLOADS: set[str] = set()  # kinds of download fetched, shared by the roles' crawls
#: Words in Latin letters a Chinese page may show.
ALLOWED = {
    "pdf",
    "xlsx",
    "xls",
    "csv",
    "json",
    "api",
    "htmx",
    "id",
    "html",
    "htm",
    "docx",
    "doc",
    "txt",
    "jixiao",
    "toml",
    "ocr",
    "url",
    "zip",
    "xml",
    "ok",
    "echarts",
    "cst",
    "utc",
    "excel",
    "word",
    "cpi",
    "ppi",
    "gdp",
    "it",
    "ai",
    "app",
    "wifi",
    "led",
    "gps",
    "vip",
    "sql",
    "ip",
}
DOWNLOAD_TYPES = ("application/pdf", "spreadsheet", "text/csv", "application/json", "zip")
# Pages that change something when fetched, or leave the site.
# Where login names are shown as such (user management, one's own account).
IDENTIFIER_PAGES = re.compile(r"^/(admin/users|account)")
SKIP = re.compile(r"^/(logout|static/|vendor/|api/docs|api/openapi)")


class _Page(HTMLParser):
    """The links and the readable text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "code"):
            self._skip += 1
        for key in ("href", "hx-get"):
            if a.get(key) and not (tag == "link" and key == "href"):
                self.links.append(a[key])
        for key in ("title", "placeholder", "alt", "aria-label"):
            if a.get(key):
                self.texts.append(a[key])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.texts.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


_TOKEN = re.compile(r"[\w.\-/:@+%#]+")
_WORD = re.compile(r"[A-Za-z]+")


def english_words(text: str) -> list[str]:
    """The words in Latin letters that are neither allowed nor part of a file name, code,
    path or number."""
    found = []
    for token in _TOKEN.findall(text):
        latin = token.encode("ascii", "ignore").decode()
        if not latin or any(c.isdigit() for c in latin) or re.search(r"[._/:@]", latin.strip(".:")):
            continue  # a file name, a path, a code such as A12 or ingest.x, a time
        for word in _WORD.findall(latin):
            if len(word) > 1 and word.lower() not in ALLOWED:
                found.append(word)
    return found


def kind_of(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"\d+", "{n}", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    english: Counter[str] = field(default_factory=Counter)


def crawl(client: TestClient, username: str, downloads: set[str] | None = None) -> Crawl:
    """What ``username`` reaches from the home page.  ``downloads``: the kinds of download
    already fetched (by another role's crawl), not fetched again: a PDF takes seconds."""
    downloads = set() if downloads is None else downloads
    client.cookies.clear()
    login(client, username)
    logins = set(ROLES)
    result = Crawl()
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        kind = kind_of(url)
        if url in seen or kinds[kind] >= PER_KIND or kind in downloads:
            continue
        seen.add(url)
        kinds[kind] += 1
        response = client.get(url, follow_redirects=True)
        result.visited.append(url)
        where = f"{username} GET {url}"
        if response.status_code >= 400:
            result.problems.append(f"{where}: {response.status_code}")
        ctype = response.headers.get("content-type", "")
        if "json" in ctype:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and set(body) <= {"detail", "error", "field"}:
                result.problems.append(f"{where}: a raw JSON error {response.text[:120]}")
        if any(t in ctype for t in DOWNLOAD_TYPES) or "text/html" not in ctype:
            kinds[kind] = PER_KIND  # a download: one of each kind
            downloads.add(kind)
            continue
        if response.text.lstrip().startswith("{"):
            result.problems.append(f"{where}: JSON where a page was expected")
        page = _Page()
        page.feed(response.text)
        for text in page.texts:
            for word in english_words(text):
                if word in logins and (IDENTIFIER_PAGES.match(url) or "账号" in text):
                    continue  # a login name where accounts are managed
                result.english[word] += 1
                if result.english[word] == 1:
                    result.problems.append(f"{where}: English {word!r} in “{text.strip()[:80]}”")
        for link in page.links:
            target, _ = urldefrag(urljoin(url, link))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not SKIP.match(local) and local not in seen:
                queue.append(local)
    return result


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo with its actuals on SQLite, shared by the roles' crawls (they only read)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_passwords(monkeypatch)
        path = tmp_path_factory.mktemp("crawl") / "jixiao.db"
        svc = Services.connect(f"sqlite:///{path}", upgrade=True)
        demo.set_up(svc, read_path(SEED), with_actuals=True)
        yield TestClient(create_app(svc, secret_key="test-crawl"))
        svc.dispose()


@pytest.mark.parametrize("username", ROLES)
def test_every_reachable_page_is_chinese_and_answers(client: TestClient, username: str) -> None:
    result = crawl(client, username, DOWNLOADS)
    assert len(result.visited) > 10, result.visited
    assert not result.problems, "\n".join(result.problems)


def test_the_english_check_finds_english() -> None:
    assert english_words("is a binary file, not a text dump") == [
        "is",
        "binary",
        "file",
        "not",
        "text",
        "dump",
    ]
    assert english_words("操作人：system") == ["system"]
    assert english_words('{"detail":"Not Found"}') == ["detail", "Not", "Found"]
    assert english_words("下载：PDF · XLSX · 000_782886cd0aa7e389.txt 第 2 页 A12") == []
    assert json.dumps(kind_of("/tables/12/versions/3?year=2023&unit=x")) == json.dumps(
        "/tables/{n}/versions/{n}?unit&year"
    )

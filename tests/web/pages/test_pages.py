"""The HTML pages: log-in, the list, the official layouts and inline editing.

Workflow, history, versions, import and CSRF are in test_pages_workflow.py.  Every test
runs in-process (TestClient) on SQLite and on PostgreSQL (the ``svc`` fixture), with the
demo set up: the seed document imported and one user per role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from jixiao.domain.model import Document, Indicator, Project
from jixiao.domain.values import parse_value
from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Services, demo, tables, users
from jixiao.services.tables import TableFilter
from jixiao.web.app import create_app
from tests.conftest import SEED

PASSWORD = demo.DEMO_PASSWORD
TRAINING = "人大代表履职培训费"
UNIT = "无锡市人民代表大会常务委员会办公室"
HX = {"HX-Request": "true"}


# -- helpers (shared with test_pages_workflow.py) ---------------------------------------


def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest: the demo creates six users and every test logs in."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def table_id(svc: Services, name: str) -> int:
    summaries, _ = tables.list_tables(svc.uow(), TableFilter(q=name))
    return next(s.id for s in summaries if s.name == name)


def value_text(svc: Services, tid: int, position: int, period: str) -> str | None:
    value = getattr(tables.get_table(svc.uow(), tid).indicators[position], period)
    return None if value is None else str(value.text)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


@dataclass
class Browser:
    """A TestClient with the session's CSRF token at hand."""

    client: TestClient
    csrf: str = ""

    def get(
        self, url: str, *, htmx: bool = False, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        sent = {**(HX if htmx else {}), **(headers or {})}
        return self.client.get(url, headers=sent, follow_redirects=False)

    def post(
        self,
        url: str,
        data: dict[str, str] | None = None,
        *,
        htmx: bool = False,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> httpx.Response:
        """A form post with the token in the form, or (htmx) in the header, as htmx sends it."""
        data = dict(data or {})
        headers = {}
        if htmx:
            headers = {**HX, "X-CSRF-Token": self.csrf}
        else:
            data.setdefault("csrf_token", self.csrf)
        return self.client.post(
            url, data=data, files=files, headers=headers, follow_redirects=False
        )

    def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code == 303, response.text
        return self.get(response.headers["location"])


def login(client: TestClient, username: str, password: str = PASSWORD) -> Browser:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    landing = client.get(response.headers["location"])
    return Browser(client, csrf_of(landing.text))


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # name → value

    @property
    def rowspan(self) -> int:
        return int(self.attrs.get("rowspan", "1"))


class _Tables(HTMLParser):
    """Rows of cells of every table with an id, with text, attributes and inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[Cell]]] = {}
        self._stack: list[str] = []
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self._stack.append(a.get("id", ""))
            if a.get("id"):
                self.tables[a["id"]] = []
        elif tag == "tr" and self._stack and self._stack[-1]:
            self._row = []
            self.tables[self._stack[-1]].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = Cell(tag, a)
            self._row.append(self._cell)
        elif tag in ("input", "textarea") and self._cell is not None and "name" in a:
            self._cell.inputs[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag == "tr":
            self._row = None
        elif tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data.strip()


def html_tables(html: str) -> dict[str, list[list[Cell]]]:
    parser = _Tables()
    # A lone row (an htmx fragment) is parsed as a table of its own.
    parser.feed(html if "<table" in html else f'<table id="fragment">{html}</table>')
    return parser.tables


def texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row]


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED))
    return TestClient(create_app(svc, secret_key="test-pages"))


# -- log-in -----------------------------------------------------------------------------


def test_pages_redirect_to_login_and_login_logout(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    response = client.get("/tables/2/history", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2Ftables%2F2%2Fhistory"
    hx = client.get("/?q=x", headers=HX, follow_redirects=False)
    assert hx.headers["HX-Redirect"] == "/login?next=%2F%3Fq%3Dx"

    page = client.get("/login")
    assert "<h1>登录</h1>" in page.text
    bad = client.post(
        "/login",
        data={"username": "danwei", "password": "wrong-password", "csrf_token": csrf_of(page.text)},
    )
    assert bad.status_code == 401
    assert 'id="login-error">用户名或密码错误</div>' in bad.text
    assert 'value="danwei"' in bad.text  # the username is kept
    expired = client.post(
        "/login", data={"username": "danwei", "password": PASSWORD, "csrf_token": "stale"}
    )
    assert expired.status_code == 401 and "页面已过期" in expired.text

    response = client.post(
        "/login",
        data={
            "username": "danwei",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "/tables/2/history",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/tables/2/history"
    home = client.get("/")
    assert 'title="danwei：我的账号、修改密码、API 令牌">演示单位填报</a>' in home.text
    assert '<span class="role-tag">单位填报</span>' in home.text
    assert f'<span class="user-scope">{UNIT}</span>' in home.text
    assert '<a href="/import"' in home.text  # units may import their own tables

    # An external "next" is not followed.
    again = client.get("/login?next=//evil.example/", follow_redirects=False)
    assert again.headers["location"] == "/"

    out = client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert "已退出登录" in client.get("/login").text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_header_shows_role_and_hides_import_from_readers(client: TestClient) -> None:
    renda = login(client, "renda")
    home = renda.get("/")
    assert '<span class="role-tag">人大监督</span>' in home.text
    assert 'href="/import"' not in home.text
    refused = renda.get("/import")
    assert refused.status_code == 403
    assert "角色“人大监督”无权导入" in refused.text
    assert "<html" in refused.text  # an HTML page, not JSON


# -- the list ---------------------------------------------------------------------------


def test_list_filters_and_htmx_partial(client: TestClient, svc: Services) -> None:
    b = login(client, "caizheng")
    page = b.get("/")
    assert "共 <strong>9</strong> 张绩效目标表" in page.text
    rows = html_tables(page.text)
    assert rows == {}  # the results table has no id: read it through its links instead
    assert page.text.count('class="badge badge-draft">草稿</span>') == 9
    assert (
        f'<a class="table-link" href="/tables/{table_id(svc, TRAINING)}">{TRAINING}</a>'
        in page.text
    )
    for control in ('name="q"', 'name="year"', 'name="department"', 'name="status"', 'name="kind"'):
        assert control in page.text
    assert 'hx-get="/"' in page.text and 'hx-push-url="true"' in page.text
    assert '<option value="2023" >2023 年</option>' in page.text
    assert "<option >无锡市人大常委会</option>" in page.text

    partial = b.get("/?q=培训", htmx=True, headers={"HX-Target": "results"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<section id="results"')
    assert "<html" not in partial.text
    assert TRAINING in partial.text and "代表活动经费" not in partial.text
    assert "共 <strong>1</strong> 张" in partial.text

    overall = b.get("/?kind=overall&year=2023", htmx=True, headers={"HX-Target": "results"})
    assert "共 <strong>1</strong> 张" in overall.text and "部门整体" in overall.text

    none = b.get(
        "/?status=approved&department=无锡市人大常委会", htmx=True, headers={"HX-Target": "results"}
    )
    assert "共 <strong>0</strong> 张" in none.text and "没有符合条件的绩效目标表" in none.text

    # A full page keeps the filters chosen (the URL pushed by htmx can be reloaded).
    full = b.get("/?status=draft&kind=project&q=经费")
    assert '<option value="draft" selected>草稿</option>' in full.text
    assert '<option value="project" selected>项目</option>' in full.text
    assert 'value="经费"' in full.text
    assert "共 <strong>5</strong> 张" in full.text
    # Nonsense filters are ignored rather than refused.
    assert b.get("/?year=abc&status=nope&page=-3").status_code == 200


# -- the official layouts ---------------------------------------------------------------


def test_project_page_has_the_official_layout_with_merged_cells(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, TRAINING)
    b = login(client, "caizheng")
    page = b.get(f"/tables/{tid}")
    assert page.status_code == 200
    html = page.text
    assert '<h2 class="official-title">项目支出绩效目标表</h2>' in html
    assert "（2023年度）" in html
    head = [texts(r) for r in html_tables(html)["indicator-table"]]
    assert head[0] == ["一级指标", "二级指标", "三级指标", "半年（程）指标值", "全年（程）指标值"]
    rows = html_tables(html)["indicator-table"][1:]
    # 产出指标 spans its three rows; each level 2 has one row; 满意度 is printed as in the seed.
    assert [(c.text, c.rowspan) for c in rows[0][:2]] == [("产出指标", 3), ("数量指标", 1)]
    assert texts(rows[0])[2:] == ["人大代表履职培训情况", "＝200人次", "＝461人次"]
    assert texts(rows[1]) == ["质量指标", "按要求开展人大代表履职培训", "＝100%", "＝100%"]
    assert texts(rows[2])[0] == "时效指标"
    assert texts(rows[3]) == [
        "满意度",
        "服务对象满意度",
        "参加履职培训的人大代表满意度",
        "≥90%",
        "≥90%",
    ]
    assert rows[3][0].attrs["title"] == "规范名称：满意度指标"
    # Provenance of each value as a tooltip: file, page, line.
    assert rows[0][3].attrs["title"].startswith("来源：000_782886cd0aa7e389.txt 第 2 页 第 119 行")
    assert "识别为：＝461人次（定量）" in rows[0][4].attrs["title"]
    # The header fields of the form.
    head_html = html[html.index("official-head") : html.index("indicator-table")]
    for expected in ("项目名称", TRAINING, "主管部门", "无锡市人大常委会", "实施单位", UNIT):
        assert expected in head_html
    assert '<th scope="row">开始时间</th><td>2022年</td>' in head_html
    assert '<th scope="row">完成时间</th><td>2024年</td>' in head_html
    assert "第 1 版" in head_html and "草稿" in head_html
    assert "长期指标值" not in html  # no long-term value in the seed
    # 人大监督 reads and comments, nothing else.
    assert "编辑</a>" not in html and "操作</th>" not in html
    assert 'id="btn-comment"' in html
    assert not any(f'id="btn-{b}"' in html for b in ("submit", "review", "approve", "adjust"))


def test_overall_page_merges_functions_over_their_work_items(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, UNIT)
    b = login(client, "zhuguan")
    html = b.get(f"/tables/{tid}").text
    assert '<h2 class="official-title">部门整体支出绩效目标表</h2>' in html
    rows = html_tables(html)["goal-table"]
    assert texts(rows[0]) == [
        "序号（代码）",
        "职能（二级专项）",
        "工作及项目名称",
        "年度目标",
        "2023年目标值",
    ]
    body = rows[1:]
    assert len(body) == 13
    lead = [(r[0].text, r[0].rowspan) for r in body if r[0].attrs.get("class") == "c-seq"]
    assert lead == [("1", 1), ("2", 2), ("3", 1), ("4", 2), ("5", 3), ("6", 3), ("7", 1)]
    assert body[1][1].text == "领导或者主持本级人民代表大会的选举" and body[1][1].rowspan == 2
    assert texts(body[2]) == [
        "依法确定年度发展目标",
        "通过决议确定年度国民经济发展目标任务和地方预算安排",
        "100%",
    ]
    assert texts(body[11])[-1] == "430件"
    assert "第 1 页" in body[0][4].attrs["title"]


def test_unparseable_and_long_term_values_are_shown_with_their_reason(
    client: TestClient, svc: Services
) -> None:
    doc = Document(
        fiscal_year=2023,
        projects=(
            Project(
                name="信息化运维（多年期）",
                department="无锡市人大常委会",
                unit=UNIT,
                fiscal_year=2023,
                start_year=2023,
                end_year=2025,
                indicators=(
                    Indicator(
                        "产出指标",
                        "数量指标",
                        "系统运维次数",
                        half_year=parse_value("≥**次"),
                        full_year=parse_value("≥12次"),
                        long_term=parse_value("≥36次"),
                    ),
                ),
            ),
        ),
    )
    tables.import_document(svc.uow(), SYSTEM, doc)
    b = login(client, "danwei")
    html = b.get(f"/tables/{table_id(svc, '信息化运维（多年期）')}").text
    rows = html_tables(html)["indicator-table"]
    assert "长期指标值" in texts(rows[0])
    half = rows[1][3]
    assert "unparsed" in half.attrs["class"]
    assert half.text == "≥**次无法识别：占位符未填写：≥**次"
    assert "在系统中录入" in half.attrs["title"] and "无法识别：占位符未填写" in half.attrs["title"]
    assert texts(rows[1])[4:6] == ["≥12次", "≥36次"]


# -- inline editing ---------------------------------------------------------------------


def test_inline_edit_swaps_the_row_and_saves(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    b = login(client, "danwei")
    page = b.get(f"/tables/{tid}").text
    first = tables.get_table(svc.uow(), tid).indicators[0]
    assert f'hx-get="/tables/{tid}/indicators/{first.id}/edit" hx-target="closest tr"' in page

    edit = b.get(f"/tables/{tid}/indicators/{first.id}/edit", htmx=True)
    assert edit.status_code == 200
    assert edit.text.startswith(f'<tr id="indicators-{first.id}" class="data-row editing">')
    row = html_tables(edit.text)["fragment"][0]
    # The merged cells stay (this is the first row of its groups); then the inputs.
    assert [(c.text, c.rowspan) for c in row[:2]] == [("产出指标", 3), ("数量指标", 1)]
    assert row[2].inputs == {"name": "人大代表履职培训情况"}
    assert row[3].inputs == {"half_year": "＝200人次"}
    assert row[4].inputs == {"full_year": "＝461人次"}
    assert row[5].inputs["lock"] == str(first.lock)
    assert f'form="edit-indicators-{first.id}"' in edit.text

    saved = b.post(
        f"/tables/{tid}/indicators/{first.id}",
        {
            "name": "人大代表履职培训情况",
            "half_year": "＝200人次",
            "full_year": "＝480人次",
            "lock": str(first.lock),
        },
        htmx=True,
    )
    assert saved.status_code == 200
    assert "jx-flash" in saved.headers["HX-Trigger"]
    row = html_tables(saved.text)["fragment"][0]
    assert texts(row)[:5] == [
        "产出指标",
        "数量指标",
        "人大代表履职培训情况",
        "＝200人次",
        "＝480人次",
    ]
    assert row[4].attrs["title"].startswith("在系统中录入")
    assert (
        row[3].attrs["title"].startswith("来源：000_782886cd0aa7e389.txt")
    )  # unchanged value keeps its source
    assert value_text(svc, tid, 0, "full_year") == "＝480人次"

    # Without JavaScript the same links give the whole page, the row in edit mode.
    plain = b.get(f"/tables/{tid}/indicators/{first.id}/edit")
    assert (
        "<html" in plain.text
        and f'<tr id="indicators-{first.id}" class="data-row editing">' in plain.text
    )

    # Cancel: the display row again.
    cancel = b.get(f"/tables/{tid}/indicators/{first.id}", htmx=True)
    assert "＝480人次" in cancel.text and "editing" not in cancel.text


def test_inline_edit_shows_errors_at_the_field(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    first = tables.get_table(svc.uow(), tid).indicators[0]
    b = login(client, "danwei")
    url = f"/tables/{tid}/indicators/{first.id}"
    bad = b.post(
        url,
        {
            "name": "人大代表履职培训情况",
            "half_year": "＝200人次",
            "full_year": "大约五百",
            "lock": str(first.lock),
        },
        htmx=True,
    )
    assert bad.status_code == 422
    fid = f"edit-indicators-{first.id}"
    match = re.search(
        rf'<div class="field-error" id="{fid}-full_year-error" role="alert">([^<]+)</div>', bad.text
    )
    assert match and match.group(1).startswith("指标值“大约五百”无法识别")
    assert f'id="{fid}-full_year" name="full_year" form="{fid}" value="大约五百"' in bad.text
    assert 'aria-invalid="true" aria-describedby="' + fid + '-full_year-error"' in bad.text
    # The error is at its field only.
    assert f"{fid}-name-error" not in bad.text and f"{fid}-half_year-error" not in bad.text

    empty = b.post(url, {"name": " ", "full_year": "＝461人次", "lock": str(first.lock)}, htmx=True)
    assert empty.status_code == 422
    assert f'id="{fid}-name-error" role="alert">三级指标名称不能为空</div>' in empty.text
    assert tables.get_table(svc.uow(), tid).indicators[0].lock == first.lock  # nothing saved

    # Without htmx the whole page comes back with the row in edit mode.
    plain = b.post(url, {"name": "X", "full_year": "？？", "lock": str(first.lock)})
    assert plain.status_code == 422
    assert "<html" in plain.text and f"{fid}-full_year-error" in plain.text


def test_inline_edit_conflict_keeps_the_input_and_shows_stored_values(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, TRAINING)
    b = login(client, "danwei")
    first = tables.get_table(svc.uow(), tid).indicators[0]
    edit = b.get(f"/tables/{tid}/indicators/{first.id}/edit", htmx=True)
    lock = html_tables(edit.text)["fragment"][0][5].inputs["lock"]

    # Meanwhile someone else saves the row.
    danwei = users.actor(svc.uow(), "danwei")
    assert danwei is not None
    tables.save_indicator(
        svc.uow(),
        danwei,
        tid,
        {"full_year": "＝500人次"},
        indicator_id=first.id,
        expected_lock=first.lock,
    )

    mine = {
        "name": "人大代表履职培训情况",
        "half_year": "＝250人次",
        "full_year": "＝480人次",
        "lock": lock,
    }
    stale = b.post(f"/tables/{tid}/indicators/{first.id}", mine, htmx=True)
    assert stale.status_code == 409
    assert "此指标已被他人修改" in stale.text
    assert "已被 danwei 于" in stale.text and "您的修改未保存" in stale.text
    row = html_tables(stale.text)["fragment"][0]
    # The user's input is kept; the stored values are shown at each field.
    assert row[3].inputs == {"half_year": "＝250人次"} and "现为：＝200人次" in row[3].text
    assert row[4].inputs == {"full_year": "＝480人次"} and "现为：＝500人次" in row[4].text
    current_lock = tables.get_table(svc.uow(), tid).indicators[0].lock
    assert row[5].inputs["lock"] == str(current_lock) != lock
    assert value_text(svc, tid, 0, "full_year") == "＝500人次"

    # Saving again, after seeing the stored values, replaces them deliberately.
    again = b.post(
        f"/tables/{tid}/indicators/{first.id}", {**mine, "lock": str(current_lock)}, htmx=True
    )
    assert again.status_code == 200
    assert texts(html_tables(again.text)["fragment"][0])[3:5] == ["＝250人次", "＝480人次"]

    # A row deleted meanwhile: the whole table comes back (retargeted), saying so.
    row = tables.get_table(svc.uow(), tid).indicators[0]
    tables.delete_indicator(svc.uow(), danwei, tid, row.id, row.lock)
    gone = b.post(f"/tables/{tid}/indicators/{row.id}", {**mine, "lock": str(row.lock)}, htmx=True)
    assert gone.status_code == 409
    assert gone.headers["HX-Retarget"] == "#targets"
    assert f"指标 {row.id} 不存在，您的修改未保存" in gone.text
    assert len(html_tables(gone.text)["indicator-table"]) == 4  # header + three rows


def test_add_and_delete_indicator(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    b = login(client, "danwei")
    url = f"/tables/{tid}/indicators"
    wrong = b.post(
        url,
        {
            "level1": "效益指标",
            "level2": "数量指标",
            "name": "培训覆盖率",
            "half_year": "",
            "full_year": "≥95%",
        },
        htmx=True,
    )
    assert wrong.status_code == 422
    assert wrong.text.lstrip().startswith('<section id="targets"')
    assert (
        'id="add-level2-error" role="alert">二级指标“数量指标”不属于一级指标“效益指标”'
        in wrong.text
    )
    assert 'value="培训覆盖率"' in wrong.text  # what was typed stays
    assert '<details class="add-row no-print" open>' in wrong.text

    added = b.post(
        url,
        {
            "level1": "效益指标",
            "level2": "社会效益指标",
            "name": "培训覆盖率",
            "half_year": "",
            "full_year": "≥95%",
        },
        htmx=True,
    )
    assert added.status_code == 200 and "jx-flash" in added.headers["HX-Trigger"]
    rows = html_tables(added.text)["indicator-table"][1:]
    assert len(rows) == 5
    # The new level-1 group gets its own merged cells, before 满意度 is unchanged.
    assert [(c.text, c.rowspan) for c in rows[4][:2]] == [("效益指标", 1), ("社会效益指标", 1)]
    assert texts(rows[4])[2:5] == ["培训覆盖率", "", "≥95%"]

    new = tables.get_table(svc.uow(), tid).indicators[-1]
    deleted = b.post(f"{url}/{new.id}/delete", {"lock": str(new.lock)}, htmx=True)
    assert deleted.status_code == 200
    assert "培训覆盖率" not in deleted.text
    assert len(html_tables(deleted.text)["indicator-table"]) == 5
    gone = b.post(f"{url}/{new.id}/delete", {"lock": str(new.lock)}, htmx=True)
    assert gone.status_code == 409 and "不存在" in gone.text

    # The delete button asks first.
    page = b.get(f"/tables/{tid}").text
    assert 'hx-confirm="确定删除指标“人大代表履职培训情况”吗？' in page


def test_goal_inline_edit(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, UNIT)
    b = login(client, "danwei")
    goal = tables.get_table(svc.uow(), tid).goals[0]
    edit = b.get(f"/tables/{tid}/goals/{goal.id}/edit", htmx=True)
    row = html_tables(edit.text)["fragment"][0]
    assert row[0].text == "1" and row[1].text.startswith("在本行政地域内")
    assert row[2].inputs == {"work": ""}  # a textarea: its text is the value
    assert "组织开展执法检查或听取法规实施情况报告</textarea>" in edit.text
    assert row[4].inputs == {"target": "2次"}

    saved = b.post(
        f"/tables/{tid}/goals/{goal.id}",
        {"work": goal.work, "goal": goal.goal, "target": "3次", "lock": str(goal.lock)},
        htmx=True,
    )
    assert saved.status_code == 200
    assert texts(html_tables(saved.text)["fragment"][0])[:5] == [
        "1",
        goal.function,
        goal.work,
        goal.goal,
        "3次",
    ]
    empty = b.post(
        f"/tables/{tid}/goals/{goal.id}",
        {"work": "", "goal": goal.goal, "target": "3次", "lock": str(goal.lock + 1)},
        htmx=True,
    )
    assert empty.status_code == 422 and "工作及项目名称不能为空" in empty.text

    added = b.post(
        f"/tables/{tid}/goals",
        {
            "seq": "8",
            "function": "加强自身建设",
            "work": "开展履职学习",
            "goal": "提升履职能力",
            "target": "≥4次",
        },
        htmx=True,
    )
    assert added.status_code == 200
    last = html_tables(added.text)["goal-table"][-1]
    assert texts(last)[:5] == ["8", "加强自身建设", "开展履职学习", "提升履职能力", "≥4次"]
    missing = b.post(
        f"/tables/{tid}/goals",
        {"seq": "9", "function": "", "work": "x", "goal": "y", "target": "1次"},
        htmx=True,
    )
    assert missing.status_code == 422
    assert 'id="add-function-error" role="alert">职能不能为空</div>' in missing.text


def test_editing_is_refused_to_those_who_may_not(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    first = tables.get_table(svc.uow(), tid).indicators[0]
    b = login(client, "caizheng")
    refused = b.get(f"/tables/{tid}/indicators/{first.id}/edit", htmx=True)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/plain")
    assert refused.text == "角色“财政审核”无权编辑"
    post = b.post(
        f"/tables/{tid}/indicators/{first.id}",
        {"name": "x", "full_year": "＝1人次", "lock": str(first.lock)},
        htmx=True,
    )
    assert post.status_code == 403 and "无权编辑" in post.text
    assert b.get("/tables/99999").status_code == 404
    assert "绩效目标表 99999 不存在" in b.get("/tables/99999").text

"""Who may read what, through the API and the pages: every role against every read.

Beside the write matrix (tests/web/api/test_matrix.py).  The expected answers are written out from
the read policy (docs/security.md, "Who reads what"), not taken from services.access:

* 单位填报: its own unit's tables only — drafts, history, versions, actuals, downloads;
* 主管部门审核: the tables of its own department's units only;
* 财政审核, 管理员: every table;
* 人大监督, 审计: approved (已批复) tables only, and every approved version;
* a unit's pages (evaluation, monitoring, forms): the unit, its department, and the roles
  that read across units.

A refusal is 403 (PermissionDenied) — or, for a unit user on the oversight pages, the
redirect to its own page; a listing or download that leaves the table out counts as a
refusal too.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote, urlencode

import httpx
import pytest
from sqlalchemy import select

from jixiao.domain.workflow import Role, Status
from jixiao.interchange.actuals import loads_actuals
from jixiao.services import Services, actuals, demo, oversight
from jixiao.store.models import AuditRow
from tests.web.api.support import (
    OTHER_DEPARTMENT,
    PEOPLE,
    SEED_DEPARTMENT,
    SEED_UNIT,
    World,
    make_world,
)

ROLES = tuple(PEOPLE)  # unit, unit_other, department, department_other, finance, ...

Y, N = True, False
# fmt: off
#              unit unit_other department department_other finance congress audit admin
DRAFT =    dict(zip(ROLES, (Y, N, Y, N, Y, N, N, Y), strict=True))
APPROVED = dict(zip(ROLES, (Y, N, Y, N, Y, Y, Y, Y), strict=True))
UNIT =     dict(zip(ROLES, (Y, N, Y, N, Y, Y, Y, Y), strict=True))
# fmt: on

#: Reads of one table: (name, URL pattern); {t} is the table's id.
TABLE_READS = (
    ("api detail", "/api/tables/{t}"),
    ("api history", "/api/tables/{t}/history"),
    ("api findings", "/api/tables/{t}/findings"),
    ("api actuals", "/api/tables/{t}/actuals/full_year"),
    ("api evaluation", "/api/tables/{t}/evaluation"),
    ("page", "/tables/{t}"),
    ("history page", "/tables/{t}/history"),
    ("actuals page", "/tables/{t}/actuals/half_year"),
    ("download", "/tables/{t}/export.json"),
    ("history download", "/tables/{t}/history.csv"),
    ("oversight page", "/oversight/tables/{t}"),
    ("oversight download", "/oversight/tables/{t}.csv"),
)
#: Reads of an approved version.
VERSION_READS = (
    ("api version", "/api/tables/{t}/versions/1"),
    ("version page", "/tables/{t}/versions/1"),
    ("version download", "/tables/{t}/versions/1/export.json"),
)
UNIT_READS = (
    ("api unit evaluation", "/api/units/{u}/evaluation?year=2023"),
    ("api unit monitoring", "/api/units/{u}/monitoring?year=2023"),
    ("unit page", "/units/{u}/performance?year=2023"),
    ("unit template", "/units/{u}/actuals-template.xlsx?year=2023&period=full_year"),
)


def _allowed(response: httpx.Response, what: str, who: str) -> bool:
    if response.status_code == 200:
        return True
    if response.status_code == 303 and PEOPLE[who][1] is Role.UNIT:
        assert response.headers["location"] == "/performance", (what, who)
        return False  # a unit is sent to its own page from the oversight views
    assert response.status_code == 403, (what, who, response.status_code, response.text[:300])
    return False


@pytest.fixture
def world(svc: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    world = make_world(svc, monkeypatch)
    world.bring_to(world.projects[1], Status.APPROVED)
    return world


def _matrix(world: World, reads: tuple[tuple[str, str], ...], table_id: int) -> list[str]:
    expected = APPROVED if table_id == world.projects[1] else DRAFT
    wrong = []
    for what, pattern in reads:
        url = pattern.format(t=table_id)
        for who in ROLES:
            got = _allowed(world.get(who, url, follow_redirects=False), what, who)
            # The oversight views are the overseers': a unit reads its tables elsewhere.
            want = expected[who] and not (what.startswith("oversight") and who == "unit")
            if got != want:
                wrong.append(f"{what} {url} by {who}: {'allowed' if got else 'refused'}")
    return wrong


def test_reads_of_a_draft_table(world: World) -> None:
    assert not _matrix(world, TABLE_READS, world.projects[0])


def test_reads_of_an_approved_table_and_its_version(world: World) -> None:
    assert not _matrix(world, TABLE_READS + VERSION_READS, world.projects[1])


def test_reads_of_a_unit(world: World) -> None:
    wrong = []
    for what, pattern in UNIT_READS:
        url = pattern.format(u=quote(SEED_UNIT))
        for who in ROLES:
            got = _allowed(world.get(who, url, follow_redirects=False), what, who)
            if got != UNIT[who]:
                wrong.append(f"{what} by {who}: {'allowed' if got else 'refused'}")
    assert not wrong, "\n".join(wrong)


def test_listings_and_list_downloads_hold_to_the_scope(world: World) -> None:
    draft, approved = world.projects[0], world.projects[1]
    for who in ROLES:
        listed = {t["id"] for t in world.get(who, "/api/tables").json()["items"]}
        assert (draft in listed, approved in listed) == (DRAFT[who], APPROVED[who]), who
        page = world.get(who, "/").text
        assert (f'href="/tables/{draft}"' in page) is DRAFT[who], who
        csv = world.get(who, "/list.csv").text
        assert (f"\n{draft}," in csv) is DRAFT[who], who
        assert (f"\n{approved}," in csv) is APPROVED[who], who


def test_refusals_say_why_in_chinese(world: World) -> None:
    draft = world.projects[0]
    other_unit = world.get("unit_other", f"/api/tables/{draft}").json()["detail"]
    assert other_unit == "只能查看本单位（无锡市某某局）的绩效目标表"
    other_department = world.get("department_other", f"/api/tables/{draft}/history").json()
    assert other_department["detail"] == "只能查看本部门（无锡市某某委员会）所属单位的绩效目标表"
    congress = world.get("congress", f"/api/tables/{draft}/actuals/full_year").json()
    assert (
        congress["detail"] == "角色“人大监督”只能查看已批复的绩效目标表（该表尚未批复或正在调整）"
    )


def test_downloads_are_audited_with_who_asked(world: World) -> None:
    def last() -> AuditRow:
        with world.svc.session() as s:
            found = s.execute(select(AuditRow).order_by(AuditRow.seq.desc())).scalars().first()
        assert found is not None
        return found

    world.get("unit_other", "/api/me")  # its token's first use is audited (once)
    url = f"/tables/{world.projects[0]}/export.json"
    assert world.get("unit", url).status_code == 200
    entry = last()
    assert (entry.actor, entry.action, entry.entity) == ("danwei", "download", "download")
    assert entry.after == {"path": url, "query": ""}
    assert world.get("unit_other", url).status_code == 403  # a refusal sends no file
    assert last().seq == entry.seq
    listed = world.get("finance", "/list.csv?year=2023")
    assert listed.status_code == 200
    assert (last().actor, last().after) == ("caizheng", {"path": "/list.csv", "query": "year=2023"})


def test_an_approved_version_stays_readable_while_its_table_is_adjusted(world: World) -> None:
    table_id = world.projects[1]
    world.bring_to(table_id, Status.DRAFT)  # adjusted: version 2 is a draft
    for who in ("congress", "audit"):
        assert world.get(who, f"/api/tables/{table_id}").status_code == 403, who
        page = world.get(who, f"/tables/{table_id}/versions/1")
        assert page.status_code == 200, (who, page.text[:300])
        assert "第 1 版（已批复，只读）" in page.text and "查看当前目标表" not in page.text
        assert world.get(who, f"/tables/{table_id}/versions/1/export.json").status_code == 200
        assert world.get(who, f"/api/tables/{table_id}/versions/1").status_code == 200
    finance = world.get("finance", f"/tables/{table_id}/versions/1").text
    assert "当前为第 2 版（草稿）" in finance


# -- the oversight dashboard: every figure within the reader's scope -----------------------

#: Whose tables each role's oversight figures cover, written out from the read policy as
#: the filter 财政 (who reads every table) would choose to see the same tables.  A unit is
#: sent to its own page.
OVERSIGHT_SCOPE: dict[str, dict[str, str] | None] = {
    "unit": None,
    "unit_other": None,
    "department": {"department": SEED_DEPARTMENT},
    "department_other": {"department": OTHER_DEPARTMENT},
    "finance": {},
    "congress": {"status": "approved"},  # drafts, reviews and adjustments count nowhere
    "audit": {"status": "approved"},
    "admin": {},
}

#: Every oversight view whose figures are computed over many tables: (name, path, query).
OVERSIGHT_VIEWS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("dashboard", "/oversight", {}),
    ("dashboard of a department", "/oversight", {"department": SEED_DEPARTMENT}),
    ("dashboard of a unit", "/oversight", {"unit": SEED_UNIT}),
    ("findings page", "/oversight/findings", {}),
    ("warnings page", "/oversight/findings", {"source": "warning"}),
    ("overview.csv", "/oversight/overview.csv", {}),
    ("overview of a unit.csv", "/oversight/overview.csv", {"unit": SEED_UNIT}),
    ("departments.csv", "/oversight/departments.csv", {}),
    ("units.csv", "/oversight/units.csv", {"department": SEED_DEPARTMENT}),
    ("codes.csv", "/oversight/codes.csv", {}),
    ("findings.csv", "/oversight/findings.csv", {}),
    ("warnings.csv", "/oversight/warnings.csv", {}),
    ("yoy.csv", "/oversight/yoy.csv", {}),
    ("overview.xlsx", "/oversight/overview.xlsx", {}),
    *(
        (f"projects page by {order}", "/oversight/projects", {"order": order})
        for order in oversight.ORDERS
    ),
    *(
        (f"projects.csv by {order}", "/oversight/projects.csv", {"order": order})
        for order in oversight.ORDERS
    ),
)

_FILTER_FORM = re.compile(r'<form class="filters.*?</form>', re.S)
_DRILL_BASE = re.compile(r'<script type="application/json" id="drill-base">.*?</script>', re.S)
_QUERY = re.compile(r'\?[^"\']*(["\'])')


@pytest.fixture
def watched(svc: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    """The seed approved with its example checkpoint and year-end actuals, then half of
    its projects adjusted (调整): drafts again, with lights, scores and warnings that count
    for whoever may read drafts."""
    world = make_world(svc, monkeypatch)
    for table_id in (world.overall, *world.projects):
        world.bring_to(table_id, Status.APPROVED)
    reporter = world.actor("unit")
    for path in demo.example_actuals():
        report = loads_actuals(path.read_bytes(), where=path.name)
        actuals.save_document(svc.uow(), reporter, report, where=path.name)
    for table_id in world.projects[1::2]:  # the second has red lights and warnings
        world.bring_to(table_id, Status.DRAFT)
    return world


def _figures(response: httpx.Response) -> object:
    """What a view shows, without the parts that name the filter itself (the filter
    form, the query strings of its links): a page's content, or a download's cells."""
    assert response.status_code == 200, (response.url, response.text[:300])
    kind = response.headers["content-type"]
    if "spreadsheet" in kind:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        assert sheet is not None
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if kind.startswith("text/html"):
        main = response.text.split('<main class="wrap main">', 1)[1].split("</main>", 1)[0]
        main = _DRILL_BASE.sub("", _FILTER_FORM.sub("", main))
        return _QUERY.sub(r"\1", main)
    return response.text


def _view(world: World, who: str, path: str, query: dict[str, str]) -> httpx.Response:
    url = f"{path}?{urlencode(query)}" if query else path
    return world.get(who, url, follow_redirects=False)


def test_oversight_figures_count_only_the_tables_a_role_may_read(watched: World) -> None:
    """Every count, sum, ranking, list, chart and download of the oversight dashboard, as
    each role sees it, equals what 财政 sees when it chooses the tables that role may read:
    人大 and 审计 approved tables only (a draft in any figure of theirs fails), a
    主管部门 its own department's, all states.  Drafts must change the figures, so that
    a leak would show."""
    unchanged = set()
    for what, path, query in OVERSIGHT_VIEWS:
        everything = _figures(_view(watched, "finance", path, query))
        approved = _figures(_view(watched, "finance", path, {**query, "status": "approved"}))
        if everything == approved:
            unchanged.add(what)
        for who, scope in OVERSIGHT_SCOPE.items():
            seen = _view(watched, who, path, query)
            if scope is None:
                assert seen.status_code == 303, (what, who)
                assert seen.headers["location"] == "/performance", (what, who)
                continue
            held = {**query, **scope}
            assert _figures(seen) == _figures(_view(watched, "finance", path, held)), (what, who)
    # The adjusted projects (4 of the seed's 8, with lights, scores and warnings) change
    # every view's figures — but the ranking by funds, which no seed project states — so
    # the comparison above tells a leak from a correct answer.
    assert unchanged == {"projects page by funds", "projects.csv by funds"}


def test_oversight_shows_congress_and_audit_no_draft(watched: World) -> None:
    draft = watched.projects[1]
    for who in ("congress", "audit"):
        for what, path, query in OVERSIGHT_VIEWS:
            body = _view(watched, who, path, query)
            assert body.status_code == 200, (what, who)
            if body.headers["content-type"].startswith("text/html"):
                assert f"/oversight/tables/{draft}" not in body.text, (what, who)
        listed = _view(watched, who, "/oversight/projects.csv", {"order": "id"}).text
        ids = {int(line.split(",", 1)[0]) for line in listed.splitlines()[1:]}
        assert ids == set(watched.projects[::2]), who  # the approved ones, no adjusted one
        drafts = _view(watched, who, "/oversight/overview.csv", {"status": "draft"}).text
        assert drafts.splitlines()[1].split(",")[1] == "0", who  # no project
        page = _view(watched, who, "/oversight", {}).text
        assert '<option value="draft"' not in page, who  # nothing to choose there
    finance = _view(watched, "finance", "/oversight/projects.csv", {"order": "id"}).text
    assert f"\n{draft}," in finance


def test_oversight_of_another_department_shows_nothing(watched: World) -> None:
    for who, found in (("department_other", 0), ("department", 8)):
        listed = _view(watched, who, "/oversight/projects.csv", {"unit": SEED_UNIT}).text
        assert len(listed.splitlines()) == 1 + found, who

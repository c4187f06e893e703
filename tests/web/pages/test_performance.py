"""The monitoring (运行监控) and self-evaluation (绩效自评) pages.

Every number a page shows is checked against ``services.actuals`` (the same code the CLI
and the official workbooks use), and the workbooks against the pages: the same numbers
three ways.  Saving is all or nothing, so every refusal checks that nothing changed.

Runs in-process (TestClient) on SQLite and PostgreSQL (the ``svc`` fixture), with the demo
set up with its actuals: every table approved, the example checkpoint and year-end actuals
of 2023 loaded.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from jixiao.domain.monitoring import LIGHT_LABELS, Light
from jixiao.domain.workflow import Actor, Role
from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Services, demo, tables, users
from jixiao.services import actuals as performance
from jixiao.store.models import ActualReportRow, TargetTableRow
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import (
    PASSWORD,
    TRAINING,
    UNIT,
    Browser,
    cheap_passwords,
    html_tables,
    login,
    table_id,
)
from tests.web.pages.test_workflow import flash

ACTIVITIES = "代表活动经费"  # a red light at the checkpoint; 95% of one target at year end
TRAINED = "人大代表履职培训情况"  # quantitative, target ＝461人次, reported ＝470人次
UNIT_Q = quote(UNIT, safe="")
YEAR = 2023
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OTHER_UNIT = "常州市新北区教育局"


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED), with_actuals=True)
    return TestClient(create_app(svc, secret_key="test-performance"))


# -- helpers ----------------------------------------------------------------------------


def scheme(client: TestClient) -> Any:
    return client.app.state.scoring_scheme  # type: ignore[attr-defined]


def monitoring(client: TestClient) -> Any:
    return client.app.state.monitoring_config  # type: ignore[attr-defined]


class _FormFields(HTMLParser):
    """The fields of one form as a browser posts them (disabled ones left out)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.disabled: list[str] = []  # names of disabled controls
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: str | None = None  # the select whose selected option has no value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside or tag not in ("input", "textarea", "select", "option"):
            return
        if tag == "option":
            if self._select is not None and "selected" in a:
                if "value" in a:
                    self.fields[self._select] = a["value"]
                else:  # <option selected>其他</option> posts its text
                    self._option = self._select
            return
        name = a.get("name")
        if not name:
            return
        if "disabled" in a:
            self.disabled.append(name)
            return
        if tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self._select = name
            self.fields[name] = ""
        elif a.get("type") == "checkbox":
            if "checked" in a:
                self.fields[name] = a.get("value", "on")
        else:
            self.fields[name] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data
        elif self._option is not None:
            self.fields[self._option] += data


def form_fields(html: str, form_id: str = "actuals-form") -> _FormFields:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser


def row_ids(html: str) -> dict[str, int]:
    """Indicator (or work item) name → row id, from the actuals table."""
    found = {}
    for k, body in re.findall(r'<tr id="row-(\d+)"[^>]*>(.*?)</tr>', html, re.S):
        name = re.search(r'<td class="strong">([^<]*)</td>', body)
        assert name, body
        found[htmllib.unescape(name.group(1))] = int(k)
    return found


def scored_rows(html: str) -> list[tuple[str, str, str, bool]]:
    """(name, 分值, 得分, 人工) of each row of the year-end actuals table, as shown."""
    rows = []
    for _, body in re.findall(r'<tr id="row-(\d+)"[^>]*>(.*?)</tr>', html, re.S):
        name = re.search(r'<td class="strong">([^<]*)</td>', body)
        weight = re.search(r'<td class="num">([^<]*)</td>', body)
        score = re.search(r'class="num score-cell"[^>]*>(?:<strong>([^<]*)</strong>)?', body)
        assert name and weight and score, body
        rows.append(
            (
                htmllib.unescape(name.group(1)),
                weight.group(1),
                score.group(1) or "",
                '<span class="badge badge-new">人工</span>' in body,
            )
        )
    return rows


def by_id(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(?:<strong>)?([^<]*)<', html)
    assert match, f"no #{element_id} on the page"
    return match.group(1).strip()


def section(html: str, element_id: str) -> str:
    """The HTML from the element with this id to the end of its table or section."""
    start = html.index(f'id="{element_id}"')
    ends = [html.find(tag, start) for tag in ("</table>", "</section>")]
    return html[start : min(e for e in ends if e != -1)]


def problems(html: str, element_id: str = "problems") -> list[str]:
    """The problems listed in the alert with this id."""
    start = html.index(f'id="{element_id}"')
    block = html[start : html.index("</ul>", start)]
    return [htmllib.unescape(p) for p in re.findall(r"<li>([^<]*)</li>", block)]


def points(value: float) -> str:
    return f"{value:.2f}"


def shown(item: Any) -> tuple[str, str]:
    """An indicator score as the page and the workbook show it: 分值, 得分."""
    if not item.applicable:
        return "—", "—"
    return points(item.weight), points(item.score)


def light_counts(html: str) -> dict[Light, int]:
    block = section(html, "actuals-table")
    return {light: block.count(f'class="light light-{light.value}"') for light in Light}


def snapshot(svc: Services, period: str = "full_year") -> dict[int, Any]:
    """Every table's stored report of the period (to show that nothing changed)."""
    summaries, _ = tables.list_tables(svc.uow(), tables.TableFilter(limit=1000))
    return {s.id: performance.report(svc.uow(), s.id, period) for s in summaries}


def saves(svc: Services, tid: int, action: str = "actuals.save") -> list[str]:
    """Who made each audited ``action`` on the table, newest first."""
    return [e.actor for e in tables.history(svc.uow(), tid) if e.action == action]


def actual_text(svc: Services, tid: int, name: str, period: str = "full_year") -> str | None:
    report = performance.report(svc.uow(), tid, period)
    assert report is not None
    item = next(i for i in report.indicators if i.indicator == name)
    return None if item.value is None else str(item.value.text)


def add_other_unit_user(svc: Services) -> None:
    users.add_user(
        svc.uow(),
        SYSTEM.username,
        "qita",
        PASSWORD,
        Role.UNIT,
        display_name="其他单位填报",
        unit=OTHER_UNIT,
    )


def sheet_rows(ws: Worksheet, **match: str) -> int:
    """The row of the template sheet whose columns (named by row-1 headers) match."""
    headers = [c.value for c in ws[1]]
    cols = {name: headers.index(name) for name in match}
    for row in ws.iter_rows(min_row=2):
        if all(row[cols[n]].value == v for n, v in match.items()):
            return row[0].row
    raise AssertionError(f"no row {match} in sheet {ws.title}")


def column(ws: Worksheet, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def xlsx_bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- the project page -------------------------------------------------------------------


def test_project_page_links_to_actuals_only_once_approved(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, TRAINING)
    evaluation = performance.evaluate_table(svc.uow(), tid, scheme(client))
    assert evaluation.score is not None

    b = login(client, "danwei")
    page = b.get(f"/tables/{tid}").text
    assert f'href="/tables/{tid}/actuals/full_year" id="link-self-evaluation">填报绩效自评</a>' in (
        page
    )
    assert f'href="/tables/{tid}/actuals/half_year" id="link-monitoring">填报运行监控</a>' in page
    assert f'id="table-score">自评得分 <strong>{points(evaluation.score.total)}</strong> 分' in page
    # The checkpoint's lights too (the example reports this project at the checkpoint).
    monitor = performance.monitor_table(svc.uow(), tid, monitoring(client))
    assert monitor is not None
    lights = re.search(r'id="table-monitor">(.*?)</p>', page, re.S)
    assert lights
    assert f"第 {monitor.month} 月" in lights[1]
    assert f'light-{monitor.execution_light.value}">' in lights[1]
    for light, n in monitor.lights.items():
        assert (f'light-{light.value}">{LIGHT_LABELS[light]}</span>×{n}' in lights[1]) == bool(n)
    overall = b.get(f"/tables/{table_id(svc, UNIT)}").text
    assert 'id="link-self-evaluation">填报绩效自评</a>' in overall
    assert 'id="link-monitoring"' not in overall  # monitoring is per project
    b.post("/logout")
    renda = login(client, "renda")
    assert 'id="link-self-evaluation">查看绩效自评</a>' in renda.get(f"/tables/{tid}").text
    renda.post("/logout")

    # An adjustment takes the table back to draft: no actuals links, no score.
    tables.adjust(svc.uow(), Actor("caizheng", Role.FINANCE), tid, "预算调整")
    b = login(client, "danwei")
    draft = b.get(f"/tables/{tid}").text
    assert 'id="status-badge">草稿' in draft
    assert 'id="link-self-evaluation"' not in draft
    assert 'id="link-monitoring"' not in draft
    assert 'id="table-score"' not in draft
    # The actuals page of a draft says so and offers no save.
    refused = b.get(f"/tables/{tid}/actuals/full_year").text
    assert "该绩效目标表尚未批复" in refused
    assert 'id="btn-save-actuals"' not in refused


# -- the self-evaluation page -----------------------------------------------------------


def test_self_evaluation_page_shows_the_service_numbers(client: TestClient, svc: Services) -> None:
    summaries, _ = tables.list_tables(svc.uow(), tables.TableFilter(unit=UNIT, limit=1000))
    assert len(summaries) == 9  # the overall table and eight projects
    b = login(client, "danwei")
    seen_partial = seen_not_applicable = False
    for s in summaries:
        page = b.get(f"/tables/{s.id}/actuals/full_year")
        assert page.status_code == 200
        evaluation = performance.evaluate_table(svc.uow(), s.id, scheme(client))
        score = evaluation.score
        assert score is not None, (s.name, evaluation.problems)
        html = page.text
        assert by_id(html, "score-total") == points(score.total)
        assert by_id(html, "score-grade") == score.grade.value
        assert by_id(html, "budget-score") == points(score.budget_score)
        rows = scored_rows(html)
        assert [(r[0], r[1], r[2]) for r in rows] == [
            (i.name, *shown(i)) for i in score.indicators
        ], s.name
        seen_partial |= any(0 < i.score < i.weight for i in score.indicators)
        seen_not_applicable |= any(not i.applicable for i in score.indicators)
        # The form is the unit's to fill in: enabled inputs, a save button, the lock.
        fields = form_fields(html)
        assert not fields.disabled
        assert fields.fields["lock"].isdigit()
        assert 'id="btn-save-actuals"' in html
    assert seen_partial and seen_not_applicable  # the comparison is not all full marks

    tid = table_id(svc, ACTIVITIES)
    html = b.get(f"/tables/{tid}/actuals/full_year").text
    ids = row_ids(html)
    fields = form_fields(html).fields
    assert fields[f"value-{ids['人大代表履职保障及时性']}"] == "95%"
    assert fields[f"deviation-{ids['人大代表履职保障及时性']}"] == "一次集中视察因天气原因延期一周"
    assert fields[f"category-{ids['人大代表履职保障及时性']}"] == "其他"
    assert fields["executed"] == "98" and fields["budget"] == "120"

    # 人大监督 reads the same numbers but every input is disabled and nothing can be saved.
    b.post("/logout")
    renda = login(client, "renda").get(f"/tables/{tid}/actuals/full_year").text
    assert by_id(renda, "score-total") == by_id(html, "score-total")
    assert scored_rows(renda) == scored_rows(html)
    ro = form_fields(renda)
    assert set(ro.fields) <= {"csrf_token", "lock"}  # nothing else would be posted
    assert {"executed", "budget", f"value-{ids['人大代表履职保障及时性']}"} <= set(ro.disabled)
    assert 'id="btn-save-actuals"' not in renda
    assert 'id="manual"' not in renda  # no manual scores either


def test_saving_the_form_changes_the_report_and_the_score(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, ACTIVITIES)
    url = f"/tables/{tid}/actuals/full_year"
    before = performance.evaluate_table(svc.uow(), tid, scheme(client)).score
    assert before is not None
    stored = performance.report(svc.uow(), tid, "full_year")
    loaded = saves(svc, tid)
    assert loaded == ["danwei", "danwei"]  # the demo's checkpoint and year end
    b = login(client, "danwei")
    html = b.get(url).text
    ids = row_ids(html)
    first = ids["保障参加活动的人大代表履职情况"]  # weight 25, reported 100% of ＝100%
    tab1 = form_fields(html).fields

    # Text where a number is needed: 422, the problem named, what was typed kept, no save.
    bad = dict(tab1, **{f"value-{first}": "很多", f"value-{ids['履职代表满意度']}": "93%"})
    refused = b.post(url, bad)
    assert refused.status_code == 422
    listed = problems(refused.text)
    assert len(listed) == 1 and "保障参加活动的人大代表履职情况" in listed[0]
    assert "很多" in listed[0]
    kept = form_fields(refused.text).fields
    assert kept[f"value-{first}"] == "很多"
    assert kept[f"value-{ids['履职代表满意度']}"] == "93%"
    assert performance.report(svc.uow(), tid, "full_year") == stored

    # A 执行数 that is not a number: the field is named and marked, nothing saved.
    money = b.post(url, dict(tab1, executed="九十八万"))
    assert money.status_code == 422
    assert problems(money.text) == ["执行数应为数字（万元），不是“九十八万”"]
    assert re.search(
        r'<input id="f-executed" name="executed" value="九十八万"[^>]*aria-invalid', money.text
    )
    assert performance.report(svc.uow(), tid, "full_year") == stored
    assert saves(svc, tid) == loaded

    # A good save: 100% → 80% of the target takes 5 of its 25 points.
    tab1[f"value-{first}"] = "80%"
    done = b.post(url, tab1)
    assert done.status_code == 303 and done.headers["location"] == url
    page = b.follow(done).text
    assert flash(page) == ["已保存绩效自评完成情况"]
    assert actual_text(svc, tid, "保障参加活动的人大代表履职情况") == "80%"
    after = performance.evaluate_table(svc.uow(), tid, scheme(client)).score
    assert after is not None
    assert round(before.total - after.total, 2) == 5.00
    assert by_id(page, "score-total") == points(after.total)
    row = next(r for r in scored_rows(page) if r[0] == "保障参加活动的人大代表履职情况")
    assert row[1:3] == ("25.00", "20.00")
    assert '<div class="field-error">须说明偏差原因和改进措施</div>' in page
    assert saves(svc, tid) == ["danwei", *loaded]
    entry = tables.history(svc.uow(), tid)[0]
    assert entry.action == "actuals.save" and entry.actor == "danwei"
    changed = {i["name"]: i["value"] for i in entry.after["items"]}
    assert changed["保障参加活动的人大代表履职情况"] == "80%"
    assert {i["name"]: i["value"] for i in entry.before["items"]}[
        "保障参加活动的人大代表履职情况"
    ] == "100%"

    # Two tabs on the same lock: one saves (执行数 98 → 100), the other is refused with 409.
    tab2 = form_fields(b.get(url).text).fields
    tab3 = dict(tab2)
    assert b.post(url, dict(tab2, executed="100")).status_code == 303
    tab3[f"value-{first}"] = "60%"
    stale = b.post(url, tab3)
    assert stale.status_code == 409
    assert any("已被danwei修改，请刷新后再填报" in p for p in problems(stale.text))
    assert form_fields(stale.text).fields[f"value-{first}"] == "60%"  # typed, kept
    assert actual_text(svc, tid, "保障参加活动的人大代表履职情况") == "80%"
    assert saves(svc, tid) == ["danwei", "danwei", *loaded]


def test_texts_longer_than_their_limits_are_refused_at_their_fields(
    client: TestClient, svc: Services
) -> None:
    """The form's texts carry their limits (maxlength) and a longer post is refused at the
    field, in Chinese naming the indicator and the field; what was typed is kept; nothing
    saved."""
    tid = table_id(svc, ACTIVITIES)
    url = f"/tables/{tid}/actuals/full_year"
    stored = performance.report(svc.uow(), tid, "full_year")
    before = saves(svc, tid)
    b = login(client, "danwei")
    html = b.get(url).text
    first = row_ids(html)["保障参加活动的人大代表履职情况"]
    assert re.search(rf'<input id="f-value-{first}"[^>]*maxlength="300"', html)
    assert re.search(rf'<textarea id="f-deviation-{first}"[^>]*maxlength="2000"', html)
    assert re.search(r'<textarea id="f-execution_reason"[^>]*maxlength="2000"', html)
    fields = form_fields(html).fields
    long_reason = "原" * 2001
    refused = b.post(
        url, dict(fields, **{f"deviation-{first}": long_reason, f"measures-{first}": "措施"})
    )
    assert refused.status_code == 422
    message = (
        "指标“保障参加活动的人大代表履职情况”的偏差原因不能超过 2,000 个字符（现为 2,001 个字符）"
    )
    assert problems(refused.text) == [message]
    field = re.search(
        rf'<textarea id="f-deviation-{first}"[^>]*aria-invalid="true">([^<]*)</textarea>'
        r'<div class="field-error">([^<]*)</div>',
        refused.text,
    )
    assert field is not None
    assert (field.group(1), htmllib.unescape(field.group(2))) == (long_reason, message)
    assert performance.report(svc.uow(), tid, "full_year") == stored
    assert saves(svc, tid) == before


def test_amounts_in_the_tables_unit_exact_and_never_in_scientific_notation(
    client: TestClient, svc: Services
) -> None:
    """A table printed in 元 takes its report's amounts in 元: shown exactly as stored, typed
    with grouping commas, kept exact (元 in the store, with the unit); the unit's page
    shows them in 万元, grouped, never as 3.30984e+06."""
    tid = table_id(svc, ACTIVITIES)
    with svc.uow() as uow:
        uow.session.get(TargetTableRow, tid).funds_unit = "元"
        uow.commit()
    url = f"/tables/{tid}/actuals/full_year"
    b = login(client, "danwei")
    html = b.get(url).text
    assert "项目资金（元）" in html
    fields = form_fields(html).fields
    assert (fields["budget"], fields["executed"]) == ("1200000", "980000")  # 120 and 98 万元

    typed = dict(fields, budget="33,098,400,000", executed="1,234,567.89")
    done = b.post(url, typed)
    assert done.status_code == 303, problems(done.text)
    report = performance.report(svc.uow(), tid, "full_year")
    assert report is not None
    assert (report.budget, report.executed, report.money_unit) == (3_309_840, 123.456789, "元")
    with svc.uow() as uow:
        stored = uow.session.execute(
            select(ActualReportRow).where(
                ActualReportRow.table_id == tid, ActualReportRow.period == "full_year"
            )
        ).scalar_one()
        assert (stored.budget, stored.executed) == (
            Decimal("33098400000"),
            Decimal("1234567.89"),
        )
        assert stored.money_unit == "元"
    fields = form_fields(b.get(url).text).fields
    assert (fields["budget"], fields["executed"]) == ("33098400000", "1234567.89")

    page = b.get(f"/units/{UNIT_Q}/performance?year={YEAR}").text
    rows = [[c.text for c in r] for r in html_tables(page)["evaluation-table"]]
    row = next(r for r in rows if r[0] == ACTIVITIES)
    assert row[1:3] == ["3,309,840.00", "123.456789"]
    assert "e+0" not in page

    # Not a number, below zero, or finer than the store keeps: refused at the field.
    for amount, message in (
        ("九十八万", "执行数应为数字（元），不是“九十八万”"),
        ("-1", "执行数应为不小于 0 的数字（元）"),
        ("0.00001", "执行数“0.00001”元超出可记录的范围（精确到 0.0001 元）"),
    ):
        refused = b.post(url, dict(fields, executed=amount))
        assert refused.status_code == 422
        assert problems(refused.text) == [message]


def test_stale_lock_after_a_save_of_indicators_only(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, ACTIVITIES)
    url = f"/tables/{tid}/actuals/full_year"
    b = login(client, "danwei")
    html = b.get(url).text
    first = row_ids(html)["保障参加活动的人大代表履职情况"]
    tab1 = form_fields(html).fields
    tab2 = dict(tab1)
    assert b.post(url, dict(tab1, **{f"value-{first}": "80%"})).status_code == 303
    stale = b.post(url, dict(tab2, **{f"value-{first}": "60%"}))
    assert actual_text(svc, tid, "保障参加活动的人大代表履职情况") == "80%"
    assert stale.status_code == 409


# -- the checkpoint page ----------------------------------------------------------------


def test_half_year_page_lights_match_monitoring(client: TestClient, svc: Services) -> None:
    b = login(client, "danwei")
    reported = 0
    summaries, _ = tables.list_tables(
        svc.uow(), tables.TableFilter(unit=UNIT, kind="project", limit=1000)
    )
    for s in summaries:
        html = b.get(f"/tables/{s.id}/actuals/half_year").text
        monitor = performance.monitor_table(svc.uow(), s.id, monitoring(client))
        if monitor is None:
            assert 'id="monitor"' not in html
            assert not any(light_counts(html).values())
            continue
        reported += 1
        assert light_counts(html) == dict(monitor.lights), s.name
        assert by_id(html, "time-adjusted") == f"{monitor.time_adjusted:.2f}%"
        head = section(html, "monitor")
        assert f"第 {monitor.month} 月" in head
        execution = re.search(r'预算执行：<span class="light light-(\w+)"', head)
        assert execution and execution.group(1) == monitor.execution_light.value
        assert form_fields(html).fields["month"] == str(monitor.month)
    assert reported == 3

    tid = table_id(svc, ACTIVITIES)
    html = b.get(f"/tables/{tid}/actuals/half_year").text
    assert light_counts(html)[Light.RED] == 1  # the seed's 40% against ＝100%
    assert by_id(html, "time-adjusted") == "50.00%"


# -- manual scores ----------------------------------------------------------------------


def test_manual_score_with_a_reason_by_finance(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    url = f"/tables/{tid}/actuals/full_year"
    before = performance.evaluate_table(svc.uow(), tid, scheme(client)).score
    assert before is not None
    b = login(client, "caizheng")
    html = b.get(url).text
    assert 'id="manual"' in html
    row = row_ids(html)[TRAINED]
    post = f"/tables/{tid}/actuals/full_year/score/{row}"

    for data, message in (
        ({"score": "20", "reason": "  "}, "人工评分须说明理由"),
        ({"score": "30", "reason": "超出权重"}, "超出 0 到 25"),
        ({"score": "-1", "reason": "负分"}, "超出 0 到 25"),
        ({"score": "二十", "reason": "不是数字"}, "人工评分应为数字，不是“二十”"),
    ):
        refused = b.post(post, data)
        assert refused.status_code == 303
        assert refused.headers["location"] == f"{url}#row-{row}"
        page = b.follow(refused).text
        errors = re.findall(r'<div class="flash flash-error" role="alert">([^<]+)</div>', page)
        assert len(errors) == 1 and message in errors[0], (data, errors)
        assert by_id(page, "score-total") == points(before.total)
    assert saves(svc, tid, "score.adjust") == []

    done = b.follow(b.post(post, {"score": "20", "reason": "培训人次含重复参训人员"}))
    assert flash(done.text) == ["已记录人工评分 20 分"]
    after = performance.evaluate_table(svc.uow(), tid, scheme(client)).score
    assert after is not None
    assert round(before.total - after.total, 2) == 5.00
    assert by_id(done.text, "score-total") == points(after.total)
    shown_row = next(r for r in scored_rows(done.text) if r[0] == TRAINED)
    assert shown_row == (TRAINED, "25.00", "20.00", True)
    assert not any(r[3] for r in scored_rows(done.text) if r[0] != TRAINED)
    assert saves(svc, tid, "score.adjust") == ["caizheng"]
    entry = tables.history(svc.uow(), tid)[0]
    assert entry.after == {"name": TRAINED, "score": 20.0, "reason": "培训人次含重复参训人员"}
    # The table's history says it in words, with the report that was saved before it.
    history = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", b.get(f"/tables/{tid}/history").text))
    assert (
        f"人工评分 指标“{TRAINED}” 人工评分 （无） → 20 分 理由：培训人次含重复参训人员" in history
    )
    assert "填报完成情况 绩效自评（全年）" in history
    assert f"{TRAINED}·完成值 （空） → ＝470人次" in history

    # 人大监督 may not score.
    b.post("/logout")
    renda = login(client, "renda")
    denied = renda.post(post, {"score": "25", "reason": "恢复"})
    assert denied.status_code == 403
    assert "无权操作" in denied.text
    assert saves(svc, tid, "score.adjust") == ["caizheng"]
    assert performance.evaluate_table(svc.uow(), tid, scheme(client)).score == after


# -- the unit page ----------------------------------------------------------------------


def test_unit_page_shows_the_unit_evaluation_and_monitoring(
    client: TestClient, svc: Services
) -> None:
    b = login(client, "danwei")
    landing = b.get("/performance")  # a unit user goes straight to its unit
    assert landing.status_code == 303
    assert landing.headers["location"] == f"/units/{UNIT_Q}/performance?year={YEAR}"
    html = b.follow(landing).text

    evaluation = performance.evaluate_unit(svc.uow(), UNIT, YEAR, scheme(client))
    assert evaluation.overall is not None and evaluation.overall.score is not None
    assert f'id="overall-score">部门整体：<strong>{points(evaluation.overall.score.total)}' in html
    assert evaluation.average is not None
    assert by_id(html, "average") == points(evaluation.average)
    rows = html_tables(html)["evaluation-table"][1:]
    assert [(r[0].text, r[4].text) for r in rows] == [
        (p.name, points(p.score.total) if p.score else "—") for p in evaluation.projects
    ]
    assert len(rows) == 8

    watch = performance.monitor_unit(svc.uow(), UNIT, YEAR, monitoring(client))
    rows = html_tables(html)["monitoring-table"][1:]
    reported = [(r[0].text, r[1].text) for r in rows if r[1].text != "尚未填报"]
    missing = [r[0].text for r in rows if r[1].text == "尚未填报"]
    assert reported == [(m.name, f"{m.time_adjusted:.2f}%") for _, m in watch.monitors]
    assert [name for _, name in watch.not_reported] == missing
    assert {name for name, _ in reported} == {TRAINING, ACTIVITIES, "《人大之声》制作经费"}
    assert len(missing) == 5
    for tid, _ in watch.monitors:
        assert f'href="/tables/{tid}/actuals/half_year"' in section(html, "monitoring-table")
    assert watch.summary is not None and watch.summary.time_adjusted is not None
    assert by_id(html, "unit-time-adjusted") == f"{watch.summary.time_adjusted:.2f}%"
    assert "红灯项目：代表活动经费" in html
    assert 'id="btn-upload"' in html
    assert 'id="export-self-evaluation"' in html and 'id="export-monitoring"' in html

    # Others choose the unit from the list; 人大监督 may read but not upload.
    b.post("/logout")
    renda = login(client, "renda")
    listing = renda.get("/performance").text
    assert f'<a href="/units/{UNIT_Q}/performance?year={YEAR}">{UNIT}</a>' in listing
    assert f'href="/units/{UNIT_Q}/export.pdf?year={YEAR}"' in listing
    # the index as a list: one row per unit and year, counted in the database
    assert 'id="unit-list-csv"' in listing
    listed = renda.get("/performance.csv")
    assert listed.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert rows == [
        ["预算单位", "主管部门", "年度", "项目支出绩效目标表", "部门整体绩效目标表"],
        [UNIT, "无锡市人大常委会", str(YEAR), "8", "有"],
    ]
    sheet = load_workbook(io.BytesIO(renda.get("/performance.xlsx").content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [UNIT, "无锡市人大常委会", YEAR, 8, "有"]
    assert renda.get("/performance.pdf").status_code == 404
    page = renda.get(f"/units/{UNIT_Q}/performance?year={YEAR}").text
    assert by_id(page, "average") == points(evaluation.average)
    assert 'id="btn-upload"' not in page
    assert "只有本单位的填报人员可以上传完成情况" in page


# -- template, upload -------------------------------------------------------------------


def test_template_download_fill_and_upload(client: TestClient, svc: Services) -> None:
    b = login(client, "danwei")
    got = b.get(f"/units/{UNIT_Q}/actuals-template.xlsx?year={YEAR}&period=full_year")
    assert got.status_code == 200
    assert got.headers["content-type"] == XLSX
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == f"{UNIT}{YEAR}年度绩效自评填报模板.xlsx"
    half = b.get(f"/units/{UNIT_Q}/actuals-template.xlsx?year={YEAR}&period=half_year")
    assert half.status_code == 200 and half.headers["content-type"] == XLSX
    assert "%E8%BF%90%E8%A1%8C%E7%9B%91%E6%8E%A7" in half.headers["content-disposition"]  # 运行监控

    tid = table_id(svc, TRAINING)
    before = performance.evaluate_unit(svc.uow(), UNIT, YEAR, scheme(client))
    stored = snapshot(svc)
    wb = load_workbook(io.BytesIO(got.content))
    ws = wb["指标完成情况"]
    row = sheet_rows(ws, 项目名称=TRAINING, 三级指标=TRAINED)
    value = ws.cell(row, column(ws, "实际完成值"))
    assert value.value == "＝470人次"  # pre-filled with what is stored

    # A bad cell anywhere refuses the whole file, naming the cell.
    value.value = "＝415人次"  # 90% of ＝461人次: a good change, but not alone
    funds = wb["项目资金"]
    money_row = sheet_rows(funds, 项目名称=ACTIVITIES)
    money_col = column(funds, "执行数（万元）")
    funds.cell(money_row, money_col).value = "约30万"
    other = sheet_rows(ws, 项目名称=ACTIVITIES, 三级指标="履职代表满意度")
    ws.cell(other, column(ws, "实际完成值")).value = "很多"
    bad = b.post(
        f"/units/{UNIT_Q}/actuals",
        {"year": str(YEAR)},
        files={"file": ("填报模板.xlsx", xlsx_bytes(wb), XLSX)},
    )
    assert bad.status_code == 303
    assert bad.headers["location"].endswith("?year=2023&problems=1#upload")
    page = b.follow(bad).text
    listed = problems(page, "upload-problems")
    money_cell = f"项目资金!{funds.cell(money_row, money_col).coordinate}"
    value_cell = f"指标完成情况!{ws.cell(other, column(ws, '实际完成值')).coordinate}"
    assert any(p.startswith(money_cell) and "约30万" in p for p in listed), listed
    assert any(p.startswith(value_cell) and "很多" in p for p in listed), listed
    assert "填报模板.xlsx：发现问题，未保存任何内容" in page
    assert snapshot(svc) == stored
    # The problems are shown once.
    assert 'id="upload-problems"' not in b.get(f"/units/{UNIT_Q}/performance?year={YEAR}").text

    # The same change without the bad cells is saved: every table of the file.
    funds.cell(money_row, money_col).value = 98
    ws.cell(other, column(ws, "实际完成值")).value = "92%"
    done = b.post(
        f"/units/{UNIT_Q}/actuals",
        {"year": str(YEAR)},
        files={"file": ("填报模板.xlsx", xlsx_bytes(wb), XLSX)},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/units/{UNIT_Q}/performance?year={YEAR}"
    page = b.follow(done).text
    assert flash(page) == ["已导入填报模板.xlsx：9 张表的绩效自评完成情况"]
    assert actual_text(svc, tid, TRAINED) == "＝415人次"
    after = performance.evaluate_unit(svc.uow(), UNIT, YEAR, scheme(client))
    totals = {p.name: p.score.total for p in after.projects if p.score}
    old = {p.name: p.score.total for p in before.projects if p.score}
    assert totals[TRAINING] < old[TRAINING]
    assert {k: v for k, v in totals.items() if k != TRAINING} == {
        k: v for k, v in old.items() if k != TRAINING
    }  # the rest round-tripped unchanged
    assert after.overall and before.overall
    assert after.overall.score == before.overall.score
    assert by_id(page, "average") == points(after.average or 0)
    assert saves(svc, tid)[0] == "danwei"

    # A jixiao-actuals/1 file naming a project the unit does not have: nothing saved.
    stored = snapshot(svc)
    document = {
        "format": "jixiao-actuals/1",
        "fiscal_year": YEAR,
        "period": "full_year",
        "projects": [
            {"name": TRAINING, "budget": 35.6, "executed": 35, "actuals": {TRAINED: "＝461人次"}},
            {"name": "不存在的项目", "budget": 10, "executed": 5, "actuals": {"某指标": "1次"}},
        ],
    }
    unknown = b.post(
        f"/units/{UNIT_Q}/actuals",
        {"year": str(YEAR)},
        files={"file": ("actuals.json", json.dumps(document).encode(), "application/json")},
    )
    assert unknown.status_code == 303
    page = b.follow(unknown).text
    listed = problems(page, "upload-problems")
    assert len(listed) == 1 and "不存在的项目" in listed[0]
    assert snapshot(svc) == stored

    # No file at all.
    empty = b.post(f"/units/{UNIT_Q}/actuals", {"year": str(YEAR)})
    assert empty.status_code == 303
    assert "请选择要上传的文件" in b.follow(empty).text


# -- exports ----------------------------------------------------------------------------


def _page_numbers(b: Browser, tid: int) -> tuple[str, str, list[tuple[str, str, str]]]:
    """(total, budget score, [(name, 分值, 得分)]) as the self-evaluation page shows them."""
    html = b.get(f"/tables/{tid}/actuals/full_year").text
    rows = [(name, weight, score) for name, weight, score, _ in scored_rows(html)]
    return by_id(html, "score-total"), by_id(html, "budget-score"), rows


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else points(value)


def _sheet_numbers(ws: Worksheet, n: int) -> tuple[str, str, list[tuple[str, str]]]:
    """(total, budget score, [(分值, 得分)]) of a 绩效自评表 sheet with n items."""
    first = 9  # FIRST_ITEM_ROW
    items = [
        (_cell(ws.cell(r, 7).value), _cell(ws.cell(r, 8).value)) for r in range(first, first + n)
    ]
    assert ws.cell(first + n, 1).value == "总分"
    return _cell(ws.cell(first + n, 8).value), _cell(ws["H5"].value), items


def test_exports_match_the_pages(client: TestClient, svc: Services) -> None:
    # A manual score first, so that the export shows more than the imported numbers.
    finance = login(client, "caizheng")
    activities = table_id(svc, ACTIVITIES)
    row = row_ids(finance.get(f"/tables/{activities}/actuals/full_year").text)["履职代表满意度"]
    finance.post(
        f"/tables/{activities}/actuals/full_year/score/{row}",
        {"score": "12.5", "reason": "满意度调查样本偏少"},
    )
    finance.post("/logout")
    b = login(client, "danwei")

    evaluation = performance.evaluate_unit(svc.uow(), UNIT, YEAR, scheme(client))
    everything = [*evaluation.projects, evaluation.overall]
    web = {e.table_id: _page_numbers(b, e.table_id) for e in everything if e is not None}

    got = b.get(f"/units/{UNIT_Q}/self-evaluation.xlsx?year={YEAR}")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert unquote(got.headers["content-disposition"].split("''", 1)[1]) == (
        f"{UNIT}{YEAR}年度绩效自评表.xlsx"
    )
    wb = load_workbook(io.BytesIO(got.content))
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 10
    checked = 0
    for e in everything:
        assert e is not None and e.score is not None
        name = e.name if e.kind == "project" else UNIT
        ws = next(s for s in wb.worksheets[1:] if s["B2"].value == name)
        total, budget, items = _sheet_numbers(ws, len(e.score.indicators))
        page_total, page_budget, page_rows = web[e.table_id]
        assert total == page_total == points(e.score.total), name
        assert budget == page_budget == points(e.score.budget_score), name
        assert (
            items == [(w, s) for _, w, s in page_rows] == [shown(i) for i in e.score.indicators]
        ), name
        checked += 1
    assert checked == 9
    assert ("履职代表满意度", "15.00", "12.50") in web[activities][2]
    assert any("人工调整" in str(c.value) for c in wb[ACTIVITIES]["I"])

    # The 汇总 sheet: each project's score and the average, as on the unit page.
    unit_page = b.get(f"/units/{UNIT_Q}/performance?year={YEAR}").text
    shown_scores = {r[0].text: r[4].text for r in html_tables(unit_page)["evaluation-table"][1:]}
    summary = wb["汇总"]
    listed = {
        summary.cell(r, 1).value: _cell(summary.cell(r, 6).value)
        for r in range(3, 3 + len(evaluation.projects))
    }
    assert listed == shown_scores
    average_row = next(
        r for r in range(3, summary.max_row + 1) if summary.cell(r, 1).value == "平均得分"
    )
    assert _cell(summary.cell(average_row, 6).value) == by_id(unit_page, "average")

    # One project only.
    one = b.get(f"/units/{UNIT_Q}/self-evaluation.xlsx?year={YEAR}&table={activities}")
    assert one.status_code == 200
    wb = load_workbook(io.BytesIO(one.content))
    assert wb.sheetnames == ["汇总", ACTIVITIES]
    e = next(p for p in evaluation.projects if p.table_id == activities)
    assert e.score is not None
    total, budget, items = _sheet_numbers(wb[ACTIVITIES], len(e.score.indicators))
    assert (total, budget, items) == (
        web[activities][0],
        web[activities][1],
        [(w, s) for _, w, s in web[activities][2]],
    )

    # The monitoring workbook: each project's time-adjusted rate and lights, as on its page.
    got = b.get(f"/units/{UNIT_Q}/monitoring.xlsx?year={YEAR}")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert unquote(got.headers["content-disposition"].split("''", 1)[1]) == (
        f"{UNIT}{YEAR}年度绩效监控表.xlsx"
    )
    wb = load_workbook(io.BytesIO(got.content))
    watch = performance.monitor_unit(svc.uow(), UNIT, YEAR, monitoring(client))
    assert wb.sheetnames == ["汇总", *(m.name for _, m in watch.monitors)]
    for tid, m in watch.monitors:
        ws = wb[m.name]
        html = b.get(f"/tables/{tid}/actuals/half_year").text
        assert f"{ws['G4'].value * 100:.2f}%" == by_id(html, "time-adjusted")
        assert ws["H4"].value == LIGHT_LABELS[m.execution_light]
        block = section(html, "actuals-table")
        page_lights = re.findall(r'class="light light-\w+"[^>]*>([^<]+)</span>', block)
        sheet_lights = [ws.cell(r, 10).value for r in range(7, 7 + len(m.indicators))]
        assert page_lights == sheet_lights == [LIGHT_LABELS[i.light] for i in m.indicators]


def test_bad_addresses_answer_with_an_error_page(client: TestClient, svc: Services) -> None:
    b = login(client, "danwei")
    missing_year = b.get(f"/units/{UNIT_Q}/self-evaluation.xlsx")
    assert missing_year.status_code == 422 and "请指定年度" in missing_year.text
    unknown = b.get(f"/units/{quote('没有这个单位')}/performance?year={YEAR}")
    assert unknown.status_code == 404 and "没有2023年度的绩效目标表" in unknown.text
    bad_period = b.get(f"/tables/{table_id(svc, TRAINING)}/actuals/quarter")
    assert bad_period.status_code == 422 and "不是“quarter”" in bad_period.text
    overall = b.get(f"/tables/{table_id(svc, UNIT)}/actuals/half_year").text
    assert "运行监控按项目进行" in overall and 'id="monitor"' not in overall


# -- permissions ------------------------------------------------------------------------


def test_permissions(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    for url in (
        "/performance",
        f"/units/{UNIT_Q}/performance?year={YEAR}",
        f"/tables/{tid}/actuals/full_year",
        f"/tables/{tid}/actuals/half_year",
        f"/units/{UNIT_Q}/actuals-template.xlsx?year={YEAR}",
        f"/units/{UNIT_Q}/self-evaluation.xlsx?year={YEAR}",
        f"/units/{UNIT_Q}/monitoring.xlsx?year={YEAR}",
    ):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login?next="), url

    # The form as the unit would post it.
    b = login(client, "danwei")
    own = b.get(f"/tables/{tid}/actuals/full_year").text
    fields = form_fields(own).fields
    template = b.get(f"/units/{UNIT_Q}/actuals-template.xlsx?year={YEAR}").content
    b.post("/logout")
    stored = snapshot(svc)
    loaded = saves(svc, tid)

    # No CSRF token: refused.
    b = login(client, "danwei")
    forged = client.post(
        f"/tables/{tid}/actuals/full_year",
        data={**fields, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and "CSRF 校验失败" in forged.text
    b.post("/logout")

    # A unit user of another unit neither reads nor saves nor uploads for this unit.
    add_other_unit_user(svc)
    other = login(client, "qita")
    page = other.get(f"/tables/{tid}/actuals/full_year")
    assert page.status_code == 403 and "只能查看本单位" in page.text
    changed = dict(fields, csrf_token=other.csrf)
    changed[f"value-{row_ids(own)[TRAINED]}"] = "＝400人次"
    denied = other.post(f"/tables/{tid}/actuals/full_year", changed)
    assert denied.status_code == 403
    assert "无权操作" in denied.text
    unit_page = other.get(f"/units/{UNIT_Q}/performance?year={YEAR}")
    assert unit_page.status_code == 403 and 'id="btn-upload"' not in unit_page.text
    assert other.get(f"/units/{UNIT_Q}/actuals-template.xlsx?year={YEAR}").status_code == 403
    upload = other.post(
        f"/units/{UNIT_Q}/actuals",
        {"year": str(YEAR)},
        files={"file": ("填报模板.xlsx", template, XLSX)},
    )
    assert upload.status_code == 403
    assert "只能填报本单位" in upload.text
    # Nor, naming no unit, through a file of this unit's projects.
    document = {
        "format": "jixiao-actuals/1",
        "fiscal_year": YEAR,
        "period": "full_year",
        "projects": [{"name": TRAINING, "actuals": {TRAINED: "＝400人次"}}],
    }
    sneaky = other.post(
        f"/units/{quote(OTHER_UNIT)}/actuals",
        {"year": str(YEAR)},
        files={"file": ("a.json", json.dumps(document).encode(), "application/json")},
    )
    assert sneaky.status_code == 303  # refused: the other unit has no such project
    assert "problems=1" in sneaky.headers["location"]
    assert snapshot(svc) == stored
    assert saves(svc, tid) == loaded

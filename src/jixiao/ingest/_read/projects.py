"""Stage ``projects``: tables split into projects and units, the document built."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.domain.actuals import (
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ManualScore,
    ProjectActuals,
)
from jixiao.domain.model import (
    Diagnostic,
    Funds,
    Goal,
    Indicator,
    OverallTargets,
    Period,
    Project,
    parse_direction,
    parse_nature,
)
from jixiao.domain.money import DEFAULT_UNIT, implausible, in_unit, to_yuan
from jixiao.domain.provenance import Provenance
from jixiao.domain.taxonomy import (
    Taxonomy,
    taxonomy_for_year,
)
from jixiao.domain.values import Kind, TargetValue, parse_value
from jixiao.ingest._cells import (
    find_year,
    parse_money,
)
from jixiao.ingest._explain import Stage, note
from jixiao.ingest._read.base import ACTUALS_NOT_IMPORTED, IMPLAUSIBLE_AMOUNT, _shown
from jixiao.ingest._read.columns import _ACTUAL_ROLES, _Role
from jixiao.ingest._read.find import _is_title, _title_unit
from jixiao.ingest._read.levels import (
    _backfill_levels,
    _cells_cut,
    _fuller_before,
    _levels,
    _resolve_any,
)
from jixiao.ingest._read.table import _Value
from jixiao.ingest._read.values import _category, _remarks
from jixiao.ingest._text import fold
from jixiao.ingest._vocab import (
    AMOUNT,
    BARE_POINTS,
    BLANK_MARKS,
    FUNDS_LABELS,
    HALF_YEAR_WORDS,
    MANUAL_REASON,
    MARK,
    MONTH,
    NUMBER_ONLY,
    NUMBERS,
    PENDING,
    WEIGHT,
)
from jixiao.ingest.text_blocks import (
    AMBIGUOUS_ROWS,
    EMPTY_TABLE,
    MISSING_FIELD,
    MISSING_TARGET,
    MISSING_VALUE,
    TRUNCATED,
    UNPARSED_VALUE,
    UNUSED_TEXT,
)

if TYPE_CHECKING:
    from jixiao.ingest._read.table import _IndRow, _Table


@dataclass(frozen=True, slots=True)
class _Report:
    """The actuals one table reports."""

    year: int | None
    actuals: ProjectActuals
    overall: bool  # of a unit as a whole (its work items)
    month: int | None  # a monitoring table's checkpoint (截至6月)


def _weight(cell: _Value | None) -> float | None:
    """A 权重 / 分值 cell as a number (``10``, ``10%``, ``10分``), or None."""
    match = WEIGHT.match(fold(cell.text)) if cell is not None else None
    if match is None:
        return None
    number = float(match.group(1))
    return int(number) if number.is_integer() else number


def _wan(text: str, unit: str | None) -> float | None:
    """A self-evaluation's budget figure in 万元 (the actuals' unit), from the table's unit."""
    parsed = parse_money(text)
    if parsed is None:
        return None
    number, suffix = parsed
    wan = in_unit(to_yuan(number, suffix or unit or DEFAULT_UNIT))
    return int(wan) if wan == wan.to_integral_value() else float(wan)


def _extra(row: _IndRow, key: str) -> str:
    found = row.extra.get(key)
    return found.text if found is not None else ""


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.warnings: list[Diagnostic] = []
        self.actuals: list[_Report] = []

    def warn(self, code: str, message: str, where: Provenance | None) -> None:
        self.warnings.append(Diagnostic(code, message, where or Provenance(self.file)))
        note(Stage.PROJECTS, where, f"警告 {code}", message)

    def value(self, v: _Value) -> TargetValue:
        parsed = parse_value(v.text)
        if parsed.kind is Kind.TEXT and parsed.reason:
            self.warn(UNPARSED_VALUE, f"指标值“{v.text}”无法识别：{parsed.reason}", v.source)
        return parsed.with_source(v.source)

    def notes(self, t: _Table, what: str) -> None:
        if t.stray and (t.header is not None or t.fields or t.titles):
            for text, where in t.stray:
                message = f"“{_shown(text)}”既不是表头、字段，也不是指标行，未导入"
                self.warn(UNUSED_TEXT, f"{what}：{message}" if what else message, where)
        elif t.stray:
            text, where = t.stray[0]
            self.warn(
                UNUSED_TEXT,
                f"表格（{len(t.stray)} 行，从“{_shown(text)}”起）不是绩效目标表，未导入",
                where,
            )
        for code, message, where in t.notes:
            self.warn(code, f"{what}：{message}" if what else message, where)
        if t.ended is not None:
            heading, where = t.ended
            message = f"“{_shown(heading)}”及其下 {t.after_end} 行不是绩效指标，未导入"
            self.warn(UNUSED_TEXT, f"{what}：{message}" if what else message, where)
        if t.actuals:
            cols = "、".join(dict.fromkeys(t.actuals))
            where = next(iter(t.actuals.values()))
            self.warn(
                ACTUALS_NOT_IMPORTED,
                f"{what}：实际完成情况中的“{cols}”没有对应的字段，未导入",
                where,
            )
        if t.unused_columns:
            cols = "、".join(dict.fromkeys(t.unused_columns))
            where = next(iter(t.unused_columns.values()))
            self.warn(UNUSED_TEXT, f"{what}：列“{cols}”的内容未导入", where)

    def report(
        self,
        t: _Table,
        year: int | None,
        name: str,
        reported: Sequence[IndicatorActual],
        anchor: Provenance | None,
    ) -> None:
        """The actuals of a self-evaluation or monitoring table (of a project, or of a unit
        as a whole) with its funds block."""
        budget = {
            key: _wan(v.text, t.money_unit)
            for key, v in t.budget.items()
            if key != "execution_reason"
        }
        reason = t.budget.get("execution_reason")
        report = ProjectActuals(
            project=name,
            period=_table_period(t),
            budget=budget.get("budget"),
            executed=budget.get("executed"),
            budget_initial=budget.get("budget_initial"),
            execution_reason=reason.text if reason is not None else "",
            indicators=tuple(reported),
            source=anchor,
        )
        self.actuals.append(_Report(year, report, t.kind == "overall", _table_month(t)))

    # projects ----------------------------------------------------------------------------

    def project(self, t: _Table, year: int | None, is_last: bool) -> Project | None:
        name_field = t.fields.get("name")
        anchor = (
            (name_field.source if name_field else None)
            or t.anchor
            or (t.rows[0].source if t.rows else None)
        )
        unit_field = t.fields.get("unit")
        name = name_field.text if name_field else ""
        if not name and t.kind_hint == "overall":
            # An overall table printed as indicators (一级/二级/三级指标): the unit as a whole.
            unit = unit_field.text if unit_field and unit_field.text else ""
            unit = unit or _title_unit(_title_text(t))
            name = f"{unit}（部门整体）" if unit else ""
        what = f"项目“{name}”"
        rows = [r for r in t.rows if not r.label_only and not r.tentative]
        printed = [v.text for r in rows for v in (r.l1, r.l2) if v is not None and v.text]
        valued = t.header is not None and t.header.has(_Role.TARGET) and any(r.values for r in rows)
        if printed and not valued and not any(_resolve_any(x) for x in printed):
            # 一级 / 二级 / 三级 columns whose labels are no indicator categories at all (a
            # catalogue of purchased services): not a performance table.
            where = t.anchor or rows[0].source
            self.warn(
                UNUSED_TEXT,
                f"表格的一级、二级分类（如“{_shown(printed[0])}”）不是绩效指标分类，"
                f"不是绩效目标表，{len(rows)} 行未导入",
                where,
            )
            return None
        if not rows and not name and t.block_row is not None:
            shown, where = t.block_row
            self.warn(UNUSED_TEXT, f"“{_shown(shown)}”没有项目名称和指标，是汇总行，未导入", where)
            return None
        if not rows and fold(name) in BLANK_MARKS:
            name = ""  # an empty form (项目名称 | 无): no project
        if not rows and not name:
            self.notes(t, "")  # a header, stray text or empty fields, but no project
            if t.header is not None:
                code, lead = (TRUNCATED, "文档在此结束，") if is_last else (EMPTY_TABLE, "")
                self.warn(code, f"{lead}绩效目标表只有表头，没有任何指标行", anchor)
            return None
        self.notes(t, what)
        if not name:
            self.warn(MISSING_FIELD, "项目绩效目标表没有项目名称", anchor)
        if not rows:
            cut = is_last and t.header is not None
            code, lead = (TRUNCATED, "文档在此结束，") if cut else (EMPTY_TABLE, "")
            self.warn(code, f"{lead}{what}的绩效目标表没有任何指标行", anchor)
        _backfill_levels(t.rows)
        taxonomy = taxonomy_for_year(year)
        periods = (
            {c.period for c in t.header.columns if c.role is _Role.TARGET} if t.header else set()
        )
        indicators: list[Indicator] = []
        reported: list[IndicatorActual] = []
        for k, row in enumerate(t.rows):
            last_row = is_last and k == len(t.rows) - 1
            if row.label_only:
                if last_row and rows:
                    label = (row.l2 or row.l1 or _Value("", row.source)).text
                    self.warn(
                        TRUNCATED, f"文档在此结束，{what}的“{label}”之后没有指标行", row.source
                    )
                continue
            if last_row and row.name is not None and not row.values and periods:
                self.warn(
                    TRUNCATED,
                    f"文档在此结束，{what}指标“{row.name.text}”没有指标值，未导入",
                    row.source,
                )
                continue
            if row.tentative and row.name is not None:
                self.warn(
                    UNUSED_TEXT,
                    f"{what}：“{_shown(row.name.text)}”单独成行，没有指标值，"
                    "可能是折行的文字，未导入",
                    row.source,
                )
                continue
            indicator = self.indicator(row, taxonomy, what)
            if last_row and 0 < len(row.values) < len(periods) and _fuller_before(t.rows, k):
                self.warn(
                    TRUNCATED,
                    f"文档在此结束，{what}指标“{indicator.name}”的指标值不完整",
                    row.source,
                )
            elif last_row and (missing := _cells_cut(t.rows, k)):
                self.warn(
                    TRUNCATED,
                    f"文档在此结束，{what}指标“{indicator.name}”这一行不完整"
                    f"（比上方各行少 {missing} 项），已导入本行已有的内容",
                    row.source,
                )
            elif not row.values and periods:
                self.warn(MISSING_VALUE, f"{what}指标“{indicator.name}”没有指标值", row.source)
            indicators.append(indicator)
            if indicator.name and set(row.actuals) - {"weight"}:
                # a self-evaluation or monitoring row (a target table's 权重 is no actual)
                target = indicator.full_year or indicator.half_year or indicator.long_term
                reported.append(self.actual(row.actuals, indicator.name, target, what))

        def text(key: str) -> str | None:
            found = t.fields.get(key)
            return found.text if found and found.text else None

        start_year = _field_year(text("start"))
        end_year = _field_year(text("end"))
        period = text("period")
        if period:
            years = [int(y) for y in NUMBERS.findall(period)]
            if years:
                start_year = start_year or years[0]
                end_year = end_year or years[-1]
        funds = self.funds(t, what)
        note(
            Stage.PROJECTS,
            anchor,
            f"项目“{_shown(name)}”：{len(indicators)} 个指标",
            f"表格共 {len(t.rows)} 行（层级行 {sum(r.label_only for r in t.rows)}）",
        )
        if name and (reported or t.budget):  # actuals are keyed by the project's name
            self.report(t, t.year or year, name, reported, anchor)
        return Project(
            name=name,
            department=text("department"),
            unit=text("unit"),
            fiscal_year=t.year,
            start_year=start_year,
            end_year=end_year,
            funds=funds,
            annual_goal=text("goal.annual") or "",
            long_term_goal=text("goal.long") or "",
            indicators=tuple(indicators),
            source=anchor,
        )

    def funds(self, t: _Table, what: str) -> Funds | None:
        """The table's funds in 元: each amount in the unit written after it, else the unit
        its label names, else the table's 金额单位 (万元 when none is printed); a warning
        where an amount is implausible for its unit."""
        table_unit = t.money_unit or DEFAULT_UNIT
        amounts: dict[str, Decimal] = {}
        units: dict[str, str] = {}
        for key, v in t.fields.items():
            if not key.startswith("funds.") or not v.text:
                continue
            parsed = parse_money(v.text) if AMOUNT.match(fold(v.text)) else None
            if parsed is None:
                continue  # no amount (prose taken for a value is not read for a number in it)
            number, suffix = parsed
            unit = suffix or t.field_units.get(key) or table_unit
            name = key.split(".")[1]
            amounts[name], units[name] = to_yuan(number, unit), unit
            why = implausible(amounts[name], unit)
            if why is not None:
                label = FUNDS_LABELS.get(name, name)
                self.warn(IMPLAUSIBLE_AMOUNT, f"{what}的{label}“{v.text}”：{why}", v.source)
        if not amounts:
            return None
        unit = units.get("total") or next(iter(units.values()))
        return Funds(**amounts, unit=unit)

    def indicator(self, row: _IndRow, taxonomy: Taxonomy, what: str) -> Indicator:
        name = row.name.text if row.name is not None else ""
        if row.name is None:
            self.warn(
                AMBIGUOUS_ROWS,
                f"{what}：指标行没有三级指标名称，按空名称导入",
                row.source,
            )
        levels = _levels(row.l1.text if row.l1 else None, row.l2.text if row.l2 else None, taxonomy)
        for code, message in levels.problems:
            self.warn(code, f"{what}：{message}", row.source)
        values = {p: self.value(v) for p, v in row.values.items()}
        return Indicator(
            level1=levels.level1,
            level2=levels.level2,
            name=name,
            half_year=values.get(Period.HALF_YEAR),
            full_year=values.get(Period.FULL_YEAR),
            long_term=values.get(Period.LONG_TERM),
            level1_label=levels.level1_label,
            level2_label=levels.level2_label,
            weight=_weight(row.actuals.get("weight")),
            direction=parse_direction(row.extra["direction"].text)
            if "direction" in row.extra
            else None,
            nature=parse_nature(row.extra["nature"].text) if "nature" in row.extra else None,
            basis=_extra(row, "basis"),
            explanation=_extra(row, "explanation"),
            standard=_extra(row, "standard"),
            remark=_extra(row, "remark"),
            source=row.name.source if row.name is not None else row.source,
        )

    def actual(
        self, cells: Mapping[str, _Value], name: str, target: TargetValue | None, what: str
    ) -> IndicatorActual:
        """What a self-evaluation or monitoring row reports beside its targets (``cells``:
        actual field → cell) for the indicator (or work item) ``name``."""
        where = f"{what}指标“{name}”"

        def value(key: str) -> TargetValue | None:
            cell = cells.get(key)
            if cell is None or cell.text in BLANK_MARKS:
                return None
            return parse_value(_with_unit(cell.text, target)).with_source(cell.source)

        def points(key: str, label: str) -> float | None:
            cell = cells.get(key)
            if cell is None or cell.text in BLANK_MARKS:
                return None
            text = fold(cell.text)
            if not BARE_POINTS.match(text):
                self.warn(
                    UNPARSED_VALUE, f"{where}的{label}“{cell.text}”不是分数，未导入", cell.source
                )
                return None
            return float(text)

        likelihood = None
        if "likelihood" in cells:
            text = fold(cells["likelihood"].text)
            likelihood = next((x for x in Likelihood if x.value == text), None)
            if likelihood is None and text not in BLANK_MARKS:
                self.warn(
                    UNPARSED_VALUE,
                    f"{where}的完成目标可能性“{cells['likelihood'].text}”不是"
                    "确定能、有可能或完全不可能，未导入",
                    cells["likelihood"].source,
                )
        # One column per category: marked (✓), or holding the explanation itself; or
        # one column naming the category (偏差原因类别).
        categories: list[DeviationCategory] = []
        explained: list[str] = []
        for key, cell in cells.items():
            if key.startswith("category:") and cell.text not in BLANK_MARKS:
                categories.append(DeviationCategory(key.split(":", 1)[1]))
                if not MARK.match(fold(cell.text)):
                    explained.append(cell.text)
        named = cells.get("category")
        if named is not None and named.text not in BLANK_MARKS:
            category = _category(named.text)
            if category is None:
                self.warn(
                    UNPARSED_VALUE,
                    f"{where}的偏差原因类别“{named.text}”不是"
                    f"{'、'.join(c.value for c in DeviationCategory)}之一，未导入",
                    named.source,
                )
            else:
                categories.insert(0, category)
        reason_cell = cells.get("reason")
        remarks = _remarks(
            "" if reason_cell is None or reason_cell.text in BLANK_MARKS else reason_cell.text
        )
        if remarks.category is not None:
            categories.append(remarks.category)
        reason = remarks.reason or "；".join(explained)
        deviation = (
            Deviation(reason, categories[0] if categories else None)
            if reason or categories
            else None
        )
        measures = cells["measures"].text if "measures" in cells else ""
        measures = "" if measures in BLANK_MARKS else PENDING.sub("", measures).strip()
        score = points("score", "得分")
        manual = None
        if remarks.manual is not None and score is not None:
            found = MANUAL_REASON.search(remarks.manual)
            manual = ManualScore(score, found.group(1) if found else remarks.manual)
        actual_cell = cells.get("value") or next(iter(cells.values()))
        return IndicatorActual(
            indicator=name,
            value=value("value"),
            forecast=value("forecast"),
            likelihood=likelihood,
            deviation=deviation,
            measures=measures or remarks.measures,
            manual=manual,
            not_applicable=remarks.not_applicable,
            weight=points("weight", "分值"),
            reported_score=score,
            source=actual_cell.source,
        )

    # overall targets ---------------------------------------------------------------------

    def overall(self, t: _Table, year: int | None, is_last: bool) -> OverallTargets | None:
        unit_field = t.fields.get("unit")
        title = _title_text(t)
        unit = unit_field.text if unit_field and unit_field.text else _title_unit(title)
        what = f"单位“{unit}”整体绩效目标表" if unit else "整体绩效目标表"
        anchor = t.anchor or (t.goals[0].source if t.goals else None)
        self.notes(t, what)
        if not unit:
            self.warn(MISSING_FIELD, "整体绩效目标表没有标题，无法确定单位名称", anchor)
        goals: list[Goal] = []
        for k, g in enumerate(t.goals):
            work = g.work.text if g.work is not None else ""
            if g.target is None:
                code = TRUNCATED if is_last and k == len(t.goals) - 1 else MISSING_TARGET
                lead = "文档在此结束，" if code == TRUNCATED else ""
                self.warn(code, f"{lead}工作“{work}”的年度目标“{g.goal}”没有目标值", g.source)
            if not g.function:
                self.warn(MISSING_FIELD, f"工作“{work}”没有所属职能", g.source)
            goals.append(
                Goal(
                    seq=g.seq,
                    function=g.function,
                    work=work,
                    goal=g.goal,
                    target=self.value(g.target) if g.target is not None else None,
                    source=g.work.source if g.work is not None else g.source,
                )
            )
        if not goals:
            code = TRUNCATED if is_last and t.header is None else EMPTY_TABLE
            lead = "文档在此结束，" if code == TRUNCATED else ""
            self.warn(code, f"{lead}整体绩效目标表只有表头，没有任何目标", anchor)
        # a self-evaluation of the unit as a whole: each work item's results
        reported = [
            self.actual(row.actuals, goal.work, goal.target, what)
            for row, goal in zip(t.goals, goals, strict=True)
            if goal.work and set(row.actuals) - {"weight"}
        ]
        if unit and (reported or t.budget):
            self.report(t, t.year or year, unit, reported, anchor)
        return OverallTargets(
            unit=unit,
            fiscal_year=t.year,
            goals=tuple(goals),
            department=(t.fields["department"].text or None) if "department" in t.fields else None,
            source=anchor,
        )


def _table_period(t: _Table) -> Period:
    """A monitoring table (监控表; 当前完成值, 全年预计 …) reports the checkpoint, anything
    else (自评表) the year end."""
    title = fold(_title_text(t))
    if "监控" in title:
        return Period.HALF_YEAR
    if "自评" in title or "评价" in title:
        return Period.FULL_YEAR
    labels = [c.label for c in t.header.columns if c.role in _ACTUAL_ROLES] if t.header else []
    if any(HALF_YEAR_WORDS.search(fold(x)) for x in labels):
        return Period.HALF_YEAR
    return Period.FULL_YEAR


def _table_month(t: _Table) -> int | None:
    """The checkpoint month a monitoring table names (截至6月, 1-6月执行情况), if any."""
    if _table_period(t) is not Period.HALF_YEAR:
        return None
    labels = [_title_text(t)] + (
        [c.label for c in t.header.columns if c.role in _ACTUAL_ROLES] if t.header else []
    )
    for label in labels:
        found = MONTH.search(fold(label))
        if found:
            month = int(found.group(1) or found.group(2))
            if 1 <= month <= 12:
                return month
    return None


def _with_unit(text: str, target: TargetValue | None) -> str:
    """A bare number read with the unit of the indicator's target (``98`` beside ``≥95%``
    is ``98%``), as a unit reports it in the target's terms."""
    folded = fold(text).replace(",", "")
    if not NUMBER_ONLY.match(folded):
        return text
    if target is None or target.kind is not Kind.QUANTITATIVE or not target.unit:
        return text
    return f"{text}{target.unit}"


def _title_text(t: _Table) -> str:
    return next((text for text, _ in t.titles if _is_title(text)), "")


def _field_year(value: str | None) -> int | None:
    if not value:
        return None
    year = find_year(value if value.endswith("年") else value + "年")
    if year is None:
        match = NUMBERS.search(value)
        year = int(match.group(0)) if match else None
    return year

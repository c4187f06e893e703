"""Target tables in the store: the repository a unit of work reads them through
(``uow.tables``), and the one mapping between their rows and the domain.

The mapping reads a stored row or an approved version's snapshot (the JSON
:func:`table_dict` writes) by the same code: :func:`project_of`, :func:`overall_of`,
:func:`indicator_of`, :func:`goal_of`. :func:`indicator_row` and :func:`goal_row` go the
other way, from the domain to new rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from jixiao.domain.model import (
    Funds,
    Goal,
    Indicator,
    Nature,
    OverallTargets,
    Project,
)
from jixiao.domain.money import DEFAULT_UNIT
from jixiao.domain.values import Direction
from jixiao.domain.workflow import Status, TableRef
from jixiao.interchange import (
    location_from_dict,
    location_to_dict,
    value_from_dict,
    value_to_dict,
)
from jixiao.store.models import GoalRow, IndicatorRow, TargetTableRow

#: The two kinds of target table: a unit as a whole (部门整体) and a project.
OVERALL, PROJECT = "overall", "project"

#: What else a table prints about an indicator (domain.model.Indicator), kept as printed.
EXTRAS = ("weight", "direction", "nature", "basis", "explanation", "standard", "remark")

#: A stored table's row, or an approved version's snapshot of it.
Source = TargetTableRow | Mapping[str, Any]


# -- the repository ---------------------------------------------------------------------


class TableRepository:
    """Target tables of one session: get one (locked for an update if asked), or filter.

    ``missing`` makes the error raised for a table that does not exist (the services pass
    their NotFound), so that the store needs nothing from the layers above it.
    """

    def __init__(self, session: Session, missing: Callable[[str], Exception]) -> None:
        self.session = session
        self._missing = missing

    def get(self, table_id: int, *, lock: bool = False) -> TargetTableRow:
        """The table, or the ``missing`` error; ``lock``: ``SELECT … FOR UPDATE``."""
        query = select(TargetTableRow).where(TargetTableRow.id == table_id)
        if lock:
            query = query.with_for_update(of=TargetTableRow)
        row = self.session.execute(query).unique().scalar_one_or_none()
        if row is None:
            raise self._missing(f"绩效目标表 {table_id} 不存在")
        return row

    def lock(self, table_id: int) -> TargetTableRow:
        """The table, locked until the transaction ends."""
        return self.get(table_id, lock=True)

    def filter(self, *where: ColumnElement[bool], with_rows: bool = False) -> list[TargetTableRow]:
        """The tables meeting every condition, in id order; ``with_rows`` loads their
        indicators and goals in the same round trips."""
        query = select(TargetTableRow).where(*where).order_by(TargetTableRow.id)
        if with_rows:
            query = query.options(
                selectinload(TargetTableRow.indicators), selectinload(TargetTableRow.goals)
            )
        return list(self.session.execute(query).unique().scalars())

    def by_ids(self, table_ids: Iterable[int], *, with_rows: bool = False) -> list[TargetTableRow]:
        """The tables of these ids that exist, in the order given."""
        wanted = list(table_ids)
        if not wanted:
            return []
        found = {r.id: r for r in self.filter(TargetTableRow.id.in_(wanted), with_rows=with_rows)}
        return [found[i] for i in wanted if i in found]


# -- rows and snapshots to the domain ---------------------------------------------------


def _reader(source: Any) -> Callable[..., Any]:
    """``get(key, default)``: a snapshot's value (``default`` when it has none), or a row's
    attribute."""
    if isinstance(source, Mapping):
        return source.get
    return lambda key, default=None: getattr(source, key)


def ref_of(row: TargetTableRow) -> TableRef:
    """What the permission checks need to know of a stored table."""
    department = row.unit.department.name if row.unit.department else row.department
    return TableRef(unit=row.unit.name, department=department, status=Status(row.status))


def extras_of(data: Any) -> dict[str, Any]:
    """The extras of an indicator as :class:`Indicator` takes them, from its row, its
    snapshot (:func:`indicator_dict`) or a domain :class:`Indicator` (the import preview)."""
    get = _reader(data)
    found = {key: get(key) for key in EXTRAS}
    direction, nature = found["direction"], found["nature"]
    return {
        **{key: found[key] or "" for key in ("basis", "explanation", "standard", "remark")},
        "weight": found["weight"],
        "direction": Direction(direction) if direction else None,
        "nature": Nature(nature) if nature else None,
    }


def indicator_of(source: IndicatorRow | Mapping[str, Any]) -> Indicator:
    get = _reader(source)
    return Indicator(
        level1=get("level1", ""),
        level2=get("level2", ""),
        name=get("name", ""),
        half_year=value_from_dict(get("half_year")),
        full_year=value_from_dict(get("full_year")),
        long_term=value_from_dict(get("long_term")),
        level1_label=get("level1_label"),
        level2_label=get("level2_label"),
        source=location_from_dict(get("source")),
        **extras_of(source),
    )


def goal_of(source: GoalRow | Mapping[str, Any]) -> Goal:
    get = _reader(source)
    return Goal(
        seq=get("seq", ""),
        function=get("function", ""),
        work=get("work", ""),
        goal=get("goal", ""),
        target=value_from_dict(get("target")),
        source=location_from_dict(get("source")),
    )


def _unit_name(source: Source, default: str | None) -> Any:
    if isinstance(source, Mapping):
        return source.get("unit", default)
    return source.unit.name


def project_of(source: Source) -> Project:
    """A project's table as the domain's :class:`Project`."""
    get = _reader(source)
    if isinstance(source, Mapping):
        funds = funds_from_dict(source.get("funds") or {})
        indicators = source.get("indicators") or []
    else:
        funds = row_funds(source)
        indicators = source.indicators
    return Project(
        name=get("name", ""),
        department=get("department"),  # as printed (the unit's may come from elsewhere)
        unit=_unit_name(source, None),
        fiscal_year=get("fiscal_year"),
        start_year=get("start_year"),
        end_year=get("end_year"),
        funds=funds,
        annual_goal=get("annual_goal") or "",
        long_term_goal=get("long_term_goal") or "",
        indicators=tuple(indicator_of(i) for i in indicators),
        source=location_from_dict(get("source")),
    )


def overall_of(source: Source) -> OverallTargets:
    """A unit's overall table as the domain's :class:`OverallTargets`."""
    get = _reader(source)
    goals = (source.get("goals") or []) if isinstance(source, Mapping) else source.goals
    return OverallTargets(
        unit=_unit_name(source, ""),
        fiscal_year=get("fiscal_year"),
        department=get("department"),  # as printed (the unit's may come from elsewhere)
        goals=tuple(goal_of(g) for g in goals),
        source=location_from_dict(get("source")),
    )


def table_of(source: Source) -> Project | OverallTargets:
    """Either kind of table in the domain."""
    kind = source.get("kind") if isinstance(source, Mapping) else source.kind
    return overall_of(source) if kind == OVERALL else project_of(source)


def target_rows(row: TargetTableRow) -> list[IndicatorRow] | list[GoalRow]:
    """The rows actuals are reported on: a unit's work items, or a project's indicators."""
    return row.goals if row.kind == OVERALL else row.indicators


def row_name(item: IndicatorRow | GoalRow) -> str:
    """The name actuals give a row by: a work item's work, an indicator's name."""
    return item.work if isinstance(item, GoalRow) else item.name


# -- funds ------------------------------------------------------------------------------


def row_funds(row: TargetTableRow) -> Funds | None:
    """A stored table's funds (元, with the unit printed), or None."""
    amounts = (row.funds_total, row.funds_fiscal, row.funds_carryover, row.funds_other)
    if all(x is None for x in amounts):
        return None
    total, fiscal, carryover, other = amounts
    return Funds(total, fiscal, carryover, other, unit=row.funds_unit or DEFAULT_UNIT)


def funds_to_dict(funds: Funds | None) -> dict[str, Any]:
    """Funds as JSON (a version's snapshot): numbers in the printed unit, with the unit."""
    if funds is None:
        return {"total": None, "fiscal": None, "carryover": None, "other": None}
    return {**funds.printed_amounts(), "unit": funds.unit}


def funds_from_dict(data: Any) -> Funds | None:
    """Funds from :func:`funds_to_dict` (snapshots written before amounts carried their unit
    are in 万元)."""
    if not isinstance(data, dict):
        return None
    amounts = {k: data.get(k) for k in ("total", "fiscal", "carryover", "other")}
    if all(v is None for v in amounts.values()):
        return None
    return Funds.printed(data.get("unit") or DEFAULT_UNIT, **amounts)


# -- rows to snapshots (what an approved version keeps and the audit records) -----------


def indicator_dict(row: IndicatorRow) -> dict[str, Any]:
    return {
        "level1": row.level1,
        "level2": row.level2,
        "name": row.name,
        "level1_label": row.level1_label,
        "level2_label": row.level2_label,
        "half_year": row.half_year,
        "full_year": row.full_year,
        "long_term": row.long_term,
        **_extras_dict(row),
    }


def _extras_dict(row: IndicatorRow) -> dict[str, Any]:
    """The indicator's printed extras that are set (an unset one is left out, so that the
    audit trail and the versions of tables without them read as before)."""
    found = {key: getattr(row, key) for key in EXTRAS}
    return {k: v for k, v in found.items() if v not in (None, "")}


def goal_dict(row: GoalRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "function": row.function,
        "work": row.work,
        "goal": row.goal,
        "target": row.target,
    }


def table_dict(row: TargetTableRow) -> dict[str, Any]:
    """The whole table as JSON: what an approved version keeps and the audit records."""
    data: dict[str, Any] = {
        "kind": row.kind,
        "name": row.name,
        "unit": row.unit.name,
        "department": row.department,
        "fiscal_year": row.fiscal_year,
        "status": row.status,
        "version": row.version,
    }
    if row.kind == PROJECT:
        data.update(
            start_year=row.start_year,
            end_year=row.end_year,
            funds=funds_to_dict(row_funds(row)),
            indicators=[indicator_dict(i) for i in row.indicators],
        )
        if row.annual_goal:
            data["annual_goal"] = row.annual_goal
        if row.long_term_goal:
            data["long_term_goal"] = row.long_term_goal
    else:
        data["goals"] = [goal_dict(g) for g in row.goals]
    return data


# -- the domain to new rows -------------------------------------------------------------


def indicator_row(position: int, ind: Indicator) -> IndicatorRow:
    return IndicatorRow(
        position=position,
        level1=ind.level1,
        level2=ind.level2,
        name=ind.name,
        level1_label=ind.level1_label,
        level2_label=ind.level2_label,
        half_year=value_to_dict(ind.half_year),
        full_year=value_to_dict(ind.full_year),
        long_term=value_to_dict(ind.long_term),
        weight=ind.weight,
        direction=ind.direction.value if ind.direction is not None else None,
        nature=ind.nature.value if ind.nature is not None else None,
        basis=ind.basis,
        explanation=ind.explanation,
        standard=ind.standard,
        remark=ind.remark,
        source=location_to_dict(ind.source),
    )


def goal_row(position: int, goal: Goal) -> GoalRow:
    return GoalRow(
        position=position,
        seq=goal.seq,
        function=goal.function,
        work=goal.work,
        goal=goal.goal,
        target=value_to_dict(goal.target),
        source=location_to_dict(goal.source),
    )

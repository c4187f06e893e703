"""Use cases on target tables: import, read, edit, and the workflow (submit → approve).

Every public function runs in one unit of work: it checks permissions with the domain's
workflow rules, changes rows, appends audit entries, and commits — or changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jixiao.domain.limits import first_too_long
from jixiao.domain.messages import operator_name, year_text
from jixiao.domain.model import (
    Document,
    OverallTargets,
    Project,
    SourceInfo,
)
from jixiao.domain.scoring import ScoringScheme
from jixiao.domain.taxonomy import taxonomy_for_year
from jixiao.domain.values import Kind, parse_value
from jixiao.domain.workflow import (
    Action,
    Actor,
    Grade,
    Status,
    TableRef,
    next_status,
)
from jixiao.interchange import (
    dumps,
    location_from_dict,
    location_to_dict,
    value_to_dict,
)
from jixiao.services import access, actuals, clock, preview
from jixiao.services.errors import Conflict, Duplicate, Invalid, NotFound, PermissionDenied
from jixiao.services.uow import UnitOfWork
from jixiao.services.views import (
    CommentView,
    GoalView,
    HistoryEntry,
    ImportPreview,
    ImportResult,
    IndicatorView,
    PlannedTable,
    ReviewView,
    TableDetail,
    TableSummary,
    VersionView,
    goal_view,
    indicator_view,
)
from jixiao.store.models import (
    AuditRow,
    CommentRow,
    DepartmentRow,
    GoalRow,
    IndicatorRow,
    ReviewRow,
    SourceFileRow,
    TableVersionRow,
    TargetTableRow,
    UnitRow,
    UserRow,
    utcnow,
)
from jixiao.store.tables import OVERALL as OVERALL  # the kinds, for web and CLI
from jixiao.store.tables import PROJECT as PROJECT
from jixiao.store.tables import (
    funds_from_dict,
    goal_dict,
    goal_of,
    goal_row,
    indicator_dict,
    indicator_of,
    indicator_row,
    overall_of,
    project_of,
    ref_of,
    row_funds,
    table_dict,
)

PERIODS = ("half_year", "full_year", "long_term")


# -- helpers ----------------------------------------------------------------------------


def _require(actor: Actor, action: access.AnyAction, row: TargetTableRow | None = None) -> None:
    access.require(actor, action, ref_of(row) if row is not None else None)


def _indicator_view(i: IndicatorRow) -> IndicatorView:
    return indicator_view(i.id, i.position, i.lock, indicator_of(i))


def _goal_view(g: GoalRow) -> GoalView:
    return goal_view(g.id, g.position, g.lock, goal_of(g))


def require_read(
    uow: UnitOfWork, actor: Actor | None, table_id: int, action: access.Read = access.Read.TABLE
) -> TableRef:
    """The table's reference when ``actor`` may read it (``None``: the command line);
    else NotFound or PermissionDenied."""
    with uow:
        ref = ref_of(uow.tables.get(table_id))
    if actor is not None:
        access.require(actor, action, ref)
    return ref


def _status_dict(row: TargetTableRow) -> dict[str, Any]:
    return {"status": row.status, "version": row.version}


# -- import -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Planned:
    kind: str
    unit: str
    department: str | None
    fiscal_year: int | None
    name: str
    table: OverallTargets | Project


def _plan(doc: Document, actor: Actor) -> tuple[list[_Planned], list[str]]:
    planned: list[_Planned] = []
    problems: list[str] = []
    departments = {p.unit: p.department for p in doc.projects if p.unit and p.department}
    for overall in doc.overall_targets:
        department = overall.department or departments.get(overall.unit)
        year = overall.fiscal_year or doc.fiscal_year
        planned.append(_Planned(OVERALL, overall.unit, department, year, overall.unit, overall))
    for project in doc.projects:
        unit = project.unit or access.fixed_unit(actor)
        if not unit:
            problems.append(f"项目“{project.name}”没有预算单位，无法导入")
            continue
        if not project.name:
            problems.append(f"{unit} 的一个项目没有项目名称，无法导入")
            continue
        year = project.fiscal_year or doc.fiscal_year
        planned.append(_Planned(PROJECT, unit, project.department, year, project.name, project))
    if access.is_unit_user(actor):
        for item in planned:
            if item.unit != actor.unit:
                problems.append(
                    f"“{item.name}”属于{item.unit}，只能导入本单位（{actor.unit}）的目标表"
                )
    keys = [(p.kind, p.unit, p.fiscal_year, p.name) for p in planned]
    for key in {k for k in keys if keys.count(k) > 1}:
        problems.append(f"文件中“{key[3]}”（{year_text(key[2])}）出现了不止一次")
    return planned, problems


def _foreign(item: _Planned, actor: Actor) -> str:
    return f"“{item.name}”属于{item.unit}，只能导入本单位（{actor.unit}）的目标表"


def _existing(session: Session, item: _Planned) -> TargetTableRow | None:
    return (
        session.execute(
            select(TargetTableRow)
            .join(UnitRow)
            .where(
                TargetTableRow.kind == item.kind,
                UnitRow.name == item.unit,
                TargetTableRow.fiscal_year == item.fiscal_year,
                TargetTableRow.name == item.name,
            )
        )
        .unique()
        .scalar_one_or_none()
    )


def _duplicate_of(session: Session, sha256: str | None) -> str | None:
    if not sha256:
        return None
    row = session.execute(
        select(SourceFileRow).where(SourceFileRow.sha256 == sha256)
    ).scalar_one_or_none()
    if row is None:
        return None
    who = session.execute(
        select(UserRow.display_name).where(UserRow.username == row.imported_by)
    ).scalar_one_or_none()
    return (
        f"同一文件（{row.name}）已于 {clock.shown(row.imported_at)} "
        f"由 {operator_name(row.imported_by, {row.imported_by: who or ''})} 导入"
    )


def preview_import(uow: UnitOfWork, actor: Actor, doc: Document) -> ImportPreview:
    """What importing ``doc`` would create, and why it would be refused (nothing written)."""
    _require(actor, Action.IMPORT)
    with uow:
        planned, problems = _plan(doc, actor)
        on_rows, on_tables, loose = preview.place_warnings(
            [item.table for item in planned], doc.warnings
        )
        tables = []
        for t, item in enumerate(planned):
            exists = _existing(uow.session, item) is not None
            if exists:
                problems.append(
                    f"{item.unit}“{item.name}”（{year_text(item.fiscal_year)}）已在系统中"
                )
            rows = (
                len(item.table.goals)
                if isinstance(item.table, OverallTargets)
                else len(item.table.indicators)
            )
            detail = preview.detail(
                t,
                item.table,
                unit=item.unit,
                department=item.department,
                fiscal_year=item.fiscal_year,
                name=item.name,
            )
            row_warnings = {
                preview.row_id(t, r): tuple(found)
                for (table, r), found in on_rows.items()
                if table == t
            }
            tables.append(
                PlannedTable(
                    item.kind,
                    item.name,
                    item.unit,
                    item.fiscal_year,
                    rows,
                    exists,
                    detail=detail,
                    row_warnings=row_warnings,
                    warnings=tuple(on_tables.get(t, ())),
                )
            )
        sha = doc.source.sha256 if doc.source else None
        return ImportPreview(
            doc,
            tuple(tables),
            _duplicate_of(uow.session, sha),
            tuple(problems),
            loose_warnings=tuple(loose),
        )


def _unit(session: Session, name: str, department: str | None) -> UnitRow:
    unit = (
        session.execute(select(UnitRow).where(UnitRow.name == name)).unique().scalar_one_or_none()
    )
    dept = None
    if department:
        dept = session.execute(
            select(DepartmentRow).where(DepartmentRow.name == department)
        ).scalar_one_or_none()
        if dept is None:
            dept = DepartmentRow(name=department)
            session.add(dept)
    if unit is None:
        unit = UnitRow(name=name, department=dept)
        session.add(unit)
    elif unit.department is None and dept is not None:
        unit.department = dept
    return unit


def import_document(
    uow: UnitOfWork,
    actor: Actor,
    doc: Document,
    *,
    approved: str | None = None,
    with_actuals: bool = True,
    scheme: ScoringScheme | None = None,
) -> ImportResult:
    """Import every table of ``doc``, all or nothing, in one transaction.  The same source
    twice is refused.

    ``approved`` (the reason, e.g. the published file) records the tables as approved
    (登记批复).  The actuals a published self-evaluation or monitoring table holds
    (``doc.actuals``) are then saved too, checked like any report (a problem refuses the
    whole document; ``with_actuals=False`` imports the targets alone).  Tables that stay
    drafts cannot take actuals: they are counted in ``actuals_held``.
    """
    _require(actor, Action.IMPORT)
    # The file's name only: never the folder it was read from on a server or a client.
    source_name = (
        PurePath(doc.source.file.replace("\\", "/")).name or doc.source.file
        if doc.source
        else "(unnamed)"
    )
    with uow:
        session = uow.session
        duplicate = _duplicate_of(session, doc.source.sha256 if doc.source else None)
        if duplicate:
            raise Duplicate(duplicate)
        planned, problems = _plan(doc, actor)
        foreign = [
            _foreign(i, actor)
            for i in planned
            if access.is_unit_user(actor) and i.unit != actor.unit
        ]
        if foreign:
            raise PermissionDenied("；".join(foreign))
        for item in planned:
            if _existing(session, item) is not None:
                problems.append(
                    f"{item.unit}“{item.name}”（{year_text(item.fiscal_year)}）已在系统中"
                )
        if problems:
            raise Invalid("；".join(problems))
        sha256 = (doc.source.sha256 if doc.source else None) or hashlib.sha256(
            dumps(doc).encode("utf-8")
        ).hexdigest()
        source_file = SourceFileRow(
            sha256=sha256,
            name=source_name,
            layout=doc.source.layout if doc.source else None,
            imported_by=actor.username,
            warnings=[
                {"code": w.code, "message": w.message, "location": location_to_dict(w.location)}
                for w in doc.warnings
            ],
        )
        session.add(source_file)
        session.flush()
        ids: list[int] = []
        for item in planned:
            row = TargetTableRow(
                kind=item.kind,
                unit=_unit(session, item.unit, item.department),
                fiscal_year=item.fiscal_year,
                name=item.name,
                department=item.table.department,  # as printed; the unit gets the inferred one
                status=Status.DRAFT.value,
                version=1,
                source=location_to_dict(item.table.source),
                source_file_id=source_file.id,
            )
            if isinstance(item.table, Project):
                project = item.table
                row.start_year, row.end_year = project.start_year, project.end_year
                row.annual_goal, row.long_term_goal = project.annual_goal, project.long_term_goal
                if project.funds is not None:
                    row.funds_total = project.funds.total
                    row.funds_fiscal = project.funds.fiscal
                    row.funds_carryover = project.funds.carryover
                    row.funds_other = project.funds.other
                    row.funds_unit = project.funds.unit
                row.indicators = [indicator_row(k, i) for k, i in enumerate(project.indicators)]
            else:
                row.goals = [goal_row(k, g) for k, g in enumerate(item.table.goals)]
            session.add(row)
            session.flush()
            ids.append(row.id)
            uow.audit(
                actor.username,
                "import",
                "table",
                row.id,
                table_id=row.id,
                after={"source": source_name, **table_dict(row)},
            )
        reports = [a for a in doc.actuals if a.projects or a.overall] if with_actuals else []
        saved = held = 0
        if approved is not None:
            for table_id in ids:
                _record_approved(uow, actor, table_id, approved)
            for report in reports:
                result = actuals.save_in(uow, actor, report, where=source_name, scheme=scheme)
                saved += len(result.reports)
        else:
            held = sum(len(a.projects) + len(a.overall) for a in reports)
        uow.commit()
        return ImportResult(
            source=source_name,
            table_ids=tuple(ids),
            goals=doc.goal_count,
            indicators=doc.indicator_count,
            warnings=len(doc.warnings),
            actuals=saved,
            actuals_held=held,
        )


def local_time(iso: str) -> str:
    """An audit timestamp (ISO, UTC) in the display time zone ($JIXIAO_TZ, default
    Asia/Shanghai), as users read times."""
    return clock.shown(iso, seconds=True)


def _num(value: float | int | None) -> float | None:
    return None if value is None else float(value)


# -- reading ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableFilter:
    year: int | None = None
    department: str | None = None
    unit: str | None = None
    status: Status | None = None
    kind: str | None = None
    q: str | None = None
    limit: int = 200
    offset: int = 0
    #: Whose reading scope holds (services.access.table_scope); None: every table.
    reader: Actor | None = None


def list_tables(uow: UnitOfWork, f: TableFilter) -> tuple[list[TableSummary], int]:
    """Tables matching the filter (and the reader's scope), newest year first, and how many
    match in all."""
    with uow:
        session = uow.session
        counts = (
            select(IndicatorRow.table_id, func.count().label("n"))
            .group_by(IndicatorRow.table_id)
            .subquery()
        )
        goal_counts = (
            select(GoalRow.table_id, func.count().label("n")).group_by(GoalRow.table_id).subquery()
        )
        query = (
            select(
                TargetTableRow,
                func.coalesce(counts.c.n, 0) + func.coalesce(goal_counts.c.n, 0),
            )
            .join(UnitRow, TargetTableRow.unit_id == UnitRow.id)
            .outerjoin(DepartmentRow, UnitRow.department_id == DepartmentRow.id)
            .outerjoin(counts, counts.c.table_id == TargetTableRow.id)
            .outerjoin(goal_counts, goal_counts.c.table_id == TargetTableRow.id)
            .where(access.table_scope(f.reader))
        )
        if f.year is not None:
            query = query.where(TargetTableRow.fiscal_year == f.year)
        if f.department:
            query = query.where(
                or_(DepartmentRow.name == f.department, TargetTableRow.department == f.department)
            )
        if f.unit:
            query = query.where(UnitRow.name == f.unit)
        if f.status is not None:
            query = query.where(TargetTableRow.status == f.status.value)
        if f.kind:
            query = query.where(TargetTableRow.kind == f.kind)
        if f.q:
            query = query.where(
                or_(
                    TargetTableRow.name.icontains(f.q, autoescape=True),
                    UnitRow.name.icontains(f.q, autoescape=True),
                )
            )
        total = session.execute(
            select(func.count()).select_from(query.with_only_columns(TargetTableRow.id).subquery())
        ).scalar_one()
        rows = session.execute(
            query.order_by(
                TargetTableRow.fiscal_year.desc(),
                UnitRow.name,
                TargetTableRow.kind.desc(),
                TargetTableRow.id,
            )
            .limit(f.limit)
            .offset(f.offset)
        ).unique()
        summaries = [
            TableSummary(
                id=t.id,
                kind=t.kind,
                name=t.name,
                unit=t.unit.name,
                department=t.unit.department.name if t.unit.department else t.department,
                fiscal_year=t.fiscal_year,
                status=Status(t.status),
                version=t.version,
                rows=int(n),
                updated_at=t.updated_at,
            )
            for t, n in rows
        ]
        return summaries, int(total)


def latest_year(uow: UnitOfWork, actor: Actor) -> int | None:
    """The year a user's pages open on: the latest year with tables the user may see (a
    unit's own, a department's units', 人大's and 审计's approved ones), never a year only
    someone else's import (or drafts) brought."""
    with uow:
        query = (
            select(func.max(TargetTableRow.fiscal_year))
            .join(UnitRow, UnitRow.id == TargetTableRow.unit_id)
            .where(access.table_scope(actor))
        )
        unit, department = access.fixed_unit(actor), access.fixed_department(actor)
        if unit is not None:
            query = query.where(UnitRow.name == unit)
        elif department is not None:
            query = query.join(DepartmentRow, DepartmentRow.id == UnitRow.department_id).where(
                DepartmentRow.name == department
            )
        year: int | None = uow.session.execute(query).scalar_one_or_none()
        return year


def filter_options(uow: UnitOfWork) -> dict[str, list[Any]]:
    """Values to offer in list filters: years, departments, units (names only, which are
    public: no reading scope)."""
    with uow:
        s = uow.session
        years = s.execute(
            select(TargetTableRow.fiscal_year)
            .distinct()
            .order_by(TargetTableRow.fiscal_year.desc())
        ).scalars()
        departments = s.execute(select(DepartmentRow.name).order_by(DepartmentRow.name)).scalars()
        units = s.execute(select(UnitRow.name).order_by(UnitRow.name)).scalars()
        return {
            "years": [y for y in years if y is not None],
            "departments": list(departments),
            "units": list(units),
        }


@dataclass(frozen=True, slots=True)
class UnitYear:
    """A unit's tables of one year, counted (the 绩效监控与自评 index)."""

    unit: str
    department: str | None
    fiscal_year: int | None
    projects: int  # project tables
    overall: bool  # has a table of the unit as a whole


def unit_years(uow: UnitOfWork, reader: Actor | None = None) -> list[UnitYear]:
    """Every unit and year with tables (that ``reader`` may read), newest year first, then
    by unit; counted in the database (one row per unit and year, never the tables)."""
    with uow:
        department = func.max(TargetTableRow.department)
        projects = func.count().filter(TargetTableRow.kind == PROJECT)
        overall = func.count().filter(TargetTableRow.kind == OVERALL)
        rows = uow.session.execute(
            select(UnitRow.name, department, TargetTableRow.fiscal_year, projects, overall)
            .join(UnitRow, UnitRow.id == TargetTableRow.unit_id)
            .where(access.table_scope(reader))
            .group_by(UnitRow.name, TargetTableRow.fiscal_year)
            .order_by(TargetTableRow.fiscal_year.desc(), UnitRow.name)
        ).all()
        return [UnitYear(u, d, y, int(p), int(o) > 0) for u, d, y, p, o in rows]


def _actions(actor: Actor | None, row: TargetTableRow) -> frozenset[Action]:
    if actor is None:
        return frozenset()
    ref = ref_of(row)
    table_actions = (
        Action.EDIT,
        Action.SUBMIT,
        Action.REVIEW,
        Action.APPROVE,
        Action.ADJUST,
        Action.COMMENT,
        Action.REPORT,
        Action.RESCORE,
        Action.RECORD_APPROVED,
    )
    return frozenset(a for a in table_actions if access.allowed(actor, a, ref))


def get_table(uow: UnitOfWork, table_id: int, actor: Actor | None = None) -> TableDetail:
    """The table as ``actor`` may read it (``None``: the command line, no actions)."""
    with uow:
        row = uow.tables.get(table_id)
        if actor is not None:
            access.require(actor, access.Read.TABLE, ref_of(row))
        return detail_in(uow, row, actor)


def detail_in(uow: UnitOfWork, row: TargetTableRow, actor: Actor | None) -> TableDetail:
    """:func:`get_table` of a table already read (and its reading allowed) inside the
    caller's unit of work."""
    s = uow.session
    table_id = row.id
    reviews = s.execute(
        select(ReviewRow).where(ReviewRow.table_id == table_id).order_by(ReviewRow.id)
    ).scalars()
    comments = s.execute(
        select(CommentRow).where(CommentRow.table_id == table_id).order_by(CommentRow.id)
    ).scalars()
    versions = s.execute(
        select(TableVersionRow.number)
        .where(TableVersionRow.table_id == table_id)
        .order_by(TableVersionRow.number)
    ).scalars()
    source_file = (
        s.get(SourceFileRow, row.source_file_id) if row.source_file_id is not None else None
    )
    return TableDetail(
        id=row.id,
        kind=row.kind,
        name=row.name,
        unit=row.unit.name,
        department=row.unit.department.name if row.unit.department else row.department,
        fiscal_year=row.fiscal_year,
        start_year=row.start_year,
        end_year=row.end_year,
        funds=row_funds(row),
        annual_goal=row.annual_goal,
        long_term_goal=row.long_term_goal,
        status=Status(row.status),
        version=row.version,
        adjust_reason=row.adjust_reason,
        lock=row.lock,
        source=location_from_dict(row.source),
        source_file=source_file.name if source_file else None,
        indicators=tuple(_indicator_view(i) for i in row.indicators),
        goals=tuple(_goal_view(g) for g in row.goals),
        reviews=tuple(
            ReviewView(r.reviewer, r.role, r.grade, r.opinion, r.version, r.created_at)
            for r in reviews
        ),
        comments=tuple(CommentView(c.id, c.author, c.role, c.body, c.created_at) for c in comments),
        versions=tuple(versions),
        actions=_actions(actor, row),
    )


def load_document(uow: UnitOfWork, f: TableFilter) -> tuple[Document, dict[str, int]]:
    """The tables matching ``f`` as one domain document, and each table's id by name."""
    summaries, _ = list_tables(uow, f)
    ids = [t.id for t in summaries]
    with uow:
        rows = (
            uow.session.execute(select(TargetTableRow).where(TargetTableRow.id.in_(ids)))
            .unique()
            .scalars()
            .all()
        )
        by_id = {r.id: r for r in rows}
        ordered = [by_id[i] for i in ids if i in by_id]
        overall = tuple(overall_of(r) for r in ordered if r.kind == OVERALL)
        projects = tuple(project_of(r) for r in ordered if r.kind == PROJECT)
        years = {r.fiscal_year for r in ordered}
        document = Document(
            fiscal_year=years.pop() if len(years) == 1 else None,
            overall_targets=overall,
            projects=projects,
        )
        return document, {r.name: r.id for r in ordered}


def source_of(
    uow: UnitOfWork, table_ids: Sequence[int], reader: Actor | None = None
) -> SourceInfo | None:
    """The file the tables were all imported from, when they share one (of the tables
    ``reader`` may read; None: the command line)."""
    if not table_ids:
        return None
    with uow:
        found = set(
            uow.session.execute(
                select(TargetTableRow.source_file_id)
                .where(TargetTableRow.id.in_(table_ids))
                .where(access.table_scope(reader))
            ).scalars()
        )
        if len(found) != 1 or None in found:
            return None
        row = uow.session.get(SourceFileRow, found.pop())
        if row is None:
            return None
        return SourceInfo(file=row.name, sha256=row.sha256, layout=row.layout)


def get_version(
    uow: UnitOfWork, table_id: int, number: int, actor: Actor | None = None
) -> VersionView:
    """An approved version, when ``actor`` may read the table's versions."""
    require_read(uow, actor, table_id, access.Read.VERSION)
    with uow:
        row = uow.session.execute(
            select(TableVersionRow).where(
                TableVersionRow.table_id == table_id, TableVersionRow.number == number
            )
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"绩效目标表 {table_id} 没有第 {number} 版")
        return VersionView(row.number, row.reason, row.approved_by, row.approved_at, row.snapshot)


def version_detail(table_id: int, v: VersionView) -> TableDetail:
    """An approved version's snapshot as a read-only TableDetail (for the same templates
    as the table's page), read by the mapping that reads the stored rows."""
    s = v.snapshot
    return TableDetail(
        id=table_id,
        kind=s.get("kind", PROJECT),
        name=s.get("name", ""),
        unit=s.get("unit", ""),
        department=s.get("department"),
        fiscal_year=s.get("fiscal_year"),
        start_year=s.get("start_year"),
        end_year=s.get("end_year"),
        funds=funds_from_dict(s.get("funds") or {}),
        annual_goal=s.get("annual_goal") or "",
        long_term_goal=s.get("long_term_goal") or "",
        status=Status(s.get("status", Status.APPROVED.value)),
        version=v.number,
        adjust_reason=v.reason,
        lock=0,
        source=None,
        source_file=None,
        indicators=tuple(
            indicator_view(0, k, 0, indicator_of(i))
            for k, i in enumerate(s.get("indicators") or [])
        ),
        goals=tuple(goal_view(0, k, 0, goal_of(g)) for k, g in enumerate(s.get("goals") or [])),
    )


def history(uow: UnitOfWork, table_id: int, actor: Actor | None = None) -> list[HistoryEntry]:
    """Every audited write to the table and its rows, newest first (when ``actor`` may
    read its history)."""
    require_read(uow, actor, table_id, access.Read.HISTORY)
    with uow:
        rows = uow.session.execute(
            select(AuditRow).where(AuditRow.table_id == table_id).order_by(AuditRow.seq.desc())
        ).scalars()
        return [
            HistoryEntry(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after)
            for r in rows
        ]


# -- editing ----------------------------------------------------------------------------


def _parse_period_value(field: str, text: str | None) -> dict[str, Any] | None:
    if text is None or not text.strip():
        return None
    value = parse_value(text.strip())
    if value.kind is Kind.TEXT:
        raise Invalid(f"指标值“{text}”无法识别：{value.reason}", field=field)
    return value_to_dict(value)


def _check_levels(year: int | None, level1: str, level2: str) -> tuple[str, str]:
    taxonomy = taxonomy_for_year(year)
    l1 = taxonomy.resolve_level1(level1)
    if l1 is None:
        known = "、".join(taxonomy.level1)
        raise Invalid(
            f"一级指标“{level1}”不在 {taxonomy.version} 版指标体系中（{known}）", "level1"
        )
    l2 = taxonomy.resolve_level2(level2)
    if l2 is None or l2.parent != l1:
        known = "、".join(taxonomy.level2_of(l1))
        raise Invalid(f"二级指标“{level2}”不属于一级指标“{l1}”（可选：{known}）", "level2")
    return l1, l2.name


def _stale(what: str, row: IndicatorRow | GoalRow, session: Session, table_id: int) -> Conflict:
    entity = "indicator" if isinstance(row, IndicatorRow) else "goal"
    last = session.execute(
        select(AuditRow)
        .where(
            AuditRow.table_id == table_id,
            AuditRow.entity == entity,
            AuditRow.entity_id == str(row.id),
        )
        .order_by(AuditRow.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    who = f"已被 {last.actor} 于 {local_time(last.at)} 修改" if last else "已被他人修改"
    current = indicator_dict(row) if isinstance(row, IndicatorRow) else goal_dict(row)
    current = {"id": row.id, "lock": row.lock, **current}
    return Conflict(f"{what}{who}，您的修改未保存。请查看最新内容后重新编辑。", current)


def _check_lengths(fields: Mapping[str, str | None]) -> None:
    """Refuse a field longer than its limit (domain.limits), at the field."""
    found = first_too_long(fields)
    if found is not None:
        raise Invalid(found[1], found[0])


def _editable_table(uow: UnitOfWork, actor: Actor, table_id: int, kind: str) -> TargetTableRow:
    row = uow.tables.lock(table_id)
    _require(actor, Action.EDIT, row)
    if row.kind != kind:
        raise Invalid(
            f"绩效目标表 {table_id} 不是{'项目' if kind == PROJECT else '部门整体'}目标表"
        )
    row.updated_at = utcnow()  # the table changes when any of its rows does
    return row


def _find(rows: Sequence[Any], row_id: int, what: str) -> Any:
    for row in rows:
        if row.id == row_id:
            return row
    raise NotFound(f"{what} {row_id} 不存在")


def save_indicator(
    uow: UnitOfWork,
    actor: Actor,
    table_id: int,
    fields: dict[str, str | None],
    *,
    indicator_id: int | None = None,
    expected_lock: int | None = None,
) -> IndicatorView:
    """Create (``indicator_id`` None) or change an indicator; refuses a stale ``expected_lock``."""
    _check_lengths(fields)
    with uow:
        table = _editable_table(uow, actor, table_id, PROJECT)
        row: IndicatorRow | None = None
        before = None
        if indicator_id is not None:
            row = _find(table.indicators, indicator_id, "指标")
            assert row is not None
            if expected_lock is None:
                raise Invalid("修改指标需要提供版本号（lock）", "lock")
            if row.lock != expected_lock:
                raise _stale(f"指标“{row.name}”", row, uow.session, table_id)
            before = indicator_dict(row)
        name = (fields.get("name") if "name" in fields else row.name if row else "") or ""
        if not name.strip():
            raise Invalid("三级指标名称不能为空", "name")
        level1 = fields.get("level1") or (row.level1 if row else "")
        level2 = fields.get("level2") or (row.level2 if row else "")
        level1, level2 = _check_levels(table.fiscal_year, level1 or "", level2 or "")
        values = {
            p: _parse_period_value(p, fields[p])
            if p in fields
            else (getattr(row, p) if row else None)
            for p in PERIODS
        }
        if not any(values.values()):
            raise Invalid("至少需要一个指标值", "full_year")
        if row is None:
            row = IndicatorRow(position=_next_position(table.indicators), source=None)
            table.indicators.append(row)
        if row.level1 != level1:
            row.level1_label = None  # the printed label no longer applies
        if row.level2 != level2:
            row.level2_label = None
        row.level1, row.level2, row.name = level1, level2, name.strip()
        for period, value in values.items():
            _set_value(row, period, value)
        uow.session.flush()
        uow.audit(
            actor.username,
            "update" if before is not None else "create",
            "indicator",
            row.id,
            table_id=table_id,
            before=before,
            after=indicator_dict(row),
        )
        uow.commit()
        return _indicator_view(row)


def _next_position(rows: Sequence[IndicatorRow] | Sequence[GoalRow]) -> int:
    return max((r.position for r in rows), default=-1) + 1


def _set_value(row: IndicatorRow | GoalRow, attr: str, value: dict[str, Any] | None) -> None:
    """Store a value unless it reads as before (keeping the old one's provenance)."""
    old = getattr(row, attr)
    if old is not None and value is not None and old.get("text") == value.get("text"):
        return
    setattr(row, attr, value)


def delete_indicator(
    uow: UnitOfWork, actor: Actor, table_id: int, indicator_id: int, expected_lock: int
) -> None:
    with uow:
        table = _editable_table(uow, actor, table_id, PROJECT)
        row: IndicatorRow = _find(table.indicators, indicator_id, "指标")
        if row.lock != expected_lock:
            raise _stale(f"指标“{row.name}”", row, uow.session, table_id)
        before = indicator_dict(row)
        # Other rows keep their positions (gaps are fine): renumbering would change their
        # locks and make other editors' saves look stale.
        table.indicators.remove(row)
        uow.audit(
            actor.username, "delete", "indicator", indicator_id, table_id=table_id, before=before
        )
        uow.commit()


def save_goal(
    uow: UnitOfWork,
    actor: Actor,
    table_id: int,
    fields: dict[str, str | None],
    *,
    goal_id: int | None = None,
    expected_lock: int | None = None,
) -> GoalView:
    """Create or change a row of a unit's overall targets."""
    _check_lengths(fields)
    with uow:
        table = _editable_table(uow, actor, table_id, OVERALL)
        row: GoalRow | None = None
        before = None
        if goal_id is not None:
            row = _find(table.goals, goal_id, "目标")
            assert row is not None
            if expected_lock is None:
                raise Invalid("修改目标需要提供版本号（lock）", "lock")
            if row.lock != expected_lock:
                raise _stale(f"工作“{row.work}”", row, uow.session, table_id)
            before = goal_dict(row)
        merged = {
            key: (fields.get(key) if key in fields else getattr(row, key) if row else "") or ""
            for key in ("seq", "function", "work", "goal")
        }
        for key, label in (("function", "职能"), ("work", "工作及项目名称"), ("goal", "年度目标")):
            if not merged[key].strip():
                raise Invalid(f"{label}不能为空", key)
        target = (
            _parse_period_value("target", fields["target"])
            if "target" in fields
            else (row.target if row else None)
        )
        if row is None:
            row = GoalRow(position=_next_position(table.goals), source=None)
            table.goals.append(row)
        row.seq, row.function = merged["seq"].strip(), merged["function"].strip()
        row.work, row.goal = merged["work"].strip(), merged["goal"].strip()
        _set_value(row, "target", target)
        uow.session.flush()
        uow.audit(
            actor.username,
            "update" if before is not None else "create",
            "goal",
            row.id,
            table_id=table_id,
            before=before,
            after=goal_dict(row),
        )
        uow.commit()
        return _goal_view(row)


def delete_goal(
    uow: UnitOfWork, actor: Actor, table_id: int, goal_id: int, expected_lock: int
) -> None:
    with uow:
        table = _editable_table(uow, actor, table_id, OVERALL)
        row: GoalRow = _find(table.goals, goal_id, "目标")
        if row.lock != expected_lock:
            raise _stale(f"工作“{row.work}”", row, uow.session, table_id)
        before = goal_dict(row)
        table.goals.remove(row)
        uow.audit(actor.username, "delete", "goal", goal_id, table_id=table_id, before=before)
        uow.commit()


# -- workflow ---------------------------------------------------------------------------


def _transition(
    uow: UnitOfWork,
    actor: Actor,
    table_id: int,
    action: Action,
    *,
    grade: Grade | None = None,
    extra: dict[str, Any] | None = None,
) -> TargetTableRow:
    row = uow.tables.lock(table_id)
    _require(actor, action, row)
    before = _status_dict(row)
    row.status = next_status(action, Status(row.status), grade).value
    return _finish_transition(uow, actor, row, action, before, extra)


def _finish_transition(
    uow: UnitOfWork,
    actor: Actor,
    row: TargetTableRow,
    action: Action,
    before: dict[str, Any],
    extra: dict[str, Any] | None,
) -> TargetTableRow:
    uow.audit(
        actor.username,
        action.value,
        "table",
        row.id,
        table_id=row.id,
        before=before,
        after={**_status_dict(row), **(extra or {})},
    )
    return row


def submit(uow: UnitOfWork, actor: Actor, table_id: int) -> Status:
    with uow:
        row = uow.tables.lock(table_id)
        _require(actor, Action.SUBMIT, row)
        if not (row.indicators or row.goals):
            raise Invalid("空的绩效目标表不能提交")
        before = _status_dict(row)
        row.status = next_status(Action.SUBMIT, Status(row.status)).value
        _finish_transition(uow, actor, row, Action.SUBMIT, before, None)
        uow.commit()
        return Status(row.status)


def review(
    uow: UnitOfWork, actor: Actor, table_id: int, grade: Grade | str, opinion: str
) -> Status:
    """Record a review; 优/良 pass it on, 中/差 send it back to the unit (退回)."""
    with uow:
        _require(actor, Action.REVIEW, uow.tables.get(table_id))
        try:
            grade = Grade(grade)
        except ValueError:
            raise Invalid(f"审核等级必须是 优、良、中、差 之一，收到“{grade}”", "grade") from None
        if not opinion.strip():
            raise Invalid("审核意见不能为空", "opinion")
        _check_lengths({"opinion": opinion})
        row = _transition(
            uow,
            actor,
            table_id,
            Action.REVIEW,
            grade=grade,
            extra={"grade": grade.value, "opinion": opinion.strip()},
        )
        uow.session.add(
            ReviewRow(
                table_id=table_id,
                version=row.version,
                reviewer=actor.username,
                role=actor.role.value,
                grade=grade.value,
                opinion=opinion.strip(),
            )
        )
        uow.commit()
        return Status(row.status)


def approve(uow: UnitOfWork, actor: Actor, table_id: int) -> Status:
    """Approve (批复): the table is locked and this version is kept whole."""
    with uow:
        row = _transition(uow, actor, table_id, Action.APPROVE)
        uow.session.add(
            TableVersionRow(
                table_id=table_id,
                number=row.version,
                reason=row.adjust_reason,
                snapshot=table_dict(row),
                approved_by=actor.username,
            )
        )
        uow.commit()
        return Status(row.status)


def record_approved(uow: UnitOfWork, actor: Actor, table_id: int, reason: str) -> Status:
    """Record a draft as approved outside jixiao (登记批复), e.g. targets imported from the
    published budget document: approved and kept whole as a version, with the reason
    (the source) in the audit trail."""
    with uow:
        status = _record_approved(uow, actor, table_id, reason)
        uow.commit()
        return status


def _record_approved(uow: UnitOfWork, actor: Actor, table_id: int, reason: str) -> Status:
    """:func:`record_approved` inside the caller's transaction."""
    if not reason.strip():
        raise Invalid("登记批复须说明依据（如公开文件）", "reason")
    _check_lengths({"reason": reason})
    row = _transition(
        uow, actor, table_id, Action.RECORD_APPROVED, extra={"reason": reason.strip()}
    )
    uow.session.add(
        TableVersionRow(
            table_id=table_id,
            number=row.version,
            reason=reason.strip(),
            snapshot=table_dict(row),
            approved_by=actor.username,
        )
    )
    return Status(row.status)


def adjust(uow: UnitOfWork, actor: Actor, table_id: int, reason: str) -> int:
    """Open an adjustment (调整) of an approved table: a new draft version, with a reason."""
    if not reason.strip():
        raise Invalid("调整须说明理由", "reason")
    _check_lengths({"reason": reason})
    with uow:
        row = uow.tables.lock(table_id)
        _require(actor, Action.ADJUST, row)
        before = _status_dict(row)
        row.status = next_status(Action.ADJUST, Status(row.status)).value
        row.version += 1
        row.adjust_reason = reason.strip()
        _finish_transition(uow, actor, row, Action.ADJUST, before, {"reason": reason.strip()})
        uow.commit()
        return row.version


def comment(uow: UnitOfWork, actor: Actor, table_id: int, body: str) -> CommentView:
    if not body.strip():
        raise Invalid("意见内容不能为空", "body")
    _check_lengths({"body": body})
    with uow:
        row = uow.tables.get(table_id)
        _require(actor, Action.COMMENT, row)
        c = CommentRow(
            table_id=table_id, author=actor.username, role=actor.role.value, body=body.strip()
        )
        uow.session.add(c)
        uow.session.flush()
        uow.audit(
            actor.username, "comment", "comment", c.id, table_id=table_id, after={"body": c.body}
        )
        uow.commit()
        return CommentView(c.id, c.author, c.role, c.body, c.created_at)


__all__ = [
    "TableFilter",
    "adjust",
    "approve",
    "comment",
    "delete_goal",
    "delete_indicator",
    "filter_options",
    "get_table",
    "get_version",
    "history",
    "import_document",
    "latest_year",
    "list_tables",
    "load_document",
    "preview_import",
    "record_approved",
    "review",
    "save_goal",
    "save_indicator",
    "submit",
]

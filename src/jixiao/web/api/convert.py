"""The services' views as the API's response models."""

from __future__ import annotations

from jixiao.domain.model import Diagnostic
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import TargetValue
from jixiao.domain.workflow import ROLE_LABELS, Action, Role
from jixiao.interchange import location_to_dict, value_to_dict
from jixiao.services.views import (
    CommentView,
    GoalView,
    IndicatorView,
    TableDetail,
    TableSummary,
    UserView,
)
from jixiao.web.api.schemas import (
    CommentOut,
    DiagnosticOut,
    FundsOut,
    GoalOut,
    IndicatorOut,
    LocationOut,
    ReviewOut,
    TableDetailOut,
    TableSummaryOut,
    UserOut,
    ValueOut,
)

KIND_LABELS = {"overall": "部门整体", "project": "项目"}


def location(p: Provenance | None) -> LocationOut | None:
    data = location_to_dict(p)
    return None if data is None else LocationOut.model_validate(data)


def value(v: TargetValue | None) -> ValueOut | None:
    data = value_to_dict(v)
    return None if data is None else ValueOut.model_validate(data)


def actions(allowed: frozenset[Action]) -> list[Action]:
    """The actions allowed, in the order of :class:`Action`."""
    return [a for a in Action if a in allowed]


def summary(t: TableSummary) -> TableSummaryOut:
    return TableSummaryOut(
        id=t.id,
        kind=t.kind,  # type: ignore[arg-type]
        kind_label=t.kind_label,
        name=t.name,
        unit=t.unit,
        department=t.department,
        fiscal_year=t.fiscal_year,
        status=t.status,
        status_label=t.status_label,
        version=t.version,
        rows=t.rows,
        updated_at=t.updated_at,
    )


def indicator(i: IndicatorView) -> IndicatorOut:
    return IndicatorOut(
        id=i.id,
        position=i.position,
        level1=i.level1,
        level2=i.level2,
        name=i.name,
        level1_label=i.level1_label,
        level2_label=i.level2_label,
        half_year=value(i.half_year),
        full_year=value(i.full_year),
        long_term=value(i.long_term),
        weight=i.weight,
        direction=i.direction.value if i.direction is not None else None,
        nature=i.nature.value if i.nature is not None else None,
        basis=i.basis,
        explanation=i.explanation,
        standard=i.standard,
        remark=i.remark,
        source=location(i.source),
        lock=i.lock,
    )


def goal(g: GoalView) -> GoalOut:
    return GoalOut(
        id=g.id,
        position=g.position,
        seq=g.seq,
        function=g.function,
        work=g.work,
        goal=g.goal,
        target=value(g.target),
        source=location(g.source),
        lock=g.lock,
    )


def comment(c: CommentView) -> CommentOut:
    return CommentOut(id=c.id, author=c.author, role=c.role, body=c.body, created_at=c.created_at)


def detail(d: TableDetail) -> TableDetailOut:
    return TableDetailOut(
        id=d.id,
        kind=d.kind,  # type: ignore[arg-type]
        kind_label=KIND_LABELS.get(d.kind, d.kind),
        name=d.name,
        unit=d.unit,
        department=d.department,
        fiscal_year=d.fiscal_year,
        start_year=d.start_year,
        end_year=d.end_year,
        funds=FundsOut.model_validate(
            {**d.funds.printed_amounts(), "unit": d.funds.unit} if d.funds is not None else {}
        ),
        annual_goal=d.annual_goal,
        long_term_goal=d.long_term_goal,
        status=d.status,
        status_label=d.status_label,
        version=d.version,
        adjust_reason=d.adjust_reason,
        lock=d.lock,
        source=location(d.source),
        source_file=d.source_file,
        indicators=[indicator(i) for i in d.indicators],
        goals=[goal(g) for g in d.goals],
        reviews=[
            ReviewOut(
                reviewer=r.reviewer,
                role=r.role,
                grade=r.grade,
                opinion=r.opinion,
                version=r.version,
                created_at=r.created_at,
            )
            for r in d.reviews
        ],
        comments=[comment(c) for c in d.comments],
        versions=list(d.versions),
        actions=actions(d.actions),
    )


def user(u: UserView) -> UserOut:
    role = Role(u.role)
    return UserOut(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        role=role,
        role_label=ROLE_LABELS[role],
        unit=u.unit,
        department=u.department,
        active=u.active,
        must_change_password=u.must_change_password,
    )


def diagnostic(w: Diagnostic) -> DiagnosticOut:
    return DiagnosticOut(code=w.code, message=w.message, location=location(w.location))

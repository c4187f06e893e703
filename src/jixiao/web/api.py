"""The JSON API under ``/api``: thin handlers over the services.

Every endpoint needs an actor: ``Authorization: Bearer <token>`` (a token from
``POST /api/tokens`` or ``jixiao user token``) or the pages' session cookie, which must then
carry ``X-CSRF-Token`` on unsafe methods (see :mod:`jixiao.web.deps`).

Errors are JSON ``{"detail": <中文说明>, "error": <kind>, "field"?: ..., "current"?: ...}``
with the status of the service error (see :func:`jixiao.web.app.create_app`): 401 no or bad
credentials, 403 not allowed (role, unit, department or the table's status), 404 not found,
409 changed by someone else (``current`` holds what is stored now) or already imported,
422 invalid input (``field`` names the field; actuals refused as a whole, ``error``
``Refused``, list every problem in ``problems``).

Target values are ``jixiao/1`` value objects (see docs/format.md): the text as printed and
what it means, with the place in the source file it came from.  Actuals are ``jixiao-actuals/1``
project entries, scores and lights the shapes of ``jixiao evaluate --json`` and
``jixiao monitor --json`` (:mod:`jixiao.interchange.results`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from fastapi import status as http
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.model import Diagnostic, Document
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import TargetValue
from jixiao.domain.workflow import (
    ROLE_LABELS,
    Action,
    Actor,
    Role,
    Status,
    TableRef,
)
from jixiao.interchange import FormatError, location_to_dict, value_to_dict
from jixiao.interchange.actuals import (
    ACTUALS_FORMAT,
    WireActuals,
    WireProjectActuals,
    load_actuals,
)
from jixiao.interchange.results import (
    ActualsDict,
    MonitorDict,
    ScoreDict,
    SummaryDict,
    actuals_to_dict,
    monitor_to_dict,
    score_to_dict,
    summary_to_dict,
)
from jixiao.services import (
    Conflict,
    Invalid,
    NotFound,
    access,
    audit,
    imports,
    tables,
    users,
)
from jixiao.services import actuals as performance
from jixiao.services import review as reviewing
from jixiao.services.views import (
    CommentView,
    GoalView,
    IndicatorView,
    TableDetail,
    TableSummary,
    TokenView,
    UserView,
)
from jixiao.web.deps import Config, CurrentActor, Svc

#: Largest upload accepted by the import endpoints (published tables are far smaller).
MAX_UPLOAD = 20 * 1024 * 1024

KIND_LABELS = {"overall": "部门整体", "project": "项目"}


def _as_utc(value: datetime) -> datetime:
    """Times are stored in UTC; SQLite gives them back without a zone, PostgreSQL with."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A point in time, always with its zone (UTC) so both backends answer alike.
Timestamp = Annotated[datetime, AfterValidator(_as_utc)]


# -- response and request models -------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorOut(_Out):
    """An error.  FastAPI's own request validation errors carry a list in ``detail``."""

    detail: str | list[dict[str, Any]] = Field(description="中文说明（或请求格式错误的列表）")
    error: str | None = Field(
        default=None,
        description="错误类型：NotFound、PermissionDenied、Invalid、Refused、Conflict、Duplicate",
    )
    field: str | None = Field(default=None, description="出错的字段（Invalid）")
    current: dict[str, Any] | None = Field(
        default=None,
        description="他人已修改时（Conflict），该行现在的内容，含新的 lock，格式同目标表详情"
        "（完成情况：格式同读取完成情况）",
    )
    problems: list[str] | None = Field(
        default=None,
        description="完成情况被整体拒绝时（Refused），每一个问题（指明项目、指标）；未保存任何数据",
    )


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "未登录或 API 令牌无效",
        403: "无权执行（角色、单位、部门或目标表状态不允许），或 CSRF 校验失败",
        404: "不存在",
        409: "他人已修改（current 为当前内容），或同一文件已导入",
        422: "输入无效（field 指出字段；完成情况被拒绝时 problems 列出每个问题）",
    }
    return {code: {"model": ErrorOut, "description": text[code]} for code in codes}


class ActorOut(_Out):
    username: str
    role: Role
    role_label: str = Field(description="角色的中文名称")
    unit: str | None = Field(description="所属预算单位（单位填报）")
    department: str | None = Field(description="主管部门（主管部门审核）")


class LocationOut(_Out):
    """Where something came from in its source file."""

    file: str
    page: int | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None


class ValueOut(_Out):
    """A target value as a ``jixiao/1`` value object."""

    text: str = Field(description="印刷原文，如“≥90%”")
    kind: Literal["quantitative", "qualitative", "date", "text"]
    op: Literal["=", ">=", "<=", ">", "<"] | None = None
    value: int | float | None = Field(default=None, description="数值（定量）")
    unit: str = Field(default="", description="计量单位")
    start: str | None = Field(default=None, description="日期或期间的开始（ISO）")
    end: str | None = Field(default=None, description="日期或期间的结束（ISO）")
    grade: str | None = Field(default=None, description="定性等级")
    reason: str = Field(default="", description="无法识别的原因（kind 为 text 时）")
    source: LocationOut | None = None


class FundsOut(_Out):
    """项目资金 as the table printed them: amounts in ``unit`` (元 / 千元 / 万元)."""

    total: float | None = None
    fiscal: float | None = None
    carryover: float | None = None
    other: float | None = None
    unit: str | None = None


class TableSummaryOut(_Out):
    id: int
    kind: Literal["overall", "project"]
    kind_label: str
    name: str = Field(description="项目名称；部门整体目标表为单位名称")
    unit: str
    department: str | None
    fiscal_year: int | None
    status: Status
    status_label: str
    version: int
    rows: int = Field(description="目标或指标的行数")
    updated_at: Timestamp


class TableListOut(_Out):
    total: int = Field(description="符合条件的目标表总数（不受 limit/offset 影响）")
    items: list[TableSummaryOut]


class IndicatorOut(_Out):
    id: int
    position: int
    level1: str = Field(description="一级指标（规范名称）")
    level2: str = Field(description="二级指标（规范名称）")
    name: str = Field(description="三级指标")
    level1_label: str | None = Field(description="原表印刷的一级指标名称")
    level2_label: str | None = Field(description="原表印刷的二级指标名称")
    half_year: ValueOut | None = Field(description="半年指标值")
    full_year: ValueOut | None = Field(description="全年（年度）指标值")
    long_term: ValueOut | None = Field(description="长期指标值")
    weight: int | float | None = Field(default=None, description="权重（分值），按原表")
    direction: Literal["positive", "negative", "exact"] | None = Field(
        default=None, description="指标方向：positive 正向，negative 反向（按原表）"
    )
    nature: Literal["quantitative", "qualitative"] | None = Field(
        default=None, description="指标性质：quantitative 定量，qualitative 定性（按原表）"
    )
    basis: str = Field(default="", description="指标值确定依据")
    explanation: str = Field(default="", description="指标解释")
    standard: str = Field(default="", description="评（扣）分标准")
    remark: str = Field(default="", description="备注")
    source: LocationOut | None
    lock: int = Field(description="版本号：修改或删除时原样带回，用于发现他人的修改")


class GoalOut(_Out):
    id: int
    position: int
    seq: str = Field(description="序号（代码）")
    function: str = Field(description="职能（二级专项）")
    work: str = Field(description="工作及项目名称")
    goal: str = Field(description="年度目标")
    target: ValueOut | None = Field(description="目标值")
    source: LocationOut | None
    lock: int = Field(description="版本号：修改或删除时原样带回")


class ReviewOut(_Out):
    reviewer: str
    role: str
    grade: str = Field(description="优、良、中、差")
    opinion: str
    version: int
    created_at: Timestamp


class CommentOut(_Out):
    id: int
    author: str
    role: str
    body: str
    created_at: Timestamp


class TableDetailOut(_Out):
    id: int
    kind: Literal["overall", "project"]
    kind_label: str
    name: str
    unit: str
    department: str | None
    fiscal_year: int | None
    start_year: int | None
    end_year: int | None
    funds: FundsOut
    annual_goal: str = Field(default="", description="年度目标")
    long_term_goal: str = Field(default="", description="中长期目标（实施期目标）")
    status: Status
    status_label: str
    version: int = Field(description="目标版本：每次调整加一")
    adjust_reason: str | None
    lock: int
    source: LocationOut | None
    source_file: str | None = Field(description="导入的文件")
    indicators: list[IndicatorOut]
    goals: list[GoalOut]
    reviews: list[ReviewOut]
    comments: list[CommentOut]
    versions: list[int] = Field(description="已批复的版本号")
    actions: list[Action] = Field(description="当前用户现在可以对本表执行的操作")


class HistoryEntryOut(_Out):
    seq: int
    at: str = Field(description="时间（UTC，ISO 8601）")
    actor: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any


class VersionOut(_Out):
    number: int
    reason: str | None = Field(description="调整理由（第一版为空）")
    approved_by: str
    approved_at: Timestamp
    snapshot: dict[str, Any] = Field(description="批复时的整张目标表")


class TransitionOut(_Out):
    """The table after a workflow step."""

    id: int
    status: Status
    status_label: str
    version: int
    actions: list[Action]


class IndicatorFields(BaseModel):
    """指标的字段；省略的字段保持不变，指标值为空字符串或 null 时清除。"""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="三级指标名称", examples=["培训人次"])
    level1: str | None = Field(default=None, description="一级指标", examples=["产出指标"])
    level2: str | None = Field(default=None, description="二级指标", examples=["数量指标"])
    half_year: str | None = Field(default=None, description="半年指标值（印刷形式）")
    full_year: str | None = Field(default=None, description="全年指标值", examples=["≥461人次"])
    long_term: str | None = Field(default=None, description="长期指标值")


class IndicatorUpdate(IndicatorFields):
    lock: int = Field(description="读取时的版本号")


class GoalFields(BaseModel):
    """部门整体目标的字段；省略的字段保持不变。"""

    model_config = ConfigDict(extra="forbid")

    seq: str | None = Field(default=None, description="序号（代码）")
    function: str | None = Field(default=None, description="职能（二级专项）")
    work: str | None = Field(default=None, description="工作及项目名称")
    goal: str | None = Field(default=None, description="年度目标")
    target: str | None = Field(default=None, description="目标值（印刷形式）")


class GoalUpdate(GoalFields):
    lock: int = Field(description="读取时的版本号")


class ReviewIn(BaseModel):
    grade: str = Field(
        description="审核等级：优、良（通过）或 中、差（退回）",
        json_schema_extra={"enum": ["优", "良", "中", "差"]},
    )
    opinion: str = Field(description="审核意见")


class AdjustIn(BaseModel):
    reason: str = Field(description="调整理由")


class CommentIn(BaseModel):
    body: str = Field(description="意见或询问")


class PlannedTableOut(_Out):
    kind: Literal["overall", "project"]
    name: str
    unit: str
    fiscal_year: int | None
    rows: int
    exists: bool = Field(description="系统中已有同一张表")


class DiagnosticOut(_Out):
    code: str
    message: str
    location: LocationOut | None


class ImportPreviewOut(_Out):
    source: str = Field(description="文件名")
    fiscal_year: int | None
    goals: int
    indicators: int
    tables: list[PlannedTableOut]
    warnings: list[DiagnosticOut] = Field(description="读取时不确定之处（导入后保留）")
    problems: list[str] = Field(description="导入会被拒绝的原因")
    duplicate_of: str | None = Field(description="同一文件已导入时的说明")
    importable: bool


class ImportResultOut(_Out):
    source: str
    table_ids: list[int]
    goals: int
    indicators: int
    warnings: int
    actuals_held: int = Field(
        0,
        description="自评表/监控表中实际完成情况未保存的表数（目标表须先批复，再上传同一文件）",
    )


class UserOut(_Out):
    id: int
    username: str
    display_name: str
    role: Role
    role_label: str
    unit: str | None
    department: str | None
    active: bool
    must_change_password: bool = False


class UserIn(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(description="至少 8 个字符", max_length=1024)
    role: str = Field(description="角色", json_schema_extra={"enum": [r.value for r in Role]})
    display_name: str | None = Field(default=None, max_length=200)
    unit: str | None = Field(default=None, max_length=200, description="单位填报用户必填")
    department: str | None = Field(default=None, max_length=200, description="主管部门审核用户必填")


class TokenIn(BaseModel):
    name: str = Field(description="令牌用途，如“数据同步”", max_length=1000)
    password: str = Field(description="本人的登录密码（创建令牌须再次确认身份）", max_length=1024)
    days: int | None = Field(
        default=None, ge=1, le=3650, description="有效期（天）；默认见服务器设置 token_days"
    )


class TokenOut(_Out):
    token: str = Field(description="API 令牌：只显示这一次，请妥善保存")
    name: str
    username: str
    expires_at: datetime


class TokenInfoOut(_Out):
    id: int
    username: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    state: str = Field(description="有效、已过期或已撤销")


class UserChangeIn(BaseModel):
    role: str | None = Field(
        default=None, description="新角色", json_schema_extra={"enum": [r.value for r in Role]}
    )
    unit: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    active: bool | None = Field(default=None, description="false 停用（其登录与令牌随即失效）")


class PasswordResetIn(BaseModel):
    password: str = Field(max_length=1024, description="新的初始密码：用户下次登录时须修改")


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=1024)
    password: str = Field(max_length=1024, description="新密码")


class AuditVerifyOut(_Out):
    ok: bool
    checked: int = Field(description="检查的记录数")
    bad_seq: int | None = Field(description="第一条有问题的记录")
    problem: str


class FilterOptionsOut(_Out):
    years: list[int]
    departments: list[str]
    units: list[str]


# -- conversions ------------------------------------------------------------------------


def _location(p: Provenance | None) -> LocationOut | None:
    data = location_to_dict(p)
    return None if data is None else LocationOut.model_validate(data)


def _value(v: TargetValue | None) -> ValueOut | None:
    data = value_to_dict(v)
    return None if data is None else ValueOut.model_validate(data)


def _actions(actions: frozenset[Action]) -> list[Action]:
    return [a for a in Action if a in actions]


def _summary(t: TableSummary) -> TableSummaryOut:
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


def _indicator(i: IndicatorView) -> IndicatorOut:
    return IndicatorOut(
        id=i.id,
        position=i.position,
        level1=i.level1,
        level2=i.level2,
        name=i.name,
        level1_label=i.level1_label,
        level2_label=i.level2_label,
        half_year=_value(i.half_year),
        full_year=_value(i.full_year),
        long_term=_value(i.long_term),
        weight=i.weight,
        direction=i.direction.value if i.direction is not None else None,
        nature=i.nature.value if i.nature is not None else None,
        basis=i.basis,
        explanation=i.explanation,
        standard=i.standard,
        remark=i.remark,
        source=_location(i.source),
        lock=i.lock,
    )


def _goal(g: GoalView) -> GoalOut:
    return GoalOut(
        id=g.id,
        position=g.position,
        seq=g.seq,
        function=g.function,
        work=g.work,
        goal=g.goal,
        target=_value(g.target),
        source=_location(g.source),
        lock=g.lock,
    )


def _comment(c: CommentView) -> CommentOut:
    return CommentOut(id=c.id, author=c.author, role=c.role, body=c.body, created_at=c.created_at)


def _detail(d: TableDetail) -> TableDetailOut:
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
        source=_location(d.source),
        source_file=d.source_file,
        indicators=[_indicator(i) for i in d.indicators],
        goals=[_goal(g) for g in d.goals],
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
        comments=[_comment(c) for c in d.comments],
        versions=list(d.versions),
        actions=_actions(d.actions),
    )


def _user(u: UserView) -> UserOut:
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


def _diagnostic(w: Diagnostic) -> DiagnosticOut:
    return DiagnosticOut(code=w.code, message=w.message, location=_location(w.location))


def _transition(svc: Svc, actor: Actor, table_id: int) -> TransitionOut:
    d = tables.get_table(svc.uow(), table_id, actor)
    return TransitionOut(
        id=d.id,
        status=d.status,
        status_label=d.status_label,
        version=d.version,
        actions=_actions(d.actions),
    )


def _conflict_with_row(svc: Svc, table_id: int, row_id: int, exc: Conflict) -> Conflict:
    """The service's Conflict, with ``current`` as the row reads now (as in the table
    detail, so with its ``lock``): the client can show it and save again on top of it."""
    try:
        detail = tables.get_table(svc.uow(), table_id)
    except NotFound:
        return exc
    for indicator in detail.indicators:
        if indicator.id == row_id:
            return Conflict(exc.message, _indicator(indicator).model_dump(mode="json"))
    for goal in detail.goals:
        if goal.id == row_id:
            return Conflict(exc.message, _goal(goal).model_dump(mode="json"))
    return exc


def _require(actor: Actor, action: Action, table: TableRef | None = None) -> None:
    access.require(actor, action, table)


# -- router -----------------------------------------------------------------------------

router = APIRouter(prefix="/api", responses=_errors(401))

TableId = Annotated[int, Path(description="目标表编号")]


@router.get("/me", response_model=ActorOut, tags=["用户"], summary="当前用户")
def me(actor: CurrentActor) -> ActorOut:
    return ActorOut(
        username=actor.username,
        role=actor.role,
        role_label=ROLE_LABELS[actor.role],
        unit=actor.unit,
        department=actor.department,
    )


@router.get(
    "/filters", response_model=FilterOptionsOut, tags=["绩效目标表"], summary="列表筛选的可选值"
)
def filters(svc: Svc, actor: CurrentActor) -> FilterOptionsOut:
    return FilterOptionsOut.model_validate(tables.filter_options(svc.uow()))


@router.get(
    "/tables",
    response_model=TableListOut,
    tags=["绩效目标表"],
    summary="目标表列表",
    responses=_errors(422),
)
def list_tables(
    svc: Svc,
    actor: CurrentActor,
    year: Annotated[int | None, Query(description="预算年度")] = None,
    department: Annotated[str | None, Query(description="主管部门")] = None,
    unit: Annotated[str | None, Query(description="预算单位")] = None,
    status: Annotated[Status | None, Query(description="状态")] = None,
    kind: Annotated[Literal["overall", "project"] | None, Query(description="类型")] = None,
    q: Annotated[str | None, Query(description="按项目或单位名称查找")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TableListOut:
    found, total = tables.list_tables(
        svc.uow(),
        tables.TableFilter(
            year=year,
            department=department or None,
            unit=unit or None,
            status=status,
            kind=kind,
            q=q or None,
            limit=limit,
            offset=offset,
            reader=actor,
        ),
    )
    return TableListOut(total=total, items=[_summary(t) for t in found])


@router.get(
    "/tables/{table_id}",
    response_model=TableDetailOut,
    tags=["绩效目标表"],
    summary="目标表详情",
    responses=_errors(404),
)
def get_table(svc: Svc, actor: CurrentActor, table_id: TableId) -> TableDetailOut:
    return _detail(tables.get_table(svc.uow(), table_id, actor))


@router.get(
    "/tables/{table_id}/history",
    response_model=list[HistoryEntryOut],
    tags=["绩效目标表"],
    summary="修改记录（新的在前）",
    responses=_errors(404),
)
def table_history(svc: Svc, actor: CurrentActor, table_id: TableId) -> list[HistoryEntryOut]:
    return [
        HistoryEntryOut(
            seq=h.seq,
            at=h.at,
            actor=h.actor,
            action=h.action,
            entity=h.entity,
            entity_id=h.entity_id,
            before=h.before,
            after=h.after,
        )
        for h in tables.history(svc.uow(), table_id, actor)
    ]


class FindingOut(_Out):
    code: str
    severity: str
    dimension: str
    project: str | None
    indicator: str | None
    message: str
    hint: str
    location: LocationOut | None


class FindingsOut(_Out):
    """The rule engine's review of a table: findings, a suggested grade, a draft opinion."""

    findings: list[FindingOut]
    grade: str
    reasons: list[str]
    opinion: str


@router.get(
    "/tables/{table_id}/findings",
    response_model=FindingsOut,
    tags=["绩效目标表"],
    summary="审核发现（规则自动检查）与建议等级",
    responses=_errors(404),
)
def table_findings(
    request: Request, svc: Svc, actor: CurrentActor, table_id: TableId
) -> FindingsOut:
    result = reviewing.review_table(svc.uow(), table_id, request.app.state.review_config, actor)
    return FindingsOut(
        findings=[
            FindingOut(
                code=f.code,
                severity=f.severity.value,
                dimension=f.dimension.value,
                project=f.project,
                indicator=f.indicator,
                message=f.message,
                hint=f.hint,
                location=_location(f.location),
            )
            for f in result.findings
        ],
        grade=result.grade.value,
        reasons=list(result.reasons),
        opinion=result.opinion(),
    )


@router.get(
    "/tables/{table_id}/versions/{number}",
    response_model=VersionOut,
    tags=["绩效目标表"],
    summary="已批复的版本",
    responses=_errors(404),
)
def table_version(
    svc: Svc, actor: CurrentActor, table_id: TableId, number: Annotated[int, Path(ge=1)]
) -> VersionOut:
    v = tables.get_version(svc.uow(), table_id, number, actor)
    return VersionOut(
        number=v.number,
        reason=v.reason,
        approved_by=v.approved_by,
        approved_at=v.approved_at,
        snapshot=v.snapshot,
    )


# -- rows -------------------------------------------------------------------------------

_ROW_ERRORS = _errors(403, 404, 409, 422)


@router.post(
    "/tables/{table_id}/indicators",
    response_model=IndicatorOut,
    status_code=http.HTTP_201_CREATED,
    tags=["指标"],
    summary="新增指标（项目目标表，草稿）",
    responses=_ROW_ERRORS,
)
def create_indicator(
    svc: Svc, actor: CurrentActor, table_id: TableId, body: IndicatorFields
) -> IndicatorOut:
    fields = body.model_dump(exclude_unset=True)
    return _indicator(tables.save_indicator(svc.uow(), actor, table_id, fields))


@router.put(
    "/tables/{table_id}/indicators/{indicator_id}",
    response_model=IndicatorOut,
    tags=["指标"],
    summary="修改指标（带回读取时的 lock）",
    responses=_ROW_ERRORS,
)
def update_indicator(
    svc: Svc, actor: CurrentActor, table_id: TableId, indicator_id: int, body: IndicatorUpdate
) -> IndicatorOut:
    fields = body.model_dump(exclude_unset=True, exclude={"lock"})
    try:
        view = tables.save_indicator(
            svc.uow(), actor, table_id, fields, indicator_id=indicator_id, expected_lock=body.lock
        )
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, indicator_id, exc) from None
    return _indicator(view)


@router.delete(
    "/tables/{table_id}/indicators/{indicator_id}",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["指标"],
    summary="删除指标",
    responses=_ROW_ERRORS,
)
def delete_indicator(
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    indicator_id: int,
    lock: Annotated[int, Query(description="读取时的版本号")],
) -> Response:
    try:
        tables.delete_indicator(svc.uow(), actor, table_id, indicator_id, lock)
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, indicator_id, exc) from None
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.post(
    "/tables/{table_id}/goals",
    response_model=GoalOut,
    status_code=http.HTTP_201_CREATED,
    tags=["部门整体目标"],
    summary="新增目标（部门整体目标表，草稿）",
    responses=_ROW_ERRORS,
)
def create_goal(svc: Svc, actor: CurrentActor, table_id: TableId, body: GoalFields) -> GoalOut:
    fields = body.model_dump(exclude_unset=True)
    return _goal(tables.save_goal(svc.uow(), actor, table_id, fields))


@router.put(
    "/tables/{table_id}/goals/{goal_id}",
    response_model=GoalOut,
    tags=["部门整体目标"],
    summary="修改目标（带回读取时的 lock）",
    responses=_ROW_ERRORS,
)
def update_goal(
    svc: Svc, actor: CurrentActor, table_id: TableId, goal_id: int, body: GoalUpdate
) -> GoalOut:
    fields = body.model_dump(exclude_unset=True, exclude={"lock"})
    try:
        view = tables.save_goal(
            svc.uow(), actor, table_id, fields, goal_id=goal_id, expected_lock=body.lock
        )
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, goal_id, exc) from None
    return _goal(view)


@router.delete(
    "/tables/{table_id}/goals/{goal_id}",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["部门整体目标"],
    summary="删除目标",
    responses=_ROW_ERRORS,
)
def delete_goal(
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    goal_id: int,
    lock: Annotated[int, Query(description="读取时的版本号")],
) -> Response:
    try:
        tables.delete_goal(svc.uow(), actor, table_id, goal_id, lock)
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, goal_id, exc) from None
    return Response(status_code=http.HTTP_204_NO_CONTENT)


# -- workflow ---------------------------------------------------------------------------

_FLOW_ERRORS = _errors(403, 404, 422)


@router.post(
    "/tables/{table_id}/submit",
    response_model=TransitionOut,
    tags=["流程"],
    summary="提交审核（单位，草稿）",
    responses=_FLOW_ERRORS,
)
def submit(svc: Svc, actor: CurrentActor, table_id: TableId) -> TransitionOut:
    tables.submit(svc.uow(), actor, table_id)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/review",
    response_model=TransitionOut,
    tags=["流程"],
    summary="审核（主管部门、财政；优/良通过，中/差退回）",
    responses=_FLOW_ERRORS,
)
def review(svc: Svc, actor: CurrentActor, table_id: TableId, body: ReviewIn) -> TransitionOut:
    tables.review(svc.uow(), actor, table_id, body.grade, body.opinion)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/approve",
    response_model=TransitionOut,
    tags=["流程"],
    summary="批复（财政，已审核）",
    responses=_FLOW_ERRORS,
)
def approve(svc: Svc, actor: CurrentActor, table_id: TableId) -> TransitionOut:
    tables.approve(svc.uow(), actor, table_id)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/adjust",
    response_model=TransitionOut,
    tags=["流程"],
    summary="调整已批复的目标（新版本，须说明理由）",
    responses=_FLOW_ERRORS,
)
def adjust(svc: Svc, actor: CurrentActor, table_id: TableId, body: AdjustIn) -> TransitionOut:
    tables.adjust(svc.uow(), actor, table_id, body.reason)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/comments",
    response_model=CommentOut,
    status_code=http.HTTP_201_CREATED,
    tags=["流程"],
    summary="发表意见",
    responses=_FLOW_ERRORS,
)
def add_comment(svc: Svc, actor: CurrentActor, table_id: TableId, body: CommentIn) -> CommentOut:
    return _comment(tables.comment(svc.uow(), actor, table_id, body.body))


# -- import -----------------------------------------------------------------------------


def _read_upload(file: UploadFile, format: str, limit: int = MAX_UPLOAD) -> Document:
    """``limit``: the settings' max_upload_mb in bytes."""
    name = file.filename or "(上传文件)"
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise Invalid(f"文件“{name}”超过 {limit // (1024 * 1024)} MB，无法导入", "file")
    return imports.read_upload(data, name, format=format)


Upload = Annotated[UploadFile, File(description="绩效目标表文件（文本版式或 jixiao/1 JSON）")]
FormatField = Annotated[str, Form(description=f"文件格式：{'、'.join(imports.FORMATS)}")]


@router.post(
    "/imports/preview",
    response_model=ImportPreviewOut,
    tags=["导入"],
    summary="预览导入（不写入）",
    responses=_errors(403, 422),
)
def preview_import(
    svc: Svc, actor: CurrentActor, config: Config, file: Upload, format: FormatField = "auto"
) -> ImportPreviewOut:
    _require(actor, Action.IMPORT)
    doc = _read_upload(file, format, config.max_upload_bytes)
    p = tables.preview_import(svc.uow(), actor, doc)
    return ImportPreviewOut(
        source=doc.source.file if doc.source else (file.filename or ""),
        fiscal_year=doc.fiscal_year,
        goals=doc.goal_count,
        indicators=doc.indicator_count,
        tables=[
            PlannedTableOut(
                kind=t.kind,  # type: ignore[arg-type]
                name=t.name,
                unit=t.unit,
                fiscal_year=t.fiscal_year,
                rows=t.rows,
                exists=t.exists,
            )
            for t in p.tables
        ],
        warnings=[_diagnostic(w) for w in doc.warnings],
        problems=list(p.problems),
        duplicate_of=p.duplicate_of,
        importable=p.importable,
    )


@router.post(
    "/imports",
    response_model=ImportResultOut,
    status_code=http.HTTP_201_CREATED,
    tags=["导入"],
    summary="导入（全部成功或全部不写入）",
    responses=_errors(403, 409, 422),
)
def import_file(
    svc: Svc, actor: CurrentActor, config: Config, file: Upload, format: FormatField = "auto"
) -> ImportResultOut:
    _require(actor, Action.IMPORT)
    doc = _read_upload(file, format, config.max_upload_bytes)
    r = tables.import_document(svc.uow(), actor, doc)
    return ImportResultOut(
        source=r.source,
        table_ids=list(r.table_ids),
        goals=r.goals,
        indicators=r.indicators,
        warnings=r.warnings,
        actuals_held=r.actuals_held,
    )


# -- actuals, scores and lights ---------------------------------------------------------

PERIOD_TEXT = "期间：half_year（运行监控）或 full_year（绩效自评）"
PeriodPath = Annotated[
    str, Path(description=PERIOD_TEXT, json_schema_extra={"enum": list(performance.PERIOD_LABELS)})
]
YearQuery = Annotated[int | None, Query(description="预算年度（省略：未注明年度的目标表）")]


class ActualsOut(_Out):
    """A table's actuals for one period, as stored."""

    table_id: int
    period: Literal["half_year", "full_year"]
    month: int | None = Field(description="监控月份（运行监控；未注明为 null）")
    lock: int | None = Field(description="版本号：修改时原样带回（尚未填报为 null）")
    updated_by: str | None = Field(description="最后填报或评分的用户")
    actions: list[Action] = Field(
        description="当前用户现在可以执行的操作：report（填报）、rescore（人工评分，仅全年）"
    )
    report: ActualsDict | None = Field(
        description="jixiao-actuals/1 的一个项目条目（部门整体目标表：name 为单位，条目为工作任务），"
        "可修改后原样提交；尚未填报为 null"
    )


class ActualsIn(WireProjectActuals):
    """jixiao-actuals/1 的一个项目条目（见 docs/format.md），另可带 lock 与 month。

    整份替换该期间已填报的内容；未给出人工评分的指标保留已有的人工评分。"""

    name: str = Field(default="", description="项目名称（可省略，以目标表为准）")
    lock: int | None = Field(
        default=None, description="读取时的 lock：他人已修改时返回 409（省略则不检查）"
    )
    month: Annotated[int, Field(ge=1, le=12)] | None = Field(
        default=None, description="监控月份（仅运行监控；省略则按配置）"
    )


class SavedReportOut(_Out):
    table_id: int
    kind: Literal["overall", "project"]
    name: str = Field(description="项目名称；部门整体为单位名称")
    items: int = Field(description="保存的指标（工作任务）条数")
    created: bool = Field(description="首次填报（否则替换了已有内容）")


class SaveResultOut(_Out):
    period: Literal["half_year", "full_year"]
    fiscal_year: int | None
    reports: list[SavedReportOut]


class ManualScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: Annotated[float, Field(allow_inf_nan=False)] | None = Field(
        description="人工评分；null 清除人工评分（恢复按规则计分）"
    )
    reason: str = Field(description="理由（必填，记入审计）")


class EvaluationOut(_Out):
    """A table's year-end score, or why there is none."""

    table_id: int
    kind: Literal["overall", "project"]
    name: str = Field(description="项目名称；部门整体为单位名称")
    unit: str
    score: ScoreDict | None = Field(
        description="得分，格式同 jixiao evaluate --json 的每个项目；无法计分时为 null"
    )
    problems: list[str] = Field(description="无法计分的原因（尚未填报、填报内容无法计分）")


class UnitEvaluationOut(_Out):
    unit: str
    fiscal_year: int | None
    overall: EvaluationOut | None = Field(description="部门整体（没有部门整体目标表时为 null）")
    projects: list[EvaluationOut]
    average: float | None = Field(description="已计分项目的平均分（四舍五入到 0.01）")
    grades: dict[str, int] = Field(description="已计分项目按等级（优、良、中、差）的个数")


class MonitoringOut(_Out):
    table_id: int
    monitor: MonitorDict | None = Field(
        description="监控结果，格式同 jixiao monitor --json 的每个项目；尚未填报半年完成情况为 null"
    )


class NotReportedOut(_Out):
    table_id: int
    name: str


class UnitMonitoringOut(_Out):
    unit: str
    fiscal_year: int | None
    month: int = Field(description="监控月份（配置）")
    monitors: list[MonitoringOut] = Field(description="已填报半年完成情况的项目")
    not_reported: list[NotReportedOut] = Field(description="尚未填报半年完成情况的项目")
    summary: SummaryDict | None = Field(
        description="单位汇总，格式同 jixiao monitor --json 的 units；没有已填报的项目时为 null"
    )


def _refused(exc: performance.Refused) -> JSONResponse:
    """A refused save: the error JSON with every problem (nothing was saved)."""
    body = {"detail": exc.message, "error": type(exc).__name__, "problems": list(exc.problems)}
    return JSONResponse(body, status_code=exc.status)


def _actuals(svc: Svc, actor: Actor, table_id: int, period: str) -> ActualsOut:
    page = performance.form(svc.uow(), table_id, period, actor)
    actions = [Action.REPORT] if page.can_report else []
    if page.can_rescore and page.period.value == "full_year":
        actions.append(Action.RESCORE)
    return ActualsOut(
        table_id=page.table_id,
        period=page.period.value,  # type: ignore[arg-type]
        month=page.month,
        lock=page.lock,
        updated_by=page.updated_by,
        actions=actions,
        report=actuals_to_dict(page.report) if page.report is not None else None,
    )


def _entry(body: ActualsIn, period: str) -> ProjectActuals:
    """The body as domain actuals, read as the ``jixiao-actuals/1`` files are."""
    entry = body.model_dump(exclude={"lock", "month"})
    entry["name"] = body.name or "（请求）"  # the table decides the name
    doc = {"format": ACTUALS_FORMAT, "fiscal_year": None, "period": period, "projects": [entry]}
    try:
        return load_actuals(doc, where="请求").projects[0]
    except FormatError as exc:  # the body was validated by the same model: not expected
        raise Invalid(str(exc)) from None


def _evaluation(e: performance.TableEvaluation) -> EvaluationOut:
    return EvaluationOut(
        table_id=e.table_id,
        kind=e.kind,  # type: ignore[arg-type]
        name=e.name,
        unit=e.unit,
        score=score_to_dict(e.score) if e.score is not None else None,
        problems=list(e.problems),
    )


_ACTUALS_ERRORS = _errors(403, 404, 409, 422)


@router.get(
    "/tables/{table_id}/actuals/{period}",
    response_model=ActualsOut,
    tags=["完成情况"],
    summary="读取完成情况（jixiao-actuals/1 项目条目）",
    responses=_errors(404, 422),
)
def get_actuals(svc: Svc, actor: CurrentActor, table_id: TableId, period: PeriodPath) -> ActualsOut:
    return _actuals(svc, actor, table_id, performance.parse_period(period).value)


@router.put(
    "/tables/{table_id}/actuals/{period}",
    response_model=ActualsOut,
    tags=["完成情况"],
    summary="填报完成情况（单位；整份替换，全部成功或全部不写入；带回 lock）",
    responses=_ACTUALS_ERRORS,
)
def save_actuals(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    period: PeriodPath,
    body: ActualsIn,
) -> ActualsOut | JSONResponse:
    wanted = performance.parse_period(period).value
    try:
        performance.save_report(
            svc.uow(),
            actor,
            table_id,
            _entry(body, wanted),
            month=body.month,
            expected_lock=body.lock,
            scheme=request.app.state.scoring_scheme,
        )
    except performance.Refused as exc:
        return _refused(exc)
    except Conflict as exc:
        current = _actuals(svc, actor, table_id, wanted).model_dump(mode="json")
        raise Conflict(exc.message, current) from None
    return _actuals(svc, actor, table_id, wanted)


@router.post(
    "/actuals",
    response_model=SaveResultOut,
    tags=["完成情况"],
    summary="导入一份 jixiao-actuals/1 文档（全部成功或全部不写入）",
    responses=_ACTUALS_ERRORS,
)
def save_actuals_document(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    body: WireActuals,
    unit: Annotated[
        str | None, Query(description="只在该单位的目标表中查找项目（单位用户总是本单位）")
    ] = None,
) -> SaveResultOut | JSONResponse:
    _require(actor, Action.REPORT)
    try:
        doc = load_actuals(body.model_dump(), where="请求")
    except FormatError as exc:  # the body was validated by the same model: not expected
        raise Invalid(str(exc)) from None
    try:
        result = performance.save_document(
            svc.uow(), actor, doc, unit=unit or None, scheme=request.app.state.scoring_scheme
        )
    except performance.Refused as exc:
        return _refused(exc)
    return SaveResultOut(
        period=result.period.value,  # type: ignore[arg-type]
        fiscal_year=result.fiscal_year,
        reports=[
            SavedReportOut(
                table_id=r.table_id,
                kind=r.kind,  # type: ignore[arg-type]
                name=r.name,
                items=r.items,
                created=r.created,
            )
            for r in result.reports
        ],
    )


@router.put(
    "/tables/{table_id}/scores/{row_id}",
    response_model=ScoreDict,
    tags=["绩效自评"],
    summary="人工评分（须说明理由；score 为 null 时清除），返回新的得分",
    responses=_errors(403, 404, 422),
)
def set_manual_score(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    row_id: Annotated[int, Path(description="指标（部门整体：目标）编号")],
    body: ManualScoreIn,
) -> ScoreDict:
    score = performance.set_manual_score(
        svc.uow(),
        actor,
        table_id,
        row_id,
        body.score,
        body.reason,
        scheme=request.app.state.scoring_scheme,
    )
    return score_to_dict(score)


@router.get(
    "/tables/{table_id}/evaluation",
    response_model=EvaluationOut,
    tags=["绩效自评"],
    summary="目标表的绩效自评得分",
    responses=_errors(404),
)
def table_evaluation(
    request: Request, svc: Svc, actor: CurrentActor, table_id: TableId
) -> EvaluationOut:
    return _evaluation(
        performance.evaluate_table(svc.uow(), table_id, request.app.state.scoring_scheme, actor)
    )


@router.get(
    "/tables/{table_id}/monitoring",
    response_model=MonitoringOut,
    tags=["运行监控"],
    summary="项目的运行监控（预算执行与指标预警灯）",
    responses=_errors(404, 422),
)
def table_monitoring(
    request: Request, svc: Svc, actor: CurrentActor, table_id: TableId
) -> MonitoringOut:
    found = performance.monitor_table(
        svc.uow(), table_id, request.app.state.monitoring_config, actor
    )
    return MonitoringOut(
        table_id=table_id, monitor=monitor_to_dict(found) if found is not None else None
    )


@router.get(
    "/units/{unit}/evaluation",
    response_model=UnitEvaluationOut,
    tags=["绩效自评"],
    summary="单位的绩效自评：部门整体与各项目的得分",
    responses=_errors(404),
)
def unit_evaluation(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    unit: Annotated[str, Path(description="预算单位")],
    year: YearQuery = None,
) -> UnitEvaluationOut:
    e = performance.evaluate_unit(svc.uow(), unit, year, request.app.state.scoring_scheme, actor)
    return UnitEvaluationOut(
        unit=e.unit,
        fiscal_year=e.fiscal_year,
        overall=_evaluation(e.overall) if e.overall is not None else None,
        projects=[_evaluation(p) for p in e.projects],
        average=e.average,
        grades=e.grades,
    )


@router.get(
    "/units/{unit}/monitoring",
    response_model=UnitMonitoringOut,
    tags=["运行监控"],
    summary="单位的运行监控：各项目的预警灯与单位汇总",
    responses=_errors(404),
)
def unit_monitoring(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    unit: Annotated[str, Path(description="预算单位")],
    year: YearQuery = None,
) -> UnitMonitoringOut:
    m = performance.monitor_unit(svc.uow(), unit, year, request.app.state.monitoring_config, actor)
    return UnitMonitoringOut(
        unit=m.unit,
        fiscal_year=m.fiscal_year,
        month=m.month,
        monitors=[
            MonitoringOut(table_id=table_id, monitor=monitor_to_dict(found))
            for table_id, found in m.monitors
        ],
        not_reported=[NotReportedOut(table_id=i, name=name) for i, name in m.not_reported],
        summary=summary_to_dict(m.summary) if m.summary is not None else None,
    )


# -- users, tokens, audit ---------------------------------------------------------------


@router.get(
    "/users",
    response_model=list[UserOut],
    tags=["用户"],
    summary="用户列表（管理员）",
    responses=_errors(403),
)
def list_users(svc: Svc, actor: CurrentActor) -> list[UserOut]:
    _require(actor, Action.MANAGE_USERS)
    return [_user(u) for u in users.list_users(svc.uow())]


@router.post(
    "/users",
    response_model=UserOut,
    status_code=http.HTTP_201_CREATED,
    tags=["用户"],
    summary="新增用户（管理员）",
    responses=_errors(403, 422),
)
def add_user(svc: Svc, actor: CurrentActor, body: UserIn) -> UserOut:
    _require(actor, Action.MANAGE_USERS)
    view = users.add_user(
        svc.uow(),
        actor.username,
        body.username,
        body.password,
        body.role,
        display_name=body.display_name or None,
        unit=body.unit or None,
        department=body.department or None,
        must_change=True,
    )
    return _user(view)


@router.patch(
    "/users/{username}",
    response_model=UserOut,
    tags=["用户"],
    summary="修改用户的角色，停用或启用（管理员）",
    responses=_errors(403, 404, 422),
)
def change_user(svc: Svc, actor: CurrentActor, username: str, body: UserChangeIn) -> UserOut:
    _require(actor, Action.MANAGE_USERS)
    view = users.get_user(svc.uow(), username)
    if body.role is not None:
        view = users.set_role(
            svc.uow(),
            actor.username,
            username,
            body.role,
            unit=body.unit or None,
            department=body.department or None,
        )
    if body.active is not None:
        view = users.set_active(svc.uow(), actor.username, username, body.active)
    return _user(view)


@router.put(
    "/users/{username}/password",
    status_code=http.HTTP_204_NO_CONTENT,
    tags=["用户"],
    summary="重设用户的密码（管理员；用户下次登录时须修改）",
    responses=_errors(403, 404, 422),
)
def reset_password(svc: Svc, actor: CurrentActor, username: str, body: PasswordResetIn) -> None:
    _require(actor, Action.MANAGE_USERS)
    users.set_password(svc.uow(), actor.username, username, body.password, temporary=True)


@router.put(
    "/me/password",
    status_code=http.HTTP_204_NO_CONTENT,
    tags=["用户"],
    summary="修改本人的密码（本人的全部登录随即退出）",
    responses=_errors(422),
)
def change_password(svc: Svc, actor: CurrentActor, body: PasswordChangeIn) -> None:
    users.change_password(svc.uow(), actor.username, body.current_password, body.password)


@router.post(
    "/tokens",
    response_model=TokenOut,
    status_code=http.HTTP_201_CREATED,
    tags=["用户"],
    summary="为当前用户创建 API 令牌（须再次输入密码；只显示一次）",
    responses=_errors(422),
)
def create_token(svc: Svc, actor: CurrentActor, config: Config, body: TokenIn) -> TokenOut:
    name = body.name.strip()
    if not name:
        raise Invalid("令牌名称不能为空", "name")
    if len(name) > 100:
        raise Invalid("令牌名称不能超过 100 个字符", "name")
    token = users.create_token(
        svc.uow(),
        actor.username,
        name,
        days=body.days or config.token_days,
        max_days=config.token_max_days,
        password=body.password,
    )
    made = users.list_tokens(svc.uow(), actor.username)[0]
    assert made.expires_at is not None
    return TokenOut(token=token, name=name, username=actor.username, expires_at=made.expires_at)


def _token(t: TokenView) -> TokenInfoOut:
    return TokenInfoOut(
        id=t.id,
        username=t.username,
        name=t.name,
        created_at=t.created_at,
        expires_at=t.expires_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
        state=t.state,
    )


@router.get(
    "/tokens",
    response_model=list[TokenInfoOut],
    tags=["用户"],
    summary="本人的 API 令牌；管理员加 all=true 看全部",
)
def list_tokens(
    svc: Svc,
    actor: CurrentActor,
    everyone: Annotated[bool, Query(alias="all", description="全部用户的令牌（管理员）")] = False,
) -> list[TokenInfoOut]:
    if everyone:
        _require(actor, Action.MANAGE_USERS)
    return [_token(t) for t in users.list_tokens(svc.uow(), None if everyone else actor.username)]


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenInfoOut,
    tags=["用户"],
    summary="撤销 API 令牌（本人或管理员）",
    responses=_errors(404),
)
def revoke_token(svc: Svc, actor: CurrentActor, token_id: int) -> TokenInfoOut:
    return _token(users.revoke_token(svc.uow(), actor, token_id))


@router.get(
    "/audit/verify",
    response_model=AuditVerifyOut,
    tags=["审计"],
    summary="校验审计链（管理员、审计、人大、财政）",
    responses=_errors(403),
)
def verify_audit(svc: Svc, actor: CurrentActor) -> AuditVerifyOut:
    access.require(actor, access.Read.VERIFY_AUDIT)
    result = audit.verify_chain(svc.uow())
    return AuditVerifyOut(
        ok=result.ok, checked=result.checked, bad_seq=result.bad_seq, problem=result.problem
    )


__all__ = ["router"]

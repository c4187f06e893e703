"""The JSON API's request and response models, and the parameters several routes share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from jixiao.domain.workflow import Action, Role, Status
from jixiao.interchange.actuals import WireProjectActuals
from jixiao.interchange.results import ActualsDict, MonitorDict, ScoreDict, SummaryDict


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


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
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


TableId = Annotated[int, Path(description="目标表编号")]

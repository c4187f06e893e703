"""SQLAlchemy models: the relational shape of the domain, plus users, audit and sources.

Target values are stored as their ``jixiao/1`` JSON objects (text, kind, op, value, unit,
…, source), so that nothing printed is lost and provenance travels with the value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSONType, Any: JSONType}


class DepartmentRow(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class UnitRow(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))

    department: Mapped[DepartmentRow | None] = relationship(lazy="joined")


class UserRow(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Set when an administrator gave the password: the user must choose their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[UnitRow | None] = relationship(lazy="joined")
    department: Mapped[DepartmentRow | None] = relationship(lazy="joined")


class UserSessionRow(Base):
    """A log-in: the cookie carries a random id, the database its hash.  Logging out,
    disabling the user or changing the password deletes the row, so the cookie is dead."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[UserRow] = relationship(lazy="joined")


class LoginFailureRow(Base):
    """A failed log-in, counted per user name and per address for throttling."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class ApiTokenRow(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[UserRow] = relationship(lazy="joined")


class SourceFileRow(Base):
    """An imported source; its SHA-256 detects a re-import of the same file."""

    __tablename__ = "source_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    layout: Mapped[str | None] = mapped_column(String(50))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))
    warnings: Mapped[Any] = mapped_column(default=list)


#: Amounts of money: 元, exact (see jixiao.domain.money).
MONEY = Numeric(20, 4, asdecimal=True)


class TargetTableRow(Base):
    """A unit's overall targets (kind 'overall') or a project's table (kind 'project')."""

    __tablename__ = "target_table"
    __table_args__ = (
        UniqueConstraint("kind", "unit_id", "fiscal_year", "name", name="uq_target_table_key"),
        Index("ix_target_table_year_status", "fiscal_year", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(200))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    # Funds in 元, exact; funds_unit is the unit the table printed them in (元 / 千元 / 万元).
    funds_total: Mapped[Decimal | None] = mapped_column(MONEY)
    funds_fiscal: Mapped[Decimal | None] = mapped_column(MONEY)
    funds_carryover: Mapped[Decimal | None] = mapped_column(MONEY)
    funds_other: Mapped[Decimal | None] = mapped_column(MONEY)
    funds_unit: Mapped[str] = mapped_column(String(4), default="万元", server_default="万元")
    annual_goal: Mapped[str] = mapped_column(Text, default="", server_default="")  # 年度目标
    long_term_goal: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    adjust_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[Any] = mapped_column(nullable=True)
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("source_file.id"))
    lock: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    unit: Mapped[UnitRow] = relationship(lazy="joined")
    indicators: Mapped[list[IndicatorRow]] = relationship(
        order_by="IndicatorRow.position", cascade="all, delete-orphan", back_populates="table"
    )
    goals: Mapped[list[GoalRow]] = relationship(
        order_by="GoalRow.position", cascade="all, delete-orphan", back_populates="table"
    )

    __mapper_args__ = {"version_id_col": lock}


class IndicatorRow(Base):
    __tablename__ = "indicator"
    __table_args__ = (Index("ix_indicator_table_position", "table_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("target_table.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str] = mapped_column(String(50))
    level2: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(Text)
    level1_label: Mapped[str | None] = mapped_column(String(100))
    level2_label: Mapped[str | None] = mapped_column(String(100))
    half_year: Mapped[Any] = mapped_column(nullable=True)
    full_year: Mapped[Any] = mapped_column(nullable=True)
    long_term: Mapped[Any] = mapped_column(nullable=True)
    # what else the table printed (domain.model.Indicator): 权重, 指标方向, 指标性质, …
    weight: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(String(10))  # positive, negative, exact
    nature: Mapped[str | None] = mapped_column(String(15))  # quantitative, qualitative
    basis: Mapped[str] = mapped_column(Text, default="", server_default="")
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    standard: Mapped[str] = mapped_column(Text, default="", server_default="")
    remark: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[Any] = mapped_column(nullable=True)
    lock: Mapped[int] = mapped_column(Integer, default=1)

    table: Mapped[TargetTableRow] = relationship(back_populates="indicators")

    __mapper_args__ = {"version_id_col": lock}


class GoalRow(Base):
    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_table_position", "table_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("target_table.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    seq: Mapped[str] = mapped_column(String(50))
    function: Mapped[str] = mapped_column(Text)
    work: Mapped[str] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(Text)
    target: Mapped[Any] = mapped_column(nullable=True)
    source: Mapped[Any] = mapped_column(nullable=True)
    lock: Mapped[int] = mapped_column(Integer, default=1)

    table: Mapped[TargetTableRow] = relationship(back_populates="goals")

    __mapper_args__ = {"version_id_col": lock}


class TableVersionRow(Base):
    """An approved version of a table, kept whole (``jixiao/1`` JSON) and readable forever."""

    __tablename__ = "table_version"
    __table_args__ = (UniqueConstraint("table_id", "number", name="uq_table_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("target_table.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[Any] = mapped_column()
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewRow(Base):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("target_table.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(2))
    opinion: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CommentRow(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("target_table.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRow(Base):
    """Append-only, hash-chained log of every write (see jixiao.domain.audit)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(50))
    table_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[Any] = mapped_column(nullable=True)
    after: Mapped[Any] = mapped_column(nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """One row: the chain's last sequence number and hash, locked by each writer."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))


class AuditStateRow(Base):
    """The last audited state of a table: a digest of its rows (targets, reviews, comments,
    versions, actuals) when the audited write that last changed it committed, signed with
    the audit key (see services/audit.py), so a row edited outside jixiao is found."""

    __tablename__ = "audit_state"

    table_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    digest: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class ActualReportRow(Base):
    """A table's actuals for one period (运行监控 at the checkpoint, 绩效自评 at year end).

    For a project table the rows are its indicators; for an overall table (部门整体) its
    goals (work items).  Money in 元 (exact), given in ``money_unit``.
    """

    __tablename__ = "actual_report"
    __table_args__ = (UniqueConstraint("table_id", "period", name="uq_actual_report_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("target_table.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # "half_year" | "full_year"
    month: Mapped[int | None] = mapped_column(Integer)  # the checkpoint month
    # Funds in 元, exact (as the target table's); money_unit is the unit they were given in
    # (元 / 千元 / 万元; 万元 for jixiao-actuals/1 files and reports stored before).
    budget_initial: Mapped[Decimal | None] = mapped_column(MONEY)  # 年初预算数
    budget: Mapped[Decimal | None] = mapped_column(MONEY)  # 全年预算数 (adjusted)
    executed: Mapped[Decimal | None] = mapped_column(MONEY)  # 执行数
    money_unit: Mapped[str] = mapped_column(String(4), default="万元", server_default="万元")
    execution_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[Any] = mapped_column(nullable=True)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    lock: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[ActualItemRow]] = relationship(
        order_by="ActualItemRow.id", cascade="all, delete-orphan", back_populates="report"
    )

    __mapper_args__ = {"version_id_col": lock}


class ActualItemRow(Base):
    """What was achieved for one indicator (or one goal of an overall table)."""

    __tablename__ = "actual_item"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id", name="uq_actual_item_indicator"),
        UniqueConstraint("report_id", "goal_id", name="uq_actual_item_goal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("actual_report.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    value: Mapped[Any] = mapped_column(nullable=True)  # 当前/实际完成值 (jixiao/1 value)
    forecast: Mapped[Any] = mapped_column(nullable=True)  # 全年预计完成情况
    likelihood: Mapped[str | None] = mapped_column(String(10))  # 完成目标可能性
    deviation_category: Mapped[str | None] = mapped_column(String(20))
    deviation: Mapped[str] = mapped_column(Text, default="")  # 偏差原因
    measures: Mapped[str] = mapped_column(Text, default="")  # 改进/整改措施
    manual_score: Mapped[float | None] = mapped_column(Float)  # 人工评分
    manual_reason: Mapped[str | None] = mapped_column(Text)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    # As a published self-evaluation table prints them (imported; jixiao scores on its own).
    weight: Mapped[float | None] = mapped_column(Float)  # 分值
    reported_score: Mapped[float | None] = mapped_column(Float)  # 得分, the unit's own
    source: Mapped[Any] = mapped_column(nullable=True)

    report: Mapped[ActualReportRow] = relationship(back_populates="items")


# -- oversight (监督): facts kept per table, aggregated by the dashboards ------------------


class TableFactRow(Base):
    """What oversight keeps of one table (:class:`jixiao.domain.oversight.TableFacts`),
    recomputed in the transaction that changes the table or its actuals.

    ``fiscal_year``, ``unit_id`` and ``department_id`` are copied from the table and its
    unit so that a view across a province filters and groups on this row alone (and so
    that the table can be partitioned by year and distributed by unit: docs/scaling.md).
    """

    __tablename__ = "table_fact"
    __table_args__ = (
        Index("ix_table_fact_year_department", "fiscal_year", "department_id"),
        Index("ix_table_fact_year_unit", "fiscal_year", "unit_id"),
        Index("ix_table_fact_year_time_adjusted", "fiscal_year", "time_adjusted"),
        Index("ix_table_fact_year_red", "fiscal_year", "red"),
        Index("ix_table_fact_year_findings", "fiscal_year", "findings"),
        Index("ix_table_fact_year_score", "fiscal_year", "score"),
    )

    table_id: Mapped[int] = mapped_column(
        ForeignKey("target_table.id", ondelete="CASCADE"), primary_key=True
    )
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    size_class: Mapped[int | None] = mapped_column(Integer)  # domain.oversight.SIZE_CLASSES
    funds: Mapped[float | None] = mapped_column(Float)  # 资金总额 of the target table, 万元
    indicators: Mapped[int] = mapped_column(Integer)
    review_grade: Mapped[str] = mapped_column(String(2))  # 优 良 中 差 (suggested)
    findings: Mapped[int] = mapped_column(Integer)  # review errors + warnings
    review_errors: Mapped[int] = mapped_column(Integer)
    # checkpoint (运行监控)
    month: Mapped[int | None] = mapped_column(Integer)
    half_budget: Mapped[float | None] = mapped_column(Float)
    half_executed: Mapped[float | None] = mapped_column(Float)
    half_rate: Mapped[float | None] = mapped_column(Float)  # %
    time_adjusted: Mapped[float | None] = mapped_column(Float)  # %
    execution_light: Mapped[str | None] = mapped_column(String(10))
    red: Mapped[int] = mapped_column(Integer, default=0)
    yellow: Mapped[int] = mapped_column(Integer, default=0)
    green: Mapped[int] = mapped_column(Integer, default=0)
    unjudged: Mapped[int] = mapped_column(Integer, default=0)
    # year end (绩效自评)
    budget: Mapped[float | None] = mapped_column(Float)
    executed: Mapped[float | None] = mapped_column(Float)
    execution_rate: Mapped[float | None] = mapped_column(Float)  # %
    score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(2))
    shortfalls: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)  # early warnings (JXW…)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TableFindingRow(Base):
    """A review finding (JX…), monitoring finding (JXM…) or early warning (JXW…) of a
    table, with the year, unit and department copied for counting across a province."""

    __tablename__ = "table_finding"
    __table_args__ = (
        # counts by code read these indexes only (PostgreSQL: INCLUDE columns)
        Index(
            "ix_table_finding_year_code",
            "fiscal_year",
            "kind",
            "code",
            postgresql_include=["source", "first"],
        ),
        Index(
            "ix_table_finding_year_department_code",
            "fiscal_year",
            "department_id",
            "kind",
            "code",
            postgresql_include=["source", "first"],
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("target_table.id", ondelete="CASCADE"), index=True
    )
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # the table's: project, overall
    unit_id: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(Integer)
    # the first finding of its code in its table: "tables with code X" is a plain count
    first: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(10))  # review, monitor, warning
    code: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(10))
    position: Mapped[int | None] = mapped_column(Integer)  # the indicator's (goal's) index
    indicator: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)


class InquiryRow(Base):
    """A deputy's (or reviewer's, auditor's) inquiry (询问) on a table or one of its
    indicators, answered by the unit; the thread is kept."""

    __tablename__ = "inquiry"
    __table_args__ = (Index("ix_inquiry_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("target_table.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="SET NULL")
    )
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))
    item: Mapped[str | None] = mapped_column(Text)  # the indicator or work item, as named then
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, answered, closed
    asked_by: Mapped[str] = mapped_column(String(100))
    asked_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    lock: Mapped[int] = mapped_column(Integer, default=1)

    messages: Mapped[list[InquiryMessageRow]] = relationship(
        order_by="InquiryMessageRow.id", cascade="all, delete-orphan", back_populates="inquiry"
    )

    __mapper_args__ = {"version_id_col": lock}


class InquiryMessageRow(Base):
    __tablename__ = "inquiry_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("inquiry.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # question, answer, note
    author: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    inquiry: Mapped[InquiryRow] = relationship(back_populates="messages")


class UnitSummaryRow(Base):
    """The facts of a unit's project tables of one year, summed (one row per unit and
    year): the views of a region or a department without a size or status filter read
    these few thousand rows instead of every table's.  Rebuilt from ``table_fact`` for the
    units and years a transaction touched (``services.oversight``)."""

    __tablename__ = "unit_summary"
    __table_args__ = (Index("ix_unit_summary_year_department", "fiscal_year", "department_id"),)

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    department_id: Mapped[int | None] = mapped_column(Integer)
    projects: Mapped[int] = mapped_column(Integer)
    indicators: Mapped[int] = mapped_column(Integer)
    funds: Mapped[float] = mapped_column(Float)
    monitored: Mapped[int] = mapped_column(Integer)
    half_budget: Mapped[float] = mapped_column(Float)
    half_executed: Mapped[float] = mapped_column(Float)
    red: Mapped[int] = mapped_column(Integer)
    yellow: Mapped[int] = mapped_column(Integer)
    green: Mapped[int] = mapped_column(Integer)
    unjudged: Mapped[int] = mapped_column(Integer)
    evaluated: Mapped[int] = mapped_column(Integer)
    budget: Mapped[float] = mapped_column(Float)
    executed: Mapped[float] = mapped_column(Float)
    score_sum: Mapped[float] = mapped_column(Float)
    findings: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    # distributions: projects by review grade, self-evaluation grade, execution light,
    # score band (score_0: below 10 … score_9: 90 and above) and size class
    review_excellent: Mapped[int] = mapped_column(Integer)
    review_good: Mapped[int] = mapped_column(Integer)
    review_fair: Mapped[int] = mapped_column(Integer)
    review_poor: Mapped[int] = mapped_column(Integer)
    grade_excellent: Mapped[int] = mapped_column(Integer)
    grade_good: Mapped[int] = mapped_column(Integer)
    grade_fair: Mapped[int] = mapped_column(Integer)
    grade_poor: Mapped[int] = mapped_column(Integer)
    light_green: Mapped[int] = mapped_column(Integer)
    light_yellow: Mapped[int] = mapped_column(Integer)
    light_red: Mapped[int] = mapped_column(Integer)
    light_none: Mapped[int] = mapped_column(Integer)
    score_0: Mapped[int] = mapped_column(Integer)
    score_1: Mapped[int] = mapped_column(Integer)
    score_2: Mapped[int] = mapped_column(Integer)
    score_3: Mapped[int] = mapped_column(Integer)
    score_4: Mapped[int] = mapped_column(Integer)
    score_5: Mapped[int] = mapped_column(Integer)
    score_6: Mapped[int] = mapped_column(Integer)
    score_7: Mapped[int] = mapped_column(Integer)
    score_8: Mapped[int] = mapped_column(Integer)
    score_9: Mapped[int] = mapped_column(Integer)
    size_0: Mapped[int] = mapped_column(Integer)
    size_1: Mapped[int] = mapped_column(Integer)
    size_2: Mapped[int] = mapped_column(Integer)
    size_3: Mapped[int] = mapped_column(Integer)

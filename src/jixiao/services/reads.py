"""Reads that put several use cases together, each in one unit of work: the table page.

The table with its reviews and versions (:func:`tables.detail_in`), the rule engine's
findings (:func:`review.review_in`), once approved the self-evaluation and, for a
project, the checkpoint monitoring (:mod:`actuals`), and the inquiries
(:func:`inquiries.for_table_in`): one transaction, one look-up of the table, one
permission check, instead of a unit of work for each.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.domain.monitoring import MonitoringConfig, ProjectMonitor
from jixiao.domain.review import ReviewConfig
from jixiao.domain.scoring import ScoringScheme
from jixiao.domain.workflow import Actor, Status, TableRef
from jixiao.services import access, actuals, inquiries, review, tables
from jixiao.services.uow import UnitOfWork
from jixiao.services.views import TableDetail
from jixiao.store.tables import PROJECT, ref_of


@dataclass(frozen=True, slots=True)
class TablePage:
    """What the table page shows of one table."""

    ref: TableRef  # for the permission questions the page asks (may ask, may answer …)
    detail: TableDetail
    review: review.TableReview
    evaluation: actuals.TableEvaluation | None  # approved tables only
    monitor: ProjectMonitor | None  # approved projects with checkpoint actuals only
    inquiries: list[inquiries.Inquiry]


def table_page(
    uow: UnitOfWork,
    actor: Actor,
    table_id: int,
    *,
    review_config: ReviewConfig | None = None,
    scheme: ScoringScheme | None = None,
    monitoring: MonitoringConfig | None = None,
) -> TablePage:
    """The table page of ``table_id`` as ``actor`` may read it; else NotFound or
    PermissionDenied."""
    with uow:
        row = uow.tables.get(table_id)
        ref = ref_of(row)
        access.require(actor, access.Read.TABLE, ref)
        detail = tables.detail_in(uow, row, actor)
        evaluation = monitor = None
        if detail.status is Status.APPROVED:
            evaluation = actuals.evaluate_in(uow, row, scheme)
            if row.kind == PROJECT:
                monitor = actuals.monitor_in(uow, row, monitoring)
        return TablePage(
            ref=ref,
            detail=detail,
            review=review.review_in(uow, row, review_config),
            evaluation=evaluation,
            monitor=monitor,
            inquiries=inquiries.for_table_in(uow, row),
        )

"""Imports: a target table file previewed, then imported whole or not at all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi import status as http

from jixiao.domain.model import Document
from jixiao.domain.workflow import Action
from jixiao.services import Invalid, access, imports, tables
from jixiao.web.api import convert
from jixiao.web.api.schemas import ImportPreviewOut, ImportResultOut, PlannedTableOut, errors
from jixiao.web.deps import Config, CurrentActor, Svc

#: Largest upload accepted by the import endpoints (published tables are far smaller).
MAX_UPLOAD = 20 * 1024 * 1024

router = APIRouter(prefix="/api", responses=errors(401))


def _read_upload(file: UploadFile, format: str, limit: int = MAX_UPLOAD) -> Document:
    """``limit``: the settings' max_upload_mb in bytes."""
    name = file.filename or "(上传文件)"
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise Invalid(f"文件“{name}”超过 {limit // (1024 * 1024)} MB，无法导入", "file")
    return imports.read_targets(name, data, format=format)


Upload = Annotated[UploadFile, File(description="绩效目标表文件（文本版式或 jixiao/1 JSON）")]
FormatField = Annotated[str, Form(description=f"文件格式：{'、'.join(imports.FORMATS)}")]


@router.post(
    "/imports/preview",
    response_model=ImportPreviewOut,
    tags=["导入"],
    summary="预览导入（不写入）",
    responses=errors(403, 422),
)
def preview_import(
    svc: Svc, actor: CurrentActor, config: Config, file: Upload, format: FormatField = "auto"
) -> ImportPreviewOut:
    access.require(actor, Action.IMPORT)
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
        warnings=[convert.diagnostic(w) for w in doc.warnings],
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
    responses=errors(403, 409, 422),
)
def import_file(
    svc: Svc, actor: CurrentActor, config: Config, file: Upload, format: FormatField = "auto"
) -> ImportResultOut:
    access.require(actor, Action.IMPORT)
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

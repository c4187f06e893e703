"""Inquiries (询问) in the pages: ask on a table or one of its rows, answer as the unit,
follow up and close; the list of one's inquiries.  Thin: :mod:`jixiao.services.inquiries`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jixiao.services import ServiceError, inquiries
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc
from jixiao.web.kit import Form, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _back(form_next: str, fallback: str) -> str:
    """Where to go after a post: a local path the form names, else ``fallback``."""
    return form_next if form_next.startswith("/") and not form_next.startswith("//") else fallback


@router.get("/inquiries")
def inquiry_list(
    request: Request, actor: OptionalActor, svc: Svc, status: str | None = None
) -> Response:
    """询问: the inquiries the actor may read, by status."""
    if actor is None:
        return kit.login_redirect(request)
    chosen = status if status in inquiries.STATUS_LABELS else None
    return kit.page(
        request,
        "inquiries.html",
        actor,
        nav="inquiries",
        rows=inquiries.listing(svc.uow(), actor, status=chosen),
        status=chosen or "",
        statuses=inquiries.STATUS_LABELS,
    )


@router.post("/tables/{table_id}/inquiries")
def ask(request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    """Ask a unit about its table (or one of its rows)."""
    if actor is None:
        return kit.login_redirect(request)
    back = _back(kit.text(form, "next"), f"/oversight/tables/{table_id}")
    try:
        inquiries.ask(
            svc.uow(),
            actor,
            table_id,
            kit.text(form, "subject"),
            kit.text(form, "body"),
            position=kit.number(kit.text(form, "position")),
        )
    except ServiceError as exc:
        kit.flash(request, exc.message, "error")
        return kit.see_other(back)
    kit.flash(request, "询问已发出，等待单位答复")
    return kit.see_other(back)


def _reply(
    request: Request, actor: OptionalActor, svc: Svc, form: Form, inquiry_id: int, what: str
) -> Response:
    if actor is None:
        return kit.login_redirect(request)
    back = _back(kit.text(form, "next"), "/inquiries")
    body = kit.text(form, "body")
    try:
        if what == "answer":
            inquiries.answer(svc.uow(), actor, inquiry_id, body)
        elif what == "follow-up":
            inquiries.follow_up(svc.uow(), actor, inquiry_id, body)
        else:
            inquiries.close(svc.uow(), actor, inquiry_id, body)
    except ServiceError as exc:
        kit.flash(request, exc.message, "error")
        return kit.see_other(back)
    kit.flash(
        request, {"answer": "答复已提交", "follow-up": "追问已发出", "close": "询问已办结"}[what]
    )
    return kit.see_other(back)


@router.post("/inquiries/{inquiry_id}/answer")
def answer(
    request: Request, inquiry_id: int, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Answer an inquiry."""
    return _reply(request, actor, svc, form, inquiry_id, "answer")


@router.post("/inquiries/{inquiry_id}/follow-up")
def follow_up(
    request: Request, inquiry_id: int, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Follow up an answered inquiry."""
    return _reply(request, actor, svc, form, inquiry_id, "follow-up")


@router.post("/inquiries/{inquiry_id}/close")
def close(
    request: Request, inquiry_id: int, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Close an inquiry."""
    return _reply(request, actor, svc, form, inquiry_id, "close")

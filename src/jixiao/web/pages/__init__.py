"""The pages: server-rendered HTML in 简体中文, enhanced with htmx, one module per concept.

Every page needs a logged-in user (session cookie, see ``deps``); the log-in page is the
only exception.  Pages work without JavaScript (plain forms, redirect after post); htmx
swaps table rows for inline editing, the list's results while filtering, and the
indicator table after a row is added or deleted.  Partial responses are chosen by the
``HX-Request`` header.

Errors from the services are shown where they belong: a field error (``Invalid.field``)
beside its input, a stale edit (``Conflict``) with the stored values next to what the
user typed, anything else as a flash message or an error page — never as JSON.  The
helpers every page module shares (templates, rendering, flash and redirects) are in
:mod:`jixiao.web.kit`.
"""

from __future__ import annotations

from fastapi import APIRouter

from jixiao.web.pages import (
    account,
    downloads,
    history,
    imports,
    inquiries,
    oversight,
    performance,
    rows,
    tables,
    workflow,
)

#: Every page module's router, in the order the app includes them.
ROUTERS: tuple[APIRouter, ...] = (
    account.router,
    tables.router,
    rows.router,
    workflow.router,
    history.router,
    imports.router,
    performance.router,
    downloads.router,
    oversight.router,
    inquiries.router,
)

"""The ``jixiao`` command line (Typer).  Thin: it calls ingest, interchange, domain and the
services, and prints.

One module per concept: ``documents`` (parse, schema, review, rules), ``tables`` (import,
export), ``performance`` (actuals, monitor, evaluate), ``users``, ``audit``, ``db``,
``serve``, ``synth``; ``common`` holds the consoles, the ``--db`` option and the failure
message.  The commands are registered here, in the order ``jixiao --help`` lists them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from jixiao import __version__
from jixiao.cli import audit, db, documents, performance, serve, synth, tables, users
from jixiao.cli.common import out

__all__ = ["app", "main"]

app = typer.Typer(
    name="jixiao",
    help="jixiao 绩效: budget performance targets — import, review, monitor, evaluate, publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """jixiao 绩效 — budget performance management."""


app.command()(documents.parse)
app.command()(documents.schema)
app.command("import")(tables.import_files)
app.command("export")(tables.export)
app.command()(serve.serve)
app.command()(performance.monitor)
app.command()(performance.evaluate)
app.command()(documents.review)
app.command()(documents.rules)
app.command()(synth.synth)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(performance.actuals_app, name="actuals")


def main() -> None:
    app()

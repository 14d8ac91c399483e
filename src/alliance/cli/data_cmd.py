"""``alliance data list|show|meta``: the embedded tables and their provenance (thin calls of :mod:`alliance.data`)."""

from __future__ import annotations

from typing import Annotated

import typer

from alliance.cli._common import Format, FormatOpt, emit

TableArg = Annotated[str, typer.Argument(help="Table file name, e.g. allies.csv")]


def list_tables(fmt: FormatOpt = Format.table) -> None:
    """List the embedded tables with producer, edition, licence and hash check (exit 1 if any table fails it)."""
    from alliance.data import catalog
    from alliance.errors import AllianceError

    table = catalog()
    emit(table, fmt, title="Embedded tables")
    problems = table.attrs["problems"]
    if problems:
        names = ", ".join(problems)
        first = next(iter(problems.values()))
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise AllianceError(f"{len(problems)} embedded table(s) fail the integrity check: {names}; {first}{more}")


def show(table: TableArg, fmt: FormatOpt = Format.table) -> None:
    """Print one embedded table."""
    from alliance.data import load_table

    emit(load_table(table), fmt, title=table)


def meta(table: TableArg, fmt: FormatOpt = Format.json) -> None:
    """Print the metadata record of one table (producer, citation, licence, sha256, caveats)."""
    from alliance.data import metadata

    emit(metadata(table), fmt)


app = typer.Typer(help="The embedded tables: list, provenance, integrity.", no_args_is_help=True, add_completion=False)
app.command("list")(list_tables)
app.command("show")(show)
app.command("meta")(meta)

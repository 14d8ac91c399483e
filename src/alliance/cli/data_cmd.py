"""``alliance data``: the embedded tables and their provenance."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from alliance import data
from alliance.cli._common import Format, FormatOpt, emit


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="The embedded tables: list, provenance, integrity.", no_args_is_help=True)

    @sub.command("list")
    def list_cmd(fmt: FormatOpt = Format.table) -> None:
        """List the embedded tables with producer, edition, licence and hash check."""
        rows = []
        for name in data.list_tables():
            meta = data.metadata(name)
            rows.append(
                {
                    "table": name,
                    "producer": meta["producer"],
                    "edition": meta["edition"],
                    "licence": meta["licence"],
                    "sha256_ok": data.check_table(name),
                }
            )
        emit(pd.DataFrame(rows), fmt, title="Embedded tables")

    @sub.command("show")
    def show_cmd(
        table: Annotated[str, typer.Argument(help="Table file name, e.g. allies.csv")],
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Print one embedded table."""
        emit(data.load_table(table), fmt, title=table)

    @sub.command("meta")
    def meta_cmd(
        table: Annotated[str, typer.Argument(help="Table file name, e.g. allies.csv")],
        fmt: FormatOpt = Format.json,
    ) -> None:
        """Print the metadata record of one table (producer, citation, licence, sha256, caveats)."""
        emit(data.metadata(table), fmt)

    app.add_typer(sub, name="data")

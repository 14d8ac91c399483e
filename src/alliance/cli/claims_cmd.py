"""``alliance claims``: quantitative claims checked against the data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliance.claims import check_claims
from alliance.cli._common import Format, FormatOpt, emit


def register(app: typer.Typer) -> None:
    @app.command("claims")
    def claims_cmd(
        file: Annotated[
            Path | None,
            typer.Argument(help="Claims file (YAML or JSON); default: the seed article's claims."),
        ] = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Check quantitative claims: the claim, the figure observed, the verdict and its source table."""
        df = check_claims(file)
        if fmt is Format.table:
            emit(
                df[["claim", "expected", "observed", "verdict", "source"]],
                fmt,
                title=df.attrs.get("title") or "Claims",
                caption="verdict: supported / partly / contradicted, by the tolerances in the claims file",
            )
        else:
            emit(df, fmt)

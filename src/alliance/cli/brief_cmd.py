"""``alliance brief`` and ``alliance claims``: the one-screen answer to the seed article's questions, and its claims
checked against the data. Each is a thin call of :func:`alliance.brief.brief` / :func:`alliance.claims.check_claims`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliance.cli._common import EditionOpt, Format, FormatOpt, PlotOpt, YearOpt, check_plot, emit, plot_to


def brief(
    year: YearOpt = None,
    edition: EditionOpt = None,
    gap_target: Annotated[float, typer.Option("--gap-target", help="Target (% GDP) for the gaps.")] = 3.5,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """One screen: allies meeting 2/3.5/5%, largest gaps, US share, Olson-Zeckhauser trend, claims verdicts."""
    from alliance.brief import brief as make_brief

    check_plot(plot)
    b = make_brief(edition=edition, year=year, gap_target=gap_target)
    if fmt is Format.table:
        from rich.console import Console

        Console(width=110).print(b)
    elif fmt is Format.json:
        emit(b.to_dict(), fmt)
    else:
        emit(b.to_frame(), fmt)
    plot_to(b, plot)


def claims(
    file: Annotated[
        Path | None,
        typer.Argument(help="Claims file (YAML or JSON); default: the seed article's claims."),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check quantitative claims: the claim, the figure observed, the verdict and its source table."""
    from alliance.claims import check_claims

    res = check_claims(file)
    if fmt is Format.table:
        df = res.table[["claim", "expected", "observed", "verdict", "source"]]
        emit(df, fmt, title=res.title, caption=res.meta["verdicts"])
    else:
        emit(res.table, fmt)

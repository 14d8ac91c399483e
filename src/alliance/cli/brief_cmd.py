"""``alliance brief`` and ``alliance claims``: the one-screen answer to the seed article's questions, and its claims
checked against the data. Each is a thin call of :func:`alliance.brief.brief` / :func:`alliance.claims.check_claims`.
"""

from __future__ import annotations

import sys
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
    all_editions: Annotated[
        bool,
        typer.Option(
            "--all-editions", help="Also check each claim under every other NATO edition that has its year and figures."
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check quantitative claims: the claim, the figure observed with its unit, edition and year, the verdict and its
    source table."""
    from alliance.claims import check_claims

    res = check_claims(file, all_editions=all_editions)
    if fmt is Format.table:
        df = res.table[["claim", "expected", "verdict_text", "source"]].rename(
            columns={"verdict_text": "verdict: observed (edition, year)"}
        )
        skipped = res.meta["not_checked"]
        caption = res.meta["verdicts"] + (
            f"; not checked under {len(skipped)} edition(s): data missing" if skipped else ""
        )
        emit(df, fmt, title=res.title, caption=caption)
    else:
        for line in res.meta["not_checked"]:
            print(f"alliance: note: not checked: {line}", file=sys.stderr)
        emit(res.table, fmt)

"""``alliance brief``: the one-screen answer to the seed article's burden-sharing questions."""

from __future__ import annotations

from typing import Annotated

import typer

from alliance.cli._common import EditionOpt, Format, FormatOpt, PlotOpt, YearOpt, check_plot_path, emit


def register(app: typer.Typer) -> None:
    @app.command("brief")
    def brief_cmd(
        year: YearOpt = None,
        edition: EditionOpt = None,
        gap_target: Annotated[float, typer.Option("--gap-target", help="Target (% GDP) for the gaps.")] = 3.5,
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
    ) -> None:
        """One screen: allies meeting 2/3.5/5%, largest gaps, US share, Olson-Zeckhauser trend, claims verdicts."""
        from alliance.brief import brief

        check_plot_path(plot)
        b = brief(edition=edition, year=year, gap_target=gap_target)
        if fmt is Format.table:
            from rich.console import Console

            Console(width=110).print(b)
        elif fmt is Format.json:
            emit(b.to_dict(), fmt)
        else:
            emit(b.to_frame(), fmt)
        if plot is not None:
            from alliance.spending import ranking
            from alliance.spending_plots import plot_ranking

            plot_ranking(ranking(year=b.year, edition=b.edition), plot)

"""Burden-sharing commands: ``alliance spending``, ``gaps``, ``shares``, ``olson-zeckhauser`` (alias ``oz``),
``hague-path`` and ``path2035``. Each is a thin wrapper over one function of :mod:`alliance.spending`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from alliance.cli._common import EditionOpt, Format, FormatOpt, PlotOpt, YearOpt, check_plot_path, emit

CountryOpt = Annotated[
    list[str] | None,
    typer.Option("--country", "-c", help="Restrict to this ally (ISO3 code or name); repeat for several."),
]
GrowthOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--gdp-growth",
        help="Real GDP growth, % a year: one number for all allies (e.g. 1.5) or ISO3=percent pairs, repeatable "
        "(default: each ally's own 2014-2026 compound growth).",
    ),
]


class Prices(str, Enum):
    current = "current"
    constant = "constant"


class Size(str, Enum):
    gdp = "gdp"
    gdp_current = "gdp_current"


def _note(note: str, fmt: Format) -> None:
    """Caveats go to stderr for csv/json (stdout stays machine-readable); tables show them as a caption."""
    if note and fmt is not Format.table:
        print(f"alliance: note: {note}", file=sys.stderr)


#: Short headers for terminal tables (csv/json keep the full column names).
_LABELS = {
    "meets_target": "meets",
    "gap_pct_gdp": "gap % GDP",
    "is_estimate": "est.",
    "gdp_usd_current_million": "GDP $m",
    "gap_usd_current_million": "gap $m",
    "spending_usd_million": "spending $m",
    "spending_share_pct": "spend share %",
    "gdp_share_pct": "GDP share %",
    "share_ratio": "ratio",
    "p_one_sided": "p (rho>0)",
    "gdp_growth_pct": "GDP g %",
    "needed_growth_core_pct": "need core %",
    "needed_growth_total_pct": "need total %",
    "trend_growth_pct": "trend %",
    "on_track_core": "on track core",
    "on_track_total": "on track total",
    "gdp_series_break": "GDP break",
    "pct_gdp_real": "pct_gdp",
    "spending_usd_constant_million": "base $m",
    "spending_by_current_share_million": "hold share $m",
    "spending_by_scenario_million": "scenario $m",
    "total_usd_constant2021_million": "total $m",
    "us_usd_constant2021_million": "US $m",
    "europe_canada_usd_constant2021_million": "Eur+Can $m",
    "difference_vs_all_at_target_million": "vs all at target $m",
}


def _show(df: pd.DataFrame, fmt: Format, columns: list[str], title: str, caption: str = "") -> None:
    if fmt is Format.table:
        df = df[[c for c in columns if c in df.columns]].rename(columns=_LABELS)
    emit(df, fmt, title=title, caption=caption or None)


def _plot(fn: Any, frame: pd.DataFrame, path: Path | None) -> None:
    if path is not None:
        fn(frame, path)
        print(f"alliance: wrote {path}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    @app.command("spending")
    def spending_cmd(
        target: Annotated[float, typer.Option("--target", "-t", help="Target share of GDP, %.")] = 2.0,
        year: YearOpt = None,
        edition: EditionOpt = None,
        country: CountryOpt = None,
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
    ) -> None:
        """Which allies meet a spending target (% of GDP) in a year and edition, and how many."""
        from alliance.spending import meets_target
        from alliance.spending_plots import plot_ranking

        check_plot_path(plot)
        df = meets_target(target, year, edition, country)
        a = df.attrs
        title = f"Allies at {a['target']:g}% of GDP or more: {a['n_meeting']} of {a['n_allies']} — {a['year']}, NATO edition {a['edition']}"
        caption = "Iceland has no armed forces and is in no NATO expenditure table."
        if a["edition"] == 2025 and a["year"] == 2025:
            caption += " The 2025 edition publishes Germany for 2024 only."
        _show(df, fmt, ["iso3", "country", "pct_gdp", "meets_target", "gap_pct_gdp", "is_estimate"], title, caption)
        _plot(plot_ranking, df, plot)

    @app.command("gaps")
    def gaps_cmd(
        target: Annotated[float, typer.Option("--target", "-t", help="Target share of GDP, %.")] = 3.5,
        year: YearOpt = None,
        edition: EditionOpt = None,
        country: CountryOpt = None,
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
    ) -> None:
        """The gap to a target per ally, in % of GDP and current USD, with the alliance total as the last row."""
        from alliance.spending import gap_to_target
        from alliance.spending_plots import plot_ranking

        check_plot_path(plot)
        df = gap_to_target(target, year, edition, country)
        a = df.attrs
        title = f"Gap to {a['target']:g}% of GDP — {a['year']}, NATO edition {a['edition']} (USD million, current)"
        _note(a["note"], fmt)
        cols = [
            "iso3",
            "country",
            "pct_gdp",
            "gap_pct_gdp",
            "gdp_usd_current_million",
            "gap_usd_current_million",
            "is_estimate",
        ]
        _show(
            df,
            fmt,
            cols,
            title,
            a["note"] or "Last row: sum over the allies above (gap % = summed USD gap / total GDP).",
        )
        _plot(plot_ranking, df, plot)

    @app.command("shares")
    def shares_cmd(
        year: YearOpt = None,
        edition: EditionOpt = None,
        prices: Annotated[Prices, typer.Option("--prices", help="current USD or constant 2021 USD.")] = Prices.current,
        summary: Annotated[
            bool, typer.Option("--summary", help="Print the US and Europe+Canada shares against NATO's aggregates.")
        ] = False,
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
    ) -> None:
        """Burden shares: each ally's share of alliance spending against its share of alliance GDP."""
        from alliance.spending import burden_shares, burden_summary
        from alliance.spending_plots import plot_burden_shares

        check_plot_path(plot)
        df = burden_shares(year, edition, prices.value)
        a = df.attrs
        s = a["summary"]
        where = f"{a['year']}, NATO edition {a['edition']} ({prices.value} USD)"
        if summary:
            emit(burden_summary(year, edition, prices.value), fmt, title=f"Burden-share summary — {where}")
        else:
            caption = f"US share {s['us_share_pct']:.1f}% (NATO aggregates: {s['nato_us_share_pct']:.1f}%); Europe and Canada {s['europe_canada_share_pct']:.1f}%."
            cols = [
                "iso3",
                "country",
                "pct_gdp",
                "spending_usd_million",
                "spending_share_pct",
                "gdp_share_pct",
                "share_ratio",
            ]
            _show(df, fmt, cols, f"Burden shares — {where}", caption)
        _plot(plot_burden_shares, df, plot)

    def olson_cmd(
        year: YearOpt = None,
        edition: EditionOpt = None,
        size: Annotated[Size, typer.Option("--size", help="Economic size: real GDP or current-USD GDP.")] = Size.gdp,
        exclude: Annotated[
            list[str] | None, typer.Option("--exclude", "-x", help="Leave out this ally (e.g. USA); repeatable.")
        ] = None,
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
    ) -> None:
        """Olson-Zeckhauser test: Spearman rank correlation of economic size and defence burden, per year (alias: oz)."""
        from alliance.spending import olson_zeckhauser
        from alliance.spending_plots import plot_olson_zeckhauser

        check_plot_path(plot)
        df = olson_zeckhauser(edition, None if year is None else [year], size.value, exclude=exclude)
        a, t = df.attrs, df.attrs["trend"]
        years = f"{t['first_year']}-{t['last_year']}" if t["first_year"] != t["last_year"] else str(t["first_year"])
        title = f"Olson-Zeckhauser: rho(size, % of GDP) — {years}, NATO edition {a['edition']}"
        caption = f"Significant years: {t['n_significant']} of {len(df)}. Members only from their accession year."
        if len(df) >= 3:
            caption = (
                f"rho {t['rho_first']:+.3f} ({t['first_year']}) -> {t['rho_last']:+.3f} ({t['last_year']}); "
                f"slope {t['slope_per_year']:+.4f}/year (p {t['slope_p_value']:.3f}). " + caption
            )
        _show(df, fmt, ["year", "n", "rho", "p_value", "p_one_sided", "significant"], title, caption)
        _plot(plot_olson_zeckhauser, df, plot)

    app.command("olson-zeckhauser")(olson_cmd)
    app.command("oz", hidden=True)(olson_cmd)

    @app.command("hague-path")
    def hague_cmd(
        core: Annotated[float, typer.Option("--core", help="Core defence target, % of GDP.")] = 3.5,
        related: Annotated[float, typer.Option("--related", help="Related spending on top of core, % of GDP.")] = 1.5,
        by: Annotated[int, typer.Option("--by", help="Target year.")] = 2035,
        gdp_growth: GrowthOpt = None,
        trend_years: Annotated[int, typer.Option("--trend-years", help="Window of the recent trend, years.")] = 5,
        year: YearOpt = None,
        edition: EditionOpt = None,
        country: CountryOpt = None,
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
    ) -> None:
        """Real growth of defence spending each ally needs to reach the Hague targets, against its recent trend."""
        from alliance.spending import hague_path, parse_gdp_growth
        from alliance.spending._base import resolve_countries
        from alliance.spending_plots import plot_hague_path

        check_plot_path(plot)
        codes = resolve_countries(country)
        df = hague_path(core, related, by, parse_gdp_growth(gdp_growth), edition, year, trend_years=trend_years)
        if codes is not None:
            df = df[df["iso3"].isin(codes)].reset_index(drop=True)
        a = df.attrs
        title = (
            f"Path to {a['core_target']:g}% (+{a['total_target'] - a['core_target']:g}%) of GDP by {a['by']} from "
            f"{a['base_year']}, NATO edition {a['edition']} (real growth, % a year)"
        )
        caption = (
            f"On track (trend {a['trend_window'][0]}-{a['trend_window'][1]} >= needed): core {a['n_on_track_core']}, "
            f"core+related {a['n_on_track_total']}. Flagged GDP series breaks: "
            f"{', '.join(df.loc[df['gdp_series_break'], 'iso3'].astype(str)) or 'none'}."
        )
        cols = [
            "iso3",
            "pct_gdp",
            "gdp_growth_pct",
            "needed_growth_core_pct",
            "needed_growth_total_pct",
            "trend_growth_pct",
            "on_track_core",
            "on_track_total",
            "gdp_series_break",
        ]
        _show(df, fmt, cols, title, caption)
        _plot(plot_hague_path, df, plot)

    @app.command("path2035")
    def path2035_cmd(
        target: Annotated[float, typer.Option("--target", "-t", help="Target share of GDP, %.")] = 3.5,
        us_exempt: Annotated[
            bool, typer.Option("--us-exempt", help="Per-ally detail follows the US-exempt scenario.")
        ] = False,
        gdp_growth: GrowthOpt = None,
        by: Annotated[int, typer.Option("--by", help="Target year.")] = 2035,
        detail: Annotated[
            bool, typer.Option("--detail", help="Print the per-ally detail instead of the scenarios.")
        ] = False,
        year: YearOpt = None,
        edition: EditionOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Alliance spending in 2035 (constant 2021 USD) if every ally reaches the target, and with the US exempt."""
        from alliance.spending import parse_gdp_growth, scenario_2035

        res = scenario_2035(target, us_exempt, parse_gdp_growth(gdp_growth), edition, year, by)
        where = f"{res.by} from {res.base_year}, NATO edition {res.edition} (USD million, constant 2021)"
        caption = f"Exempting the US (held at its {res.base_year} share) changes the {res.by} total by {-res.difference_usd_million:+,.0f} million."
        if detail:
            cols = [
                "iso3",
                "country",
                "pct_gdp_real",
                "gdp_growth_pct",
                "spending_usd_constant_million",
                "spending_by_current_share_million",
                "spending_by_scenario_million",
            ]
            _show(res.detail, fmt, cols, f"Per ally at {res.target:g}% — {where}", caption)
        else:
            cols = [c for c in res.scenarios.columns if c != "description"]
            _show(res.scenarios, fmt, cols, f"Scenarios at {res.target:g}% — {where}", caption)

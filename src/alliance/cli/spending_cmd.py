"""``alliance spending``: who meets a target (the default), and ``gaps``, ``shares``, ``olson-zeckhauser`` (alias
``oz``), ``hague-path``, ``path2035``. Each is a thin call of one function of :mod:`alliance.spending`; the old
top-level spellings (``alliance spending gaps`` ...) are hidden aliases of the same functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from alliance.cli._common import (
    CountryOpt,
    EditionOpt,
    Format,
    FormatOpt,
    PlotOpt,
    YearOpt,
    check_plot,
    emit,
    note,
)
from alliance.cli.groups import group_app
from alliance.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd

GrowthOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--gdp-growth",
        help="Real GDP growth, % a year: one number for all allies (e.g. 1.5) or ISO3=percent pairs, repeatable "
        "(default: each ally's own 2014-2026 compound growth).",
    ),
]
TargetOpt = Annotated[float, typer.Option("--target", "-t", help="Target share of GDP, %.")]


class Prices(str, Enum):
    current = "current"
    constant = "constant"


class Size(str, Enum):
    gdp = "gdp"
    gdp_current = "gdp_current"


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


def parse_gdp_growth(values: Sequence[str] | None) -> float | dict[str, float] | None:
    """``--gdp-growth`` values as the library takes them: none, one number for every ally (``"1.5"``), or
    ``ISO3=percent`` pairs (``["USA=2", "DEU=0.8"]``; the others keep their own record).

    Raises:
        BadInput: a malformed item, or a bare number mixed with pairs.
    """
    if not values:
        return None
    items = [v.strip() for v in values]
    pairs = [v for v in items if "=" in v]
    if not pairs:
        if len(items) > 1:
            raise BadInput(f"--gdp-growth given {len(items)} numbers; valid: one number for all, or ISO3=percent pairs")
        try:
            return float(items[0])
        except ValueError:
            raise BadInput(f"--gdp-growth {items[0]!r} is not a number; valid: e.g. 1.5 or USA=2.0") from None
    if len(pairs) != len(items):
        raise BadInput("--gdp-growth mixes a bare number with ISO3=percent pairs; valid: one or the other")
    out: dict[str, float] = {}
    for item in pairs:
        code, _, value = item.partition("=")
        try:
            out[code.strip()] = float(value)
        except ValueError:
            raise BadInput(f"--gdp-growth {item!r}: {value!r} is not a number; valid: e.g. USA=2.0") from None
    return out


def _show(df: pd.DataFrame, fmt: Format, columns: list[str], title: str, caption: str = "") -> None:
    if fmt is Format.table:
        df = df[[c for c in columns if c in df.columns]].rename(columns=_LABELS)
    emit(df, fmt, title=title, caption=caption or None)


def _chart(plot_fn_name: str, frame: pd.DataFrame, path: object) -> None:
    """Write the chart of a spending table with the named function of :mod:`alliance.spending.plots`."""
    if path is not None:
        import sys

        from alliance.spending import plots

        getattr(plots, plot_fn_name)(frame, path)
        print(f"alliance: wrote {path}", file=sys.stderr)


def _target_table(
    gap: bool, target: float, year: int | None, edition: str | None, country: list[str] | None, fmt: Format
) -> pd.DataFrame:
    """Who meets ``target`` (``gap=False``) or the gap to it in % of GDP and USD (``gap=True``), printed."""
    from alliance.spending import gap_to_target, meets_target

    fn = gap_to_target if gap else meets_target
    df = fn(target, edition=edition, year=year, countries=country)
    a = df.attrs
    where = f"{a['year']}, NATO edition {a['edition']}"
    if gap:
        note(a["note"], fmt)
        title = f"Gap to {a['target']:g}% of GDP — {where} (USD million, current)"
        caption = a["note"] or "Last row: sum over the allies above (gap % = summed USD gap / total GDP)."
        cols = ["iso3", "country", "pct_gdp", "gap_pct_gdp", "gdp_usd_current_million", "gap_usd_current_million"]
    else:
        title = f"Allies at {a['target']:g}% of GDP or more: {a['n_meeting']} of {a['n_allies']} — {where}"
        caption = "Iceland has no armed forces and is in no NATO expenditure table."
        if a["edition"] == 2025 and a["year"] == 2025:
            caption += " The 2025 edition publishes Germany for 2024 only."
        cols = ["iso3", "country", "pct_gdp", "meets_target", "gap_pct_gdp"]
    _show(df, fmt, [*cols, "is_estimate"], title, caption)
    return df


def meets(
    target: TargetOpt = 2.0,
    year: YearOpt = None,
    edition: EditionOpt = None,
    country: CountryOpt = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Which allies meet a spending target (% of GDP) in a year and edition, and how many."""
    check_plot(plot)
    _chart("plot_ranking", _target_table(False, target, year, edition, country, fmt), plot)


def gaps(
    target: TargetOpt = 3.5,
    year: YearOpt = None,
    edition: EditionOpt = None,
    country: CountryOpt = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """The gap to a target per ally, in % of GDP and current USD, with the alliance total as the last row."""
    check_plot(plot)
    _chart("plot_ranking", _target_table(True, target, year, edition, country, fmt), plot)


def shares(
    year: YearOpt = None,
    edition: EditionOpt = None,
    country: CountryOpt = None,
    prices: Annotated[Prices, typer.Option("--prices", help="current USD or constant 2021 USD.")] = Prices.current,
    summary: Annotated[
        bool, typer.Option("--summary", help="Print the US and Europe+Canada shares against NATO's aggregates.")
    ] = False,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Burden shares: each ally's share of alliance spending against its share of alliance GDP."""
    from alliance.spending import burden_shares, burden_summary

    check_plot(plot)
    df = burden_shares(prices.value, edition=edition, year=year, countries=country)
    a = df.attrs
    s = a["summary"]
    where = f"{a['year']}, NATO edition {a['edition']} ({prices.value} USD)"
    if summary:
        table = burden_summary(prices.value, edition=edition, year=year)
        emit(table, fmt, title=f"Burden-share summary — {where}")
    else:
        caption = f"US share {s['us_share_pct']:.1f}% (NATO aggregates: {s['nato_us_share_pct']:.1f}%); Europe and Canada {s['europe_canada_share_pct']:.1f}%."
        cols = ["iso3", "country", "pct_gdp", "spending_usd_million", "spending_share_pct", "gdp_share_pct"]
        _show(df, fmt, [*cols, "share_ratio"], f"Burden shares — {where}", caption)
    _chart("plot_burden_shares", df, plot)


def olson(
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

    check_plot(plot)
    df = olson_zeckhauser(size.value, edition=edition, year=year, exclude=exclude)
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
    _chart("plot_olson_zeckhauser", df, plot)


def hague_path(
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
    from alliance import spending

    check_plot(plot)
    growth = parse_gdp_growth(gdp_growth)
    df = spending.hague_path(
        core, related, by, growth, edition=edition, year=year, countries=country, trend_years=trend_years
    )
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
    cols = ["iso3", "pct_gdp", "gdp_growth_pct", "needed_growth_core_pct", "needed_growth_total_pct"]
    _show(df, fmt, [*cols, "trend_growth_pct", "on_track_core", "on_track_total", "gdp_series_break"], title, caption)
    _chart("plot_hague_path", df, plot)


def path2035(
    target: TargetOpt = 3.5,
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
    plot: PlotOpt = None,
) -> None:
    """Alliance spending in 2035 (constant 2021 USD) if every ally reaches the target, and with the US exempt."""
    from alliance.cli._common import plot_to
    from alliance.spending import scenario_2035

    check_plot(plot)
    growth = parse_gdp_growth(gdp_growth)
    res = scenario_2035(target, us_exempt=us_exempt, gdp_growth=growth, edition=edition, year=year, by=by)
    where = f"{res.by} from {res.base_year}, NATO edition {res.edition} (USD million, constant 2021)"
    caption = f"Exempting the US (held at its {res.base_year} share) changes the {res.by} total by {-res.difference_usd_million:+,.0f} million."
    if detail:
        cols = ["iso3", "country", "pct_gdp_real", "gdp_growth_pct", "spending_usd_constant_million"]
        cols += ["spending_by_current_share_million", "spending_by_scenario_million"]
        _show(res.detail, fmt, cols, f"Per ally at {res.target:g}% — {where}", caption)
    else:
        cols = [c for c in res.scenarios.columns if c != "description"]
        _show(res.scenarios, fmt, cols, f"Scenarios at {res.target:g}% — {where}", caption)
    plot_to(res, plot)


#: Subcommand name -> function (the hidden top-level aliases reuse this table).
SUBCOMMANDS: dict[str, Callable[..., None]] = {
    "gaps": gaps,
    "shares": shares,
    "olson-zeckhauser": olson,
    "hague-path": hague_path,
    "path2035": path2035,
}

app = group_app(
    "meets",
    "Burden sharing on NATO's figures. Without a subcommand: which allies meet a target (`meets`).",
)
app.command("meets")(meets)
for _name, _fn in SUBCOMMANDS.items():
    app.command(_name)(_fn)
app.command("oz", hidden=True)(olson)

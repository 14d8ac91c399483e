"""``alliance spending``: who meets a target (the default), and ``gaps``, ``shares``, ``olson-zeckhauser`` (alias
``oz``), ``hague``, ``hague-path``, ``path2035``, ``measures``, ``series``, ``russia``. Each is a thin call of one
function of :mod:`alliance.spending`; the first release's top-level spellings (``alliance gaps`` ...) are hidden
aliases of the same functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
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
RelatedOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--related",
        help="Defence-related spending assumed, % of GDP (0-1.5): one number for all, ISO3=PCT pairs (repeatable) or "
        "a .csv (iso3, related_pct_gdp) / .yaml file; default 0 for every ally (NATO publishes none).",
    ),
]


class Prices(str, Enum):
    current = "current"
    constant = "constant"


class Size(str, Enum):
    gdp = "gdp"
    gdp_current = "gdp_current"


#: Short headers for terminal tables (csv/json keep the full column names).
_LABELS = {
    "meets_target": "meets",
    "gap_pct_gdp": "gap, % of GDP",
    "is_estimate": "est.",
    "gdp_usd_current_million": "GDP, USD m (current)",
    "gap_usd_current_million": "gap, USD m (current)",
    "spending_usd_million": "spending, USD m",
    "spending_share_pct": "spending share, %",
    "gdp_share_pct": "GDP share, %",
    "share_ratio": "ratio",
    "p_one_sided": "p (rho>0)",
    "gdp_growth_pct": "GDP growth, %/yr",
    "needed_growth_core_pct": "needed core, %/yr",
    "needed_growth_total_pct": "needed total, %/yr",
    "trend_growth_pct": "trend, %/yr",
    "on_track_core": "on track core",
    "on_track_total": "on track total",
    "gdp_series_break": "GDP break",
    "assumed_growth_pct": "assumed, %/yr",
    "projected_pct_gdp_by": "projected, % of GDP",
    "pct_gdp_real": "% of GDP",
    "spending_usd_constant_million": "base year, USD m (2021)",
    "spending_by_current_share_million": "hold share, USD m (2021)",
    "spending_by_scenario_million": "scenario, USD m (2021)",
    "total_usd_constant2021_million": "total, USD m (2021)",
    "us_usd_constant2021_million": "US, USD m (2021)",
    "europe_canada_usd_constant2021_million": "Eur+Can, USD m (2021)",
    "difference_vs_all_at_target_million": "vs all at target, USD m (2021)",
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


def parse_related(values: list[str] | None) -> float | dict[str, float] | None:
    """``--related`` values: none, one number for every ally (``1.0``), ``ISO3=PCT`` pairs, or a ``.csv``/``.yaml``
    file of ally -> % of GDP (a CSV with columns ``iso3, related_pct_gdp``; YAML: a mapping)."""
    if not values:
        return None
    if len(values) == 1 and values[0].lower().endswith((".csv", ".yaml", ".yml", ".json")):
        return _related_file(values[0])
    try:
        return parse_gdp_growth(values)
    except BadInput as exc:
        raise BadInput(str(exc).replace("--gdp-growth", "--related").replace("USA=2.0", "USA=1.0")) from None


def _related_file(path: str) -> dict[str, float]:
    import csv
    import io

    from alliance.io import parse_text, read_user_file

    text, suffix = read_user_file(path, "--related file", (".csv", ".yaml", ".yml", ".json"))
    if suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows or not {"iso3", "related_pct_gdp"} <= set(rows[0]):
            raise BadInput(f"--related file {path!r}: needs columns iso3, related_pct_gdp")
        return {r["iso3"]: float(r["related_pct_gdp"]) for r in rows}
    data = parse_text(text, suffix, path)
    if not isinstance(data, dict):
        raise BadInput(f"--related file {path!r}: expected a mapping ally -> % of GDP")
    return {str(k): float(v) for k, v in data.items()}


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


def _notes(attrs: dict[str, object], fmt: Format, *keys: str) -> list[str]:
    """The non-empty notes of a table (coverage, other editions, core-only...), sent to stderr for csv/json."""
    texts = [str(attrs[k]) for k in keys if attrs.get(k)]
    for text in texts:
        note(text, fmt)
    return texts


def _target_table(
    gap: bool, target: float, year: int | None, edition: str | None, country: list[str] | None, fmt: Format
) -> pd.DataFrame:
    """Who meets ``target`` (``gap=False``) or the gap to it in % of GDP and USD (``gap=True``), printed."""
    from alliance.spending import count_text, gap_to_target, meets_target

    fn = gap_to_target if gap else meets_target
    df = fn(target, edition=edition, year=year, countries=country)
    a = df.attrs
    where = f"{a['year']}, NATO edition {a['edition']}"
    if gap:
        notes = _notes(a, fmt, "note", "coverage", "core_note")
        title = f"Gap to {a['target']:g}% of GDP — {where} (USD million, current)"
        caption = " ".join([*notes, "Last row: sum over the allies above (gap % = summed USD gap / total GDP)."])
        cols = ["iso3", "country", "pct_gdp", "gap_pct_gdp", "gdp_usd_current_million", "gap_usd_current_million"]
    else:
        notes = _notes(a, fmt, "coverage", "editions_note", "core_note")
        title = f"Allies at {a['target']:g}% of GDP or more: {count_text(a)} — {where}"
        caption = " ".join(["Iceland has no armed forces and is in no NATO expenditure table.", *notes])
        cols = ["iso3", "country", "pct_gdp", "meets_target", "gap_pct_gdp"]
    _show(df, fmt, [*cols, "is_estimate"], title, caption)
    return df


def _compare(target: float, year: int | None, country: list[str] | None, fmt: Format, plot: Path | None) -> None:
    """``alliance spending --compare-editions``: every edition that publishes the year, side by side."""
    from alliance.cli._common import plot_to
    from alliance.spending import compare_editions

    res = compare_editions(year, target, countries=country)
    if fmt is Format.json:
        emit(res.to_dict(), fmt)
    elif fmt is Format.csv:
        for text in [*(f"edition {r.edition}: {r.definition}" for r in res.editions.itertuples()), *res.notes]:
            note(text, fmt)
        emit(res.allies, fmt)
    else:
        emit(res.editions, fmt, title=f"Editions publishing {res.year}: allies at {res.target:g}% of GDP")
        emit(res.allies, fmt, title=res.title, caption=" ".join(res.notes) or None)
    plot_to(res, plot)


def meets(
    target: TargetOpt = 2.0,
    year: YearOpt = None,
    edition: EditionOpt = None,
    country: CountryOpt = None,
    compare_editions: Annotated[
        bool,
        typer.Option(
            "--compare-editions",
            help="Every NATO edition that publishes the year, side by side per ally, with each edition's "
            "definition (default year: 2025).",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Which allies meet a spending target (% of GDP) in a year and edition, and how many."""
    check_plot(plot)
    if compare_editions:
        if edition is not None:
            raise BadInput("--compare-editions shows every edition; drop --edition")
        _compare(target, year, country, fmt, plot)
        return
    if country is not None and len(country) == 1 and year is None:  # one ally, no year: its full time series
        _series(country[0], edition, fmt, plot)
        return
    _chart("plot_ranking", _target_table(False, target, year, edition, country, fmt), plot)


def _series(country: str, edition: str | None, fmt: Format, plot: Path | None) -> None:
    from alliance.spending import series

    df = series(country, edition=edition)
    a = df.attrs
    note(a["note"], fmt)
    title = f"{a['country']}: defence expenditure {a['years'][0]}-{a['years'][1]}, NATO edition {a['edition']}"
    cols = ["year", "pct_gdp", "spending_usd_current_million", "spending_usd_constant2021_million"]
    cols += ["spending_per_capita_usd_constant2021", "equipment_share_pct", "military_personnel_thousands"]
    _show(df, fmt, [*cols, "real_change_pct", "is_estimate"], title, a["note"])
    _chart("plot_series", df, plot)


def series_cmd(
    country: Annotated[str, typer.Argument(help="The ally: ISO3 code or name (UK, Britain, Turkey, Holland...).")],
    edition: EditionOpt = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """One ally's full time series: % of GDP, spending (current and constant USD), per head, equipment share,
    personnel, real change."""
    check_plot(plot)
    _series(country, edition, fmt, plot)


def measures_cmd(
    year: YearOpt = None,
    edition: EditionOpt = None,
    country: CountryOpt = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """The standard measures per ally: spending per head, equipment share against NATO's 20%, personnel, real
    change on the year before."""
    from alliance.spending import measures

    check_plot(plot)
    df = measures(year=year, edition=edition, countries=country)
    a = df.attrs
    note(a["note"], fmt)
    title = f"Standard measures — {a['year']}, NATO edition {a['edition']}"
    cols = ["iso3", "country", "pct_gdp", "spending_usd_constant2021_million", "spending_per_capita_usd_constant2021"]
    cols += ["equipment_share_pct", "meets_equipment_20", "military_personnel_thousands", "real_change_pct"]
    _show(df, fmt, [*cols, "is_estimate"], title, a["note"])
    _chart("plot_measures", df, plot)


def russia_cmd(
    release: Annotated[
        str | None,
        typer.Option("--release", help="SIPRI release: 2025-04 (default, data to 2024) or 2026-04 (partial, to 2025)."),
    ] = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """European allies and Canada against Russia (SIPRI): current and constant USD, share of GDP, with SIPRI's
    caveats."""
    from alliance.spending import europe_vs_russia

    check_plot(plot)
    df = europe_vs_russia(release)
    a = df.attrs
    for line in a["caveats"]:
        note(line, fmt)
    title = f"European allies and Canada vs Russia — SIPRI Military Expenditure Database, {a['release_label']}"
    _show(df, fmt, list(df.columns), title, " ".join([a["source"] + ".", *a["caveats"]]))
    _chart("plot_europe_vs_russia", df, plot)


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


def hague(
    related: RelatedOpt = None,
    year: YearOpt = None,
    edition: EditionOpt = None,
    country: CountryOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The Hague commitment as agreed: core spending against 3.5% of GDP, and core + related (your assumption per
    ally, default 0) against 5%."""
    from alliance.spending import hague_check

    df = hague_check(parse_related(related), edition=edition, year=year, countries=country)
    a = df.attrs
    note(a["note"], fmt)
    title = (
        f"The Hague commitment — {a['year']}, NATO edition {a['edition']}: core >= 3.5%: {a['n_core']} of "
        f"{a['n_allies']}; core + related >= 5%: {a['n_total']} of {a['n_allies']}"
    )
    cols = ["iso3", "country", "core_pct_gdp", "meets_core_3_5", "related_pct_gdp", "core_plus_related_pct_gdp"]
    _show(df, fmt, [*cols, "meets_hague_5", "is_estimate"], title, a["note"])


def hague_path(
    core: Annotated[float, typer.Option("--core", help="Core defence target, % of GDP.")] = 3.5,
    related: Annotated[float, typer.Option("--related", help="Related spending on top of core, % of GDP.")] = 1.5,
    by: Annotated[int, typer.Option("--by", help="Target year.")] = 2035,
    gdp_growth: GrowthOpt = None,
    trend_years: Annotated[int, typer.Option("--trend-years", help="Window of the recent trend, years.")] = 5,
    trend: Annotated[
        str, typer.Option("--trend", help="Growth assumed: damped (default: the recent trend fades) or recent.")
    ] = "damped",
    halflife: Annotated[
        float, typer.Option("--halflife", help="Years for the recent trend's excess over GDP growth to halve.")
    ] = 4.0,
    plan: Annotated[
        list[str] | None,
        typer.Option("--plan", help="A published national plan: ISO3=share of GDP (%) in --by; cite it. Repeatable."),
    ] = None,
    year: YearOpt = None,
    edition: EditionOpt = None,
    country: CountryOpt = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Real growth of defence spending each ally needs to reach the Hague targets, against the growth assumed."""
    from alliance import spending

    check_plot(plot)
    growth = parse_gdp_growth(gdp_growth)
    plans = parse_gdp_growth(plan) if plan else None
    if plans is not None and not isinstance(plans, dict):
        raise BadInput("--plan takes ISO3=PCT pairs, e.g. --plan ESP=2.1")
    df = spending.hague_path(
        core,
        related,
        by,
        growth,
        edition=edition,
        year=year,
        countries=country,
        trend_years=trend_years,
        trend=trend,
        halflife=halflife,
        plans=plans,
    )
    a = df.attrs
    title = (
        f"Path to {a['core_target']:g}% (+{a['total_target'] - a['core_target']:g}%) of GDP by {a['by']} from "
        f"{a['base_year']}, NATO edition {a['edition']} (real growth, % a year)"
    )
    breaks = ", ".join(df.loc[df["gdp_series_break"], "iso3"].astype(str)) or "none"
    caption = (
        f"Growth assumed: {a['growth_assumption']}. On track (share projected for {a['by']} >= target): core "
        f"{a['n_on_track_core']}, core+related {a['n_on_track_total']}. GDP series breaks (left out of the default "
        f"GDP growth): {breaks}. {a['core_note']}. National plans: "
        + (", ".join(f"{k} {v:g}%" for k, v in a["plans"].items()) or "none given (none embedded)")
        + "."
    )
    note(caption, fmt)
    cols = ["iso3", "pct_gdp_real", "gdp_growth_pct", "needed_growth_core_pct", "needed_growth_total_pct"]
    cols += ["trend_growth_pct", "assumed_growth_pct", "projected_pct_gdp_by", "on_track_core", "on_track_total"]
    _show(df, fmt, [*cols, "gdp_series_break"], title, caption)
    _chart("plot_hague_path", df, plot)


def path2035(
    target: TargetOpt = 3.5,
    us_exempt: Annotated[
        bool, typer.Option("--us-exempt", help="Per-ally detail follows the US-exempt scenario.")
    ] = False,
    cut_above: Annotated[
        bool,
        typer.Option("--cut-above", help="Allies above the target come down to it (default: they keep their share)."),
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
    res = scenario_2035(
        target, us_exempt=us_exempt, gdp_growth=growth, edition=edition, year=year, by=by, cut_above=cut_above
    )
    where = f"{res.by} from {res.base_year}, NATO edition {res.edition} (USD million, constant 2021)"
    caption = (
        f"{res.meta['us_exempt_definition']}. Exempting the US changes the {res.by} total of all_at_target by "
        f"{-res.difference_usd_million:+,.0f} million. Allies above {res.target:g}%: {res.meta['above_target']}."
    )
    note(caption, fmt)
    if detail:
        cols = ["iso3", "country", "pct_gdp_real", "gdp_growth_pct", "spending_usd_constant_million"]
        cols += ["spending_by_current_share_million", "spending_by_scenario_million"]
        _show(res.detail, fmt, cols, f"Per ally at {res.target:g}% — {where}", caption)
    else:
        cols = [c for c in res.scenarios.columns if c != "description"]
        _show(res.scenarios, fmt, cols, f"Scenarios at {res.target:g}% — {where}", caption)
    plot_to(res, plot)


#: The first release's top-level spellings (hidden aliases: ``alliance gaps`` ...).
FIRST_RELEASE = ("gaps", "shares", "olson-zeckhauser", "hague-path", "path2035")
#: Subcommand name -> function (the hidden top-level aliases reuse this table).
SUBCOMMANDS: dict[str, Callable[..., None]] = {
    "gaps": gaps,
    "shares": shares,
    "olson-zeckhauser": olson,
    "measures": measures_cmd,
    "series": series_cmd,
    "russia": russia_cmd,
    "hague": hague,
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

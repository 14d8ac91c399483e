"""``/api/allies``, ``/api/editions``, ``/api/spending`` (who meets a target; ``/compare``: every edition side by
side; ``/series``), ``/api/gaps``, ``/api/shares`` (and ``/summary``, ``/us-over-time``), ``/api/olson-zeckhauser``,
``/api/hague-path``, ``/api/path2035``: thin calls of :mod:`alliance.spending` (as ``alliance spending ...``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from alliance.web.payload import table

router = APIRouter(tags=["spending"])

Edition = Annotated[
    str | None, Query(description="NATO edition: 2024, 2025 or 2026 (default: 2026).", max_length=8, examples=["2026"])
]
Year = Annotated[int | None, Query(description="Year (default: the latest in the edition).", ge=1949, le=2100)]
Countries = Annotated[
    list[str] | None,
    Query(description="Restrict to these allies (ISO3 code or name); repeat the parameter for several.", max_length=40),
]
Target = Annotated[float, Query(description="Target share of GDP, %.", ge=0, le=100)]
Growth = Annotated[
    float | None,
    Query(description="Real GDP growth, % a year, for every ally (default: each ally's own record).", ge=-10, le=20),
]


def _source(edition: Any) -> str:
    from alliance.data import source_line

    return source_line(edition if isinstance(edition, int) else None)


@router.get("/allies", summary="The 32 allies: accession, region, flank, capital, distance to Moscow")
def allies() -> dict[str, Any]:
    from alliance.data import load_allies

    return table(load_allies(), source="Source: alliance.data allies table (accession years, capitals, flank)")


@router.get("/editions", summary="The NATO editions embedded: definition, notes, years published")
def editions() -> dict[str, Any]:
    from alliance import data

    rows = [
        {
            "edition": ed,
            "published": data.EDITIONS[ed],
            "definition": data.EDITION_DEFINITIONS.get(ed, ""),
            "note": data.EDITION_NOTES.get(ed, ""),
            "years": data.valid_years(ed),
            "latest": ed == data.LATEST_EDITION,
        }
        for ed in sorted(data.EDITIONS)
    ]
    return {"meta": {"latest": data.LATEST_EDITION}, "rows": rows}


@router.get("/spending", summary="Which allies meet a target in a year and edition, and how many")
def spending(
    year: Year = None, edition: Edition = None, target: Target = 2.0, country: Countries = None
) -> dict[str, Any]:
    """``alliance spending --year Y --edition E --target T``: ``meta.n_meeting`` of ``meta.n_allies`` allies, the
    other editions' answers (``meta.editions_note``), one row per ally."""
    from alliance.spending import meets_target

    df = meets_target(target, edition=edition, year=year, countries=country)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/spending/compare", summary="One year under every NATO edition that publishes it, side by side")
def compare(year: Year = None, target: Target = 2.0, country: Countries = None) -> dict[str, Any]:
    """``alliance spending --compare-editions``: each edition's answer and definition, per ally where they
    disagree (``allies[].editions_agree``)."""
    from alliance.spending import compare_editions

    res = compare_editions(year, target, countries=country)
    return {**res.to_dict(), "source": res.source}


@router.get("/spending/series", summary="One ally's full series: % of GDP, USD, per head, equipment, personnel")
def series(
    country: Annotated[str, Query(description="The ally: ISO3 code or name.", min_length=1, max_length=60)],
    edition: Edition = None,
) -> dict[str, Any]:
    from alliance.spending import series as ally_series

    df = ally_series(country, edition=edition)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/gaps", summary="The gap to a target per ally in % of GDP and current USD, with the alliance total")
def gaps(year: Year = None, edition: Edition = None, target: Target = 3.5, country: Countries = None) -> dict[str, Any]:
    from alliance.spending import gap_to_target

    df = gap_to_target(target, edition=edition, year=year, countries=country)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/shares", summary="Burden shares: each ally's share of allied spending against its share of GDP")
def shares(
    year: Year = None,
    edition: Edition = None,
    prices: Annotated[Literal["current", "constant"], Query(description="USD basis.")] = "current",
    country: Countries = None,
) -> dict[str, Any]:
    """``alliance spending shares``; ``meta.summary`` holds the US and Europe+Canada shares."""
    from alliance.spending import burden_shares

    df = burden_shares(prices, edition=edition, year=year, countries=country)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/shares/summary", summary="The US and Europe+Canada shares against NATO's own aggregates")
def shares_summary(
    year: Year = None,
    edition: Edition = None,
    prices: Annotated[Literal["current", "constant"], Query(description="USD basis.")] = "current",
) -> dict[str, Any]:
    from alliance.spending import burden_summary

    df = burden_summary(prices, edition=edition, year=year)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/shares/us-over-time", summary="The US share of allied defence spending in every year of an edition")
def us_over_time(
    edition: Edition = None,
    prices: Annotated[Literal["current", "constant"], Query(description="USD basis.")] = "current",
) -> dict[str, Any]:
    from alliance.spending import us_share_series

    df = us_share_series(prices, edition=edition)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/olson-zeckhauser", summary="Spearman rho of economic size and defence burden, per year, and its trend")
def olson(
    year: Year = None,
    edition: Edition = None,
    size: Annotated[Literal["gdp", "gdp_current"], Query(description="Real GDP or current-USD GDP.")] = "gdp",
    exclude: Annotated[list[str] | None, Query(description="Leave out these allies (e.g. USA).", max_length=40)] = None,
) -> dict[str, Any]:
    from alliance.spending import olson_zeckhauser

    df = olson_zeckhauser(size, edition=edition, year=year, exclude=exclude)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/hague-path", summary="Real growth each ally needs for the Hague targets by 2035, against the trend")
def hague_path(
    core: Annotated[float, Query(description="Core target, % of GDP.", ge=0, le=20)] = 3.5,
    related: Annotated[float, Query(description="Related spending on top of core, % of GDP.", ge=0, le=10)] = 1.5,
    by: Annotated[int, Query(description="Target year.", ge=2027, le=2060)] = 2035,
    gdp_growth: Growth = None,
    year: Year = None,
    edition: Edition = None,
    country: Countries = None,
) -> dict[str, Any]:
    from alliance import spending as lib

    df = lib.hague_path(core, related, by, gdp_growth, edition=edition, year=year, countries=country)
    return table(df, source=_source(df.attrs.get("edition")))


@router.get("/path2035", summary="Alliance spending in 2035 with every ally at the target, and with the US exempt")
def path2035(
    target: Target = 3.5,
    us_exempt: Annotated[bool, Query(description="Per-ally detail follows the US-exempt scenario.")] = False,
    cut_above: Annotated[bool, Query(description="Allies above the target come down to it.")] = False,
    gdp_growth: Growth = None,
    by: Annotated[int, Query(description="Target year.", ge=2027, le=2060)] = 2035,
    year: Year = None,
    edition: Edition = None,
) -> dict[str, Any]:
    from alliance.spending import scenario_2035

    res = scenario_2035(
        target, us_exempt=us_exempt, gdp_growth=gdp_growth, edition=edition, year=year, by=by, cut_above=cut_above
    )
    return {**res.to_dict(), "source": res.source}

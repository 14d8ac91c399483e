"""The alliance's embedded data: NATO spending (three editions), the allies, US forces, SIPRI comparators,
summit texts and NATO common-funding facts.

Every table lives in ``alliance/data/tables`` with a ``.meta.yaml`` file beside it (producer, title, edition,
citation, licence, sha256, caveats). Tables load lazily through :mod:`importlib.resources` and come back as
typed DataFrames; each call returns a fresh copy, so callers may modify it. The first load of a table in a process
checks its bytes against the recorded sha256 (:func:`verified_bytes`, once: 0.1 ms of hashing per table); a
damaged or edited table, or a missing or broken metadata record, is refused with a one-line
:class:`~alliance.errors.AllianceError` naming it.

Editions of NATO's spending tables revise history and change definitions, so they never mix silently: every
function that reads spending takes ``edition=`` and the returned frame carries it in an ``edition`` column and
in ``frame.attrs["edition"]``.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from alliance.errors import AllianceError, BadInput, one_of
from alliance.io import load_yaml

__all__ = [
    "AGGREGATES",
    "EDITIONS",
    "EDITION_DEFINITIONS",
    "EDITION_NOTES",
    "EDITION_TABLES",
    "LATEST_EDITION",
    "USD_NOTES",
    "catalog",
    "check_table",
    "clear_caches",
    "list_tables",
    "load_allies",
    "load_common_funding",
    "load_comparators",
    "load_sipri",
    "load_spending",
    "load_summit_texts",
    "load_table",
    "load_us_forces",
    "resolve_release",
    "SIPRI_RELEASES",
    "source_line",
    "metadata",
    "resolve_edition",
    "table_bytes",
    "table_problem",
    "verified_bytes",
    "valid_years",
]

#: NATO editions of "Defence Expenditure of NATO Countries" shipped with the package.
EDITIONS: dict[int, str] = {
    2024: "NATO 2024 (published 17 Jun 2024)",
    2025: "NATO 2025 (published 28 Aug 2025)",
    2026: "NATO 2026 edition (core defence expenditure, 2014-2026)",
}
EDITION_NOTES: dict[int, str] = {
    2024: "17 Jun 2024; % of GDP at 2015 prices; 2014 and 2024 (estimate) only",
    2025: (
        "28 Aug 2025; embedded: a partial extract (% of GDP 2025e for 30 allies and Germany 2024e, 2014-2025 for 7; "
        "USD at constant 2021 prices for 26 allies 2014-2025; current USD for 9 allies in 2025 only)"
    ),
    2026: "core defence expenditure (Hague definition), 2014-2026; 2025-2026 estimates; USD current and 2021 prices",
}
LATEST_EDITION = 2026
#: What each edition defines as defence expenditure (shown beside its figures when editions are compared).
EDITION_DEFINITIONS: dict[int, str] = {
    2024: "NATO definition of defence expenditure as of June 2024; % of GDP at 2015 prices",
    2025: "NATO definition of defence expenditure as of August 2025, before the core definition agreed at The Hague",
    2026: "core defence expenditure under the definition agreed at The Hague (2025), revised back to 2014",
}
#: Where an edition's embedded figures come from, when a table other than the editions table holds them.
EDITION_TABLES: dict[int, str] = {2025: "nato_spending_2025_extract.csv"}
#: What is embedded of an edition's USD tables, where not all of them are.
USD_NOTES: dict[int, str] = {
    2024: "the 2024 edition's USD tables are not embedded",
    2025: (
        "the 2025 edition publishes USD (Table 2, current and constant 2021 prices); embedded: constant 2021 USD for "
        "26 allies (2014-2025), current USD for 9 allies in 2025 only"
    ),
}
#: NATO's own aggregate rows (iso3 codes used in the tables).
AGGREGATES = {"NATO_EUR_CAN": "NATO Europe and Canada", "NATO_TOTAL": "NATO Total"}

MOSCOW = (55.76, 37.62)

_TABLES = resources.files("alliance.data") / "tables"


def list_tables() -> list[str]:
    """File names of the embedded tables (each has a ``.meta.yaml`` beside it)."""
    return sorted(p.name for p in _TABLES.iterdir() if p.name.endswith((".csv", ".tsv")) and not p.name.startswith("."))


def table_bytes(name: str) -> bytes:
    """Raw bytes of an embedded table, checked against the sha256 of its metadata (see :func:`verified_bytes`)."""
    if name not in list_tables():
        raise one_of("table", name, list_tables())
    return verified_bytes(name)


@functools.cache
def verified_bytes(name: str) -> bytes:
    """The bytes of an embedded table, read and hashed once per process; every loader reads through here.

    Raises:
        AllianceError: the table's sha256 differs from the one its ``.meta.yaml`` records (a damaged or edited
            installation), or its metadata record is missing or broken. One line naming the table.
    """
    raw = (_TABLES / name).read_bytes()
    expected = metadata(name)["sha256"]
    got = hashlib.sha256(raw).hexdigest()
    if got != expected:
        raise AllianceError(
            f"embedded table {name} is damaged or edited: its sha256 {got[:12]}... differs from {expected[:12]}... "
            f"recorded in {_meta_file(name)}; reinstall alliance (or rebuild it with tools/build_tables.py)"
        )
    return raw


def _meta_file(name: str) -> str:
    return f"{name.rsplit('.', 1)[0]}.meta.yaml"


@functools.cache
def metadata(name: str) -> dict[str, Any]:
    """The metadata record of an embedded table (producer, edition, licence, sha256, caveats...).

    Raises:
        AllianceError: the record is missing, is not valid YAML, or records no sha256 (one line naming it).
    """
    if name not in list_tables():
        raise one_of("table", name, list_tables())
    where = f"the metadata record {_meta_file(name)} of embedded table {name}"
    try:
        text = (_TABLES / _meta_file(name)).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AllianceError(f"{where} is missing; reinstall alliance") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AllianceError(f"{where} cannot be read: {exc}") from None
    try:
        meta = load_yaml(text)
    except (yaml.YAMLError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AllianceError(f"{where} is not valid YAML ({first}); reinstall alliance") from None
    if not isinstance(meta, dict):
        raise AllianceError(f"{where} is not a mapping of fields; reinstall alliance")
    sha = meta.get("sha256")
    if not (isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)):
        raise AllianceError(f"{where} records no valid sha256 (64 hex digits); reinstall alliance")
    return dict(meta)


def check_table(name: str) -> bool:
    """True if the table's bytes match the sha256 recorded in its metadata (False also when the record is broken)."""
    try:
        table_bytes(name)
    except AllianceError as exc:
        if isinstance(exc, BadInput):
            raise
        return False
    return True


def table_problem(name: str) -> str | None:
    """What is wrong with an embedded table (its hash, its metadata record), or None when it checks out."""
    try:
        table_bytes(name)
    except AllianceError as exc:
        if isinstance(exc, BadInput):
            raise
        return str(exc)
    return None


def catalog() -> pd.DataFrame:
    """The embedded tables: one row each with producer, edition, licence and whether its sha256 checks out.

    A table that fails its check (or whose metadata record is missing or broken) is listed with ``sha256_ok``
    false; ``attrs["problems"]`` maps each such table to the reason.
    """
    rows = []
    problems: dict[str, str] = {}
    for name in list_tables():
        problem = table_problem(name)
        try:
            meta = metadata(name)
        except AllianceError:
            meta = {}
        rows.append(
            {
                "table": name,
                "producer": meta.get("producer"),
                "edition": meta.get("edition"),
                "licence": meta.get("licence"),
                "sha256_ok": problem is None,
            }
        )
        if problem is not None:
            problems[name] = problem
    out = pd.DataFrame(rows)
    out.attrs["problems"] = problems
    return out


@functools.cache
def _read(name: str) -> pd.DataFrame:
    sep = "\t" if name.endswith(".tsv") else ","
    return pd.read_csv(io.BytesIO(verified_bytes(name)), sep=sep)


def load_table(name: str) -> pd.DataFrame:
    """Any embedded table as stored, with its metadata in ``frame.attrs["meta"]``."""
    if name not in list_tables():
        raise one_of("table", name, list_tables())
    df = _read(name).copy()
    df.attrs["meta"] = metadata(name)
    return df


def clear_caches() -> None:
    """Forget every table read and checked in this process (the next load reads and hashes again)."""
    for fn in (verified_bytes, metadata, _read, _spending_all):
        fn.cache_clear()


def resolve_edition(edition: int | str | None) -> int:
    """Validate an edition given as 2026, "2026" or None (the latest)."""
    if edition is None or edition == "latest":
        return LATEST_EDITION
    try:
        value = int(str(edition).strip())
    except ValueError:
        raise one_of("edition", edition, list(EDITIONS)) from None
    if value not in EDITIONS:
        raise one_of("edition", edition, list(EDITIONS))
    return value


_SPENDING_COLUMNS = [
    "iso3",
    "country",
    "year",
    "edition",
    "pct_gdp",
    "usd_current_million",
    "usd_constant_million",
    "constant_price_base",
    "real_gdp_usd_constant2021_million",
    "gdp_per_capita_thousand_usd_constant2021",
    "equipment_share_pct",
    "military_personnel_thousands",
    "is_estimate",
    "source",
]


@functools.cache
def _spending_all() -> pd.DataFrame:
    long = _read("nato_spending_editions.csv").copy()
    code = {label: ed for ed, label in EDITIONS.items()}
    long["edition"] = long["edition"].map(code)
    if long["edition"].isna().any():  # pragma: no cover - guarded by the hash test
        raise ValueError("nato_spending_editions.csv holds an edition label the package does not know")
    # The 2025 edition comes from its partial extract, a superset of the editions table's 2025 column (same values;
    # tools/build_tables.py checks it).
    ext = _read(EDITION_TABLES[2025]).rename(columns={"usd_constant2021_million": "usd_constant_million"})
    ext = ext.assign(edition=2025, constant_price_base=2021.0)
    long = pd.concat([long[long["edition"] != 2025], ext[[c for c in long.columns if c in ext.columns]]])
    full = _read("nato_spending_2026_full.csv")
    extra = [
        "real_gdp_usd_constant2021_million",
        "gdp_per_capita_thousand_usd_constant2021",
        "equipment_share_pct",
        "military_personnel_thousands",
    ]
    full26 = full[["iso3", "year", *extra]].assign(edition=2026)
    df = long.merge(full26, on=["iso3", "year", "edition"], how="left")
    df["edition"] = df["edition"].astype("int64")
    df["year"] = df["year"].astype("int64")
    df["is_estimate"] = df["is_estimate"].astype(bool)
    for col in ["country", "iso3", "source"]:
        df[col] = df[col].astype("string")
    return df[_SPENDING_COLUMNS].sort_values(["edition", "iso3", "year"]).reset_index(drop=True)


def load_spending(
    edition: int | str | None = LATEST_EDITION, *, aggregates: bool = False, all_editions: bool = False
) -> pd.DataFrame:
    """NATO defence expenditure, one row per ally, year and edition.

    Args:
        edition: 2024, 2025 or 2026 (default, the latest: core defence expenditure under the Hague
            definition). Ignored when ``all_editions`` is true.
        aggregates: keep NATO's own aggregate rows (``NATO_EUR_CAN``, ``NATO_TOTAL``).
        all_editions: return every edition in one long table (the ``edition`` column tells them apart).

    Returns:
        Columns ``iso3, country, year, edition, pct_gdp, usd_current_million, usd_constant_million,
        constant_price_base, real_gdp_usd_constant2021_million, gdp_per_capita_thousand_usd_constant2021,
        equipment_share_pct, military_personnel_thousands, is_estimate, source``; columns an edition does not
        publish are NaN. ``attrs["edition"]`` names the edition used.
    """
    df = _spending_all()
    if all_editions:
        out = df.copy()
        out.attrs["edition"] = "all"
    else:
        ed = resolve_edition(edition)
        out = df[df["edition"] == ed].reset_index(drop=True)
        out.attrs["edition"] = ed
    if not aggregates:
        out = out[~out["iso3"].isin(list(AGGREGATES))].reset_index(drop=True)
    out.attrs["edition_note"] = EDITION_NOTES.get(out.attrs["edition"], "all editions")
    return out


def valid_years(edition: int | str | None = LATEST_EDITION) -> list[int]:
    """Years an edition publishes."""
    return sorted(int(y) for y in load_spending(edition)["year"].unique())


def _haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: float, lon2: float) -> np.ndarray:
    r = 6371.0
    p1, p2 = np.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dl = math.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * r * np.arcsin(np.sqrt(a)))


_SHORT = {
    2024: "2024 edition (17 Jun 2024)",
    2025: "2025 edition (28 Aug 2025)",
    2026: "2026 edition (core definition)",
}


def source_line(edition: int | Sequence[int] | None = None, sipri: str | None = None) -> str:
    """The attribution a chart carries: NATO's edition(s) (NATO's terms ask for attribution) and/or SIPRI's wording.

    Args:
        edition: a NATO edition or several, or None for no NATO source.
        sipri: a SIPRI release key of :data:`SIPRI_RELEASES`, or None.
    """
    parts = []
    if edition is not None:
        eds = [resolve_edition(edition)] if isinstance(edition, int | str) else [resolve_edition(e) for e in edition]
        text = " and ".join(_SHORT[e] + (", partial extract" if e in EDITION_TABLES else "") for e in eds)
        parts.append(f"NATO, Defence Expenditure of NATO Countries, {text}")
    if sipri is not None:
        parts.append(f"SIPRI Military Expenditure Database, {SIPRI_RELEASES[resolve_release(sipri)]}")
    return "Source: " + "; ".join(parts) if parts else ""


def load_allies() -> pd.DataFrame:
    """The 32 allies: ``iso3, name, accession_year, region, flank, border_russia_belarus, has_armed_forces,
    capital, capital_lat, capital_lon, distance_to_moscow_km, in_spending_tables``.

    ``has_armed_forces`` is false for Iceland, which is absent from NATO's expenditure tables.
    """
    df = load_table("allies.csv")
    df["border_russia_belarus"] = df["border_russia_belarus"].astype(bool)
    df["has_armed_forces"] = df["has_armed_forces"].astype(bool)
    df["distance_to_moscow_km"] = _haversine_km(
        df["capital_lat"].to_numpy(), df["capital_lon"].to_numpy(), *MOSCOW
    ).round(0)
    df["in_spending_tables"] = df["has_armed_forces"]
    for col in ["iso3", "name", "region", "flank", "capital"]:
        df[col] = df[col].astype("string")
    return df


def load_us_forces() -> pd.DataFrame:
    """US active-duty personnel permanently assigned in European allies (DMDC), Dec 2024 and Mar 2026.

    Caveat (also in ``attrs["caveat"]``): DMDC counts permanently assigned personnel only; rotational forces
    (about 84,000-100,000 US servicemembers were in Europe in 2024-2025 in all) are excluded.
    """
    df = load_table("us_forces_dmdc.csv").rename(columns={"host_country": "country"})
    df["note"] = df["note"].fillna("").astype("string")
    df.attrs["caveat"] = metadata("us_forces_dmdc.csv")["caveats"][0]
    return df


#: SIPRI releases embedded: key -> label. The April 2025 release (data to 2024) is the default; the April 2026
#: release (data to 2025) is a partial extract (2015 and 2025 for all, 2014-2025 constant USD for USA/CHN/RUS).
SIPRI_RELEASES: dict[str, str] = {
    "2025-04": "April 2025 release (data to 2024)",
    "2026-04": "April 2026 release (data to 2025; partial extract)",
}
SIPRI_DEFAULT = "2025-04"
_SIPRI_TABLES = {"2025-04": "sipri_milex_extract.csv", "2026-04": "sipri_milex_2026_extract.csv"}


def resolve_release(release: str | None) -> str:
    """A SIPRI release key (``2025-04`` default, ``2026-04``); also accepts ``2025``/``2026`` (the release year)."""
    if release is None:
        return SIPRI_DEFAULT
    key = str(release).strip()
    key = {"2025": "2025-04", "2026": "2026-04", "latest": "2026-04"}.get(key, key)
    if key not in SIPRI_RELEASES:
        raise one_of("SIPRI release", release, list(SIPRI_RELEASES))
    return key


def load_sipri(release: str | None = None) -> pd.DataFrame:
    """A SIPRI extract (allies, Russia, China, Ukraine); licence in ``attrs["meta"]``, release in
    ``attrs["release"]``.

    Args:
        release: ``"2025-04"`` (default: the April 2025 release, 2014-2024, constant 2023 USD) or ``"2026-04"``
            (the April 2026 release, partial: 2015 and 2025 for every country, constant 2024 USD kept in its own
            column ``usd_constant2024_million``).
    """
    key = resolve_release(release)
    df = load_table(_SIPRI_TABLES[key])
    df["year"] = df["year"].astype("int64")
    df.attrs["release"] = key
    df.attrs["release_label"] = SIPRI_RELEASES[key]
    return df


def load_comparators(release: str | None = None) -> pd.DataFrame:
    """SIPRI figures for Russia, China and Ukraine: share of GDP, USD current and constant (the release's base)."""
    df = load_sipri(release)
    out = df[df["iso3"].isin(["RUS", "CHN", "UKR"])].reset_index(drop=True)
    out.attrs = df.attrs
    out.attrs["licence"] = df.attrs["meta"]["licence"]
    return out


def load_summit_texts() -> pd.DataFrame:
    """The Russia and China wording of each NATO summit text 2014-2024, with sources."""
    df = load_table("summit_texts.csv")
    df["date"] = pd.to_datetime(df["date"])
    df["year"] = df["date"].dt.year
    return df


def load_common_funding() -> pd.DataFrame:
    """NATO common-funding facts: budgets and cost shares, each with its source."""
    return load_table("nato_common_funding.csv")


def common_funding_fact(fact: str, period: str | None = None) -> float:
    """One common-funding figure; the latest period when ``period`` is None."""
    df = load_common_funding()
    rows = df[df["fact"] == fact]
    if rows.empty:
        raise one_of("common-funding fact", fact, sorted(df["fact"].unique()))
    if period is not None:
        rows = rows[rows["period"].astype(str) == str(period)]
        if rows.empty:
            raise BadInput(f"no period {period!r} for {fact}")
    return float(rows.sort_values("period").iloc[-1]["value"])

"""Burden-sharing analytics on NATO's own figures: targets, gaps, shares, Olson-Zeckhauser, paths to 2035.

Every function takes ``edition=`` (default 2026, the latest, core definition) and ``year=`` (default: the latest
the edition publishes) as keyword-only arguments, and ``countries=`` where it reports per ally; it validates them
(:class:`alliance.errors.BadInput` names the valid range), counts only allies that were members in that year,
and records the edition and year used in columns and in ``df.attrs`` (see :mod:`.metadata` for keeping the
metadata across ``pd.concat``).

Public API:

- :func:`meets_target`, :func:`count_meeting`, :func:`ranking`: who meets 2%, 3.5%, 5% or any target; with
  the other editions' answers in ``attrs["editions_note"]`` when they differ.
- :func:`compare_editions` -> :class:`EditionComparison`: one year under every edition, side by side per ally.
- :func:`gap_to_target`: the gap per ally in % of GDP and current USD, and the alliance total.
- :func:`burden_shares`, :func:`burden_summary`, :func:`us_share_series`: spending share against GDP share; US and
  Europe+Canada shares; the US share in every year.
- :func:`olson_zeckhauser`, :func:`oz_trend`: rank correlation of size and burden per year, and its trend.
- :func:`hague_check`: core against 3.5% and core + related (a stated assumption per ally) against 5%.
- :func:`hague_path`: real spending growth needed for 3.5% (and 5%) by 2035, against each ally's trend.
- :func:`scenario_2035` -> :class:`Path2035`: alliance spending in 2035 with every ally at target, and with the
  US exempt.
- :func:`measures`, :func:`series`, :func:`europe_vs_russia`: per capita, equipment share, personnel, real
  change; one ally's full series; European allies and Canada against Russia (SIPRI).
- :func:`meta`, :func:`as_result` -> :class:`SpendingTable`: a table's metadata, kept apart from the frame.
- charts: :mod:`alliance.spending.plots`.
"""

from __future__ import annotations

from alliance.spending.commitment import hague_check, related_by_ally
from alliance.spending.editions import NATO_2025_RELEASE, EditionComparison, compare_editions, nato_2025_claim
from alliance.spending.hague import TREND_HALFLIFE, TRENDS, Path2035, hague_path, scenario_2035, us_exempt_definition
from alliance.spending.metadata import SpendingTable, as_result, meta
from alliance.spending.olson import SIZES, olson_zeckhauser, oz_trend
from alliance.spending.shares import PRICES, burden_shares, burden_summary, us_share_series
from alliance.spending.standard import EQUIPMENT_GUIDELINE, SIPRI_CAVEATS, europe_vs_russia, measures, series
from alliance.spending.targets import (
    count_meeting,
    count_text,
    gap_to_target,
    meets_target,
    other_editions,
    ranking,
    target_column,
)

__all__ = [
    "EQUIPMENT_GUIDELINE",
    "NATO_2025_RELEASE",
    "PRICES",
    "EditionComparison",
    "SIPRI_CAVEATS",
    "SIZES",
    "TRENDS",
    "TREND_HALFLIFE",
    "Path2035",
    "SpendingTable",
    "as_result",
    "burden_shares",
    "burden_summary",
    "compare_editions",
    "count_meeting",
    "count_text",
    "europe_vs_russia",
    "gap_to_target",
    "hague_check",
    "hague_path",
    "meets_target",
    "measures",
    "meta",
    "nato_2025_claim",
    "olson_zeckhauser",
    "other_editions",
    "oz_trend",
    "ranking",
    "related_by_ally",
    "scenario_2035",
    "series",
    "target_column",
    "us_exempt_definition",
    "us_share_series",
]

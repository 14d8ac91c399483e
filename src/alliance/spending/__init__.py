"""Burden-sharing analytics on NATO's own figures: targets, gaps, shares, Olson-Zeckhauser, paths to 2035.

Every function takes ``edition=`` (default 2026, the latest, core definition) and a year (default: the latest the
edition publishes), validates both (:class:`alliance.errors.BadInput` names the valid range), counts only allies
that were members in that year, and records the edition and year used in ``df.attrs`` and in columns.

Public API:

- :func:`meets_target`, :func:`count_meeting`, :func:`ranking`: who meets 2%, 3.5%, 5% or any target.
- :func:`gap_to_target`: the gap per ally in % of GDP and current USD, and the alliance total.
- :func:`burden_shares`, :func:`burden_summary`: spending share against GDP share; US and Europe+Canada shares.
- :func:`olson_zeckhauser`, :func:`oz_trend`: rank correlation of size and burden per year, and its trend.
- :func:`hague_path`: real spending growth needed for 3.5% (and 5%) by 2035, against each ally's trend.
- :func:`scenario_2035`: alliance spending in 2035 with every ally at target, and with the US exempt.
"""

from __future__ import annotations

from alliance.spending.hague import Path2035, hague_path, parse_gdp_growth, scenario_2035
from alliance.spending.olson import SIZES, olson_zeckhauser, oz_trend
from alliance.spending.shares import PRICES, burden_shares, burden_summary
from alliance.spending.targets import count_meeting, gap_to_target, meets_target, ranking, target_column

__all__ = [
    "PRICES",
    "SIZES",
    "Path2035",
    "burden_shares",
    "burden_summary",
    "count_meeting",
    "gap_to_target",
    "hague_path",
    "meets_target",
    "olson_zeckhauser",
    "oz_trend",
    "parse_gdp_growth",
    "ranking",
    "scenario_2035",
    "target_column",
]

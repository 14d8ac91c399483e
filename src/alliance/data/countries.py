"""One resolver for country names as people type them, used by every function and command that takes a country.

``resolve_country("UK")``, ``"Britain"``, ``"United Kingdom"``, ``"gbr"`` all give ``"GBR"``; ``"America"`` and
``"U.S."`` give ``"USA"``; ``"Turkey"``, ``"Türkiye"`` and ``"Turkiye"`` give ``"TUR"``; ``"Czech Republic"`` gives
``"CZE"``; ``"Holland"`` gives ``"NLD"``. Matching ignores case, accents, dots, hyphens and a leading "the". An
unknown name is a one-line :class:`~alliance.errors.BadInput` that suggests the nearest names (difflib).

The allies come from ``load_allies()``; SIPRI's comparators (Russia, China, Ukraine) are accepted where a function
allows them (``comparators=True``).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

from alliance.errors import BadInput

__all__ = ["ALIASES", "COMPARATORS", "country_name", "normalise", "resolve_countries", "resolve_country"]

#: SIPRI comparators that are not allies: code -> name.
COMPARATORS: dict[str, str] = {"RUS": "Russia", "CHN": "China", "UKR": "Ukraine"}

#: Names people type that are not the ally's official short name (keys are normalised, see :func:`normalise`).
ALIASES: dict[str, str] = {
    "uk": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "united kingdom of great britain and northern ireland": "GBR",
    "england": "GBR",
    "us": "USA",
    "usa": "USA",
    "america": "USA",
    "united states of america": "USA",
    "turkey": "TUR",
    "turkiye": "TUR",
    "republic of turkiye": "TUR",
    "czech republic": "CZE",
    "holland": "NLD",
    "netherlands": "NLD",
    "macedonia": "MKD",
    "republic of north macedonia": "MKD",
    "slovak republic": "SVK",
    "deutschland": "DEU",
    "russian federation": "RUS",
    "prc": "CHN",
    "people's republic of china": "CHN",
}


def normalise(text: str) -> str:
    """Lower case without accents, dots, hyphens or a leading "the": ``"The U.S."`` -> ``"us"``."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").casefold()
    t = re.sub(r"[.\u2019']", "", t.replace("’", "'")).replace("-", " ")
    t = re.sub(r"\s+", " ", t).strip()
    return t[4:] if t.startswith("the ") else t


@functools.cache
def _names(comparators: bool) -> tuple[dict[str, str], dict[str, str]]:
    """(normalised name or alias -> code, code -> display name)."""
    from alliance.data import load_allies

    allies = load_allies()
    display = {str(c): str(n) for c, n in zip(allies["iso3"], allies["name"], strict=True)}
    if comparators:
        display.update(COMPARATORS)
    lookup = {normalise(code): code for code in display}
    lookup.update({normalise(name): code for code, name in display.items()})
    lookup.update({k: v for k, v in ALIASES.items() if v in display})
    return lookup, display


def country_name(code: str) -> str:
    """The display name of an ally or comparator code (``"TUR"`` -> ``"Türkiye"``)."""
    return _names(True)[1].get(code, code)


def resolve_country(text: str, *, comparators: bool = False, what: str = "country") -> str:
    """The ISO3 code of a country as typed: a code, NATO's name, or a common name (see :data:`ALIASES`).

    Args:
        text: what the user typed.
        comparators: also accept Russia, China and Ukraine (SIPRI's comparators).
        what: how the message names the argument.

    Raises:
        BadInput: ``unknown country 'Untied Kingdom'; did you mean United Kingdom (GBR)? valid ISO3 codes: ALB,
        ... (or their names)``
    """
    lookup, display = _names(comparators)
    key = normalise(text)
    if key in lookup:
        return lookup[key]
    near = difflib.get_close_matches(key, list(lookup), n=3, cutoff=0.75)
    codes = list(dict.fromkeys(lookup[k] for k in near))
    hint = f"did you mean {', '.join(f'{display[c]} ({c})' for c in codes)}? " if codes else ""
    raise BadInput(f"unknown {what} {text!r}; {hint}valid ISO3 codes: {', '.join(sorted(display))} (or their names)")


def resolve_countries(
    countries: Iterable[str] | str | None, *, comparators: bool = False, what: str = "country"
) -> list[str] | None:
    """Codes of several countries as typed (order kept, duplicates dropped); None stays None."""
    if countries is None:
        return None
    items = [countries] if isinstance(countries, str) else list(countries)
    return list(dict.fromkeys(resolve_country(c, comparators=comparators, what=what) for c in items))

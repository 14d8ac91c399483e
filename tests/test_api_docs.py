"""docs/api.md lists exactly the public names (``__all__``) of every module it documents."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

API = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")


def _sections() -> dict[str, set[str]]:
    """Module -> the names in the first column of its table (backticked, comma-separated)."""
    out: dict[str, set[str]] = {}
    for m in re.finditer(r"^## `([\w.]+)`\n(.*?)(?=^## |\Z)", API, re.S | re.M):
        names: set[str] = set()
        for row in re.findall(r"^\| (`[^|]*`) \|", m.group(2), re.M):
            names |= set(re.findall(r"`([\w.]+)`", row))
        out[m.group(1)] = names
    return out


SECTIONS = _sections()


def test_the_page_documents_every_public_package() -> None:
    expected = {
        "alliance",
        "alliance.spending",
        "alliance.spending.plots",
        "alliance.brief",
        "alliance.claims",
        "alliance.data",
        "alliance.data.countries",
        "alliance.negotiation",
        "alliance.negotiation.backtest",
        "alliance.negotiation.models.batch",
        "alliance.dynamics",
        "alliance.sweep",
        "alliance.results",
        "alliance.io",
        "alliance.bundled",
        "alliance.errors",
        "alliance.web",
    }
    assert set(SECTIONS) == expected


@pytest.mark.parametrize("module", sorted(SECTIONS))
def test_each_section_lists_exactly_the_modules_public_names(module: str) -> None:
    public = set(importlib.import_module(module).__all__)
    assert SECTIONS[module] == public, {"missing": public - SECTIONS[module], "extra": SECTIONS[module] - public}

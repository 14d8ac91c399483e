"""The DEU loader: the embedded calibration half, the semicolon variant, malformed files, capabilities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alliance.errors import BadInput
from alliance.negotiation.backtest import deu_batch, deu_frame, load_deu, reference_figures

HEADER = [
    "prnr",
    "isnr",
    "proc",
    "counvte",
    "intro",
    "pcom",
    "pep",
    "pde",
    "pfr",
    "scom",
    "sep",
    "sde",
    "sfr",
    "rp",
    "out",
]


@pytest.fixture(scope="module")
def scenarios():
    return load_deu("deu-calibration")


def _write(path: Path, rows: list[list[str]], sep: str) -> Path:
    path.write_text("\n".join(sep.join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_embedded_counts(scenarios) -> None:
    assert len(scenarios) == 225
    b = deu_batch(scenarios)
    scored = b.mask.any(axis=1) & ~np.isnan(b.outcome)
    assert scored.sum() == 220
    assert len(set(b.proposal)) == 86
    assert all(s.issues[0].low == 0 and s.issues[0].high == 100 for s in scenarios)


def test_reference_figures(scenarios) -> None:
    ref = reference_figures(scenarios)
    assert ref["n"] == 220
    assert ref["compromise"] == pytest.approx(24.09, abs=0.005)
    assert ref["mean"] == pytest.approx(23.66, abs=0.005)
    assert ref["median_actor"] == pytest.approx(27.70, abs=0.005)
    assert ref["midpoint"] == pytest.approx(28.15, abs=0.005)


def test_metadata_and_roles(scenarios) -> None:
    s = scenarios[0]
    assert s.metadata["proposal"] == "d00032"
    assert s.metadata["procedure"] == "COD" and s.metadata["voting_rule"] == "QMV"
    assert s.metadata["intro"] == "2000-01-26"
    assert s.chair == "com"
    assert s.actor("ep").veto  # codecision
    assert s.rule.kind == "qmv"
    unan = [x for x in scenarios if x.metadata["voting_rule"] == "Unanimity"]
    assert unan and all(x.rule.kind == "consensus" for x in unan)


def test_mangled_iso_dates_read_as_dd_mm_yy(scenarios) -> None:
    by_prop = {s.metadata["proposal"]: s.metadata["intro"] for s in scenarios}
    assert by_prop["d04218"] == "2004-09-29"  # stored as 2029-09-04
    assert by_prop["n05099"] == "2005-05-30"  # stored as 1930-05-05
    assert by_prop["d180104"] == "2018-04-17"  # stored as 2017-04-18


@pytest.mark.slow
def test_votes_by_era() -> None:
    sc = {s.name: s for s in load_deu(capability="votes")}
    pre = sc["d00032i1"]  # Jan 2000: pre-Nice weights
    assert pre.actor("de").capability == 10 and pre.actor("lu").capability == 2
    states = [a.capability for a in pre.actors if a.name not in ("com", "ep")]
    assert pre.actor("com").capability == pytest.approx(np.mean(states))
    post = sc["d160152i1"]  # 2016: double majority -> population shares
    assert post.actor("de").capability == pytest.approx(15.93)
    pop = {s.name: s for s in load_deu(capability="population")}
    assert pop["d00032i1"].actor("de").capability == pytest.approx(15.93)


def test_semicolon_variant_with_decimal_comma(tmp_path: Path) -> None:
    rows = [
        ["d1", "d1i1", "COD", "QMV", "01-12-05", "100", "50", "0", "", "50", "50", "100", "", "0", "60"],
        ["d1", "d1i2", "COD", "QMV", "01-12-05", "20,5", "", "80", "40", "10", "", "50", "50", "", ""],
    ]
    sc = load_deu(_write(tmp_path / "deu.csv", rows, ";"))
    assert [s.name for s in sc] == ["d1i1", "d1i2"]
    assert sc[0].actor_names == ("com", "ep", "de")  # fr not coded (blank)
    assert sc[1].actor("com").positions["d1i2"] == pytest.approx(20.5)
    assert sc[1].issues[0].reversion is None and sc[1].issues[0].outcome is None
    assert sc[0].issues[0].reversion == 0.0  # rp taken as given
    tab = load_deu(_write(tmp_path / "deu.tsv", [r[:5] + [c.replace(",", ".") for c in r[5:]] for r in rows], "\t"))
    assert tab[1].actor("com").positions["d1i2"] == pytest.approx(20.5)


@pytest.mark.parametrize(
    ("cell_index", "value", "message"),
    [
        (11, "abc", "row 2, column 'sde': 'abc' is not a number 0-100"),
        (5, "150", "row 2, column 'pcom': '150' is not a number 0-100"),
        (4, "31-02-05", "row 2, column 'intro'"),
        (2, "XYZ", "row 2, column 'proc'"),
        (3, "majority", "row 2, column 'counvte'"),
    ],
)
def test_malformed_cells_name_row_and_column(tmp_path: Path, cell_index: int, value: str, message: str) -> None:
    good = ["d1", "d1i1", "COD", "QMV", "01-12-05", "100", "50", "0", "", "50", "50", "100", "", "0", "60"]
    bad = list(good)
    bad[1] = "d1i2"
    bad[cell_index] = value
    with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_deu(_write(tmp_path / "bad.tsv", [good, bad], "\t"))


def test_missing_column_and_file(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv"
    p.write_text("prnr\tisnr\tpcom\tscom\n1\t2\t3\t4\n")
    with pytest.raises(BadInput, match="missing DEU column"):
        load_deu(p)
    with pytest.raises(BadInput, match="not found"):
        load_deu(tmp_path / "nope.tsv")
    with pytest.raises(BadInput, match="unknown capability"):
        load_deu(capability="gdp")


def test_frame_long_form() -> None:
    f = deu_frame()
    assert {"proposal", "issue", "actor", "position", "salience", "capability", "outcome"} <= set(f.columns)
    assert f["issue"].nunique() == 225
    coded = f[f["actor"] != ""]
    assert coded["position"].between(0, 100).all() and coded["salience"].notna().all()

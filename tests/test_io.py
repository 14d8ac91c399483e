"""Atomic writes and YAML/JSON parsing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from alliance.errors import BadInput
from alliance.io import atomic_write, parse_text


def test_atomic_write_bytes_text_and_callable(tmp_path: Path) -> None:
    assert atomic_write(tmp_path / "a.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    assert atomic_write(tmp_path / "a.txt", "héllo").read_text(encoding="utf-8") == "héllo"
    atomic_write(tmp_path / "c.txt", lambda name: Path(name).write_text("via callable"))
    assert (tmp_path / "c.txt").read_text() == "via callable"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "a.txt", "c.txt"]  # no temp files left


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")

    def boom(name: str) -> None:
        Path(name).write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_write_uses_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        mode = stat.S_IMODE(atomic_write(tmp_path / "m.txt", "x").stat().st_mode)
    finally:
        os.umask(umask)
    assert mode == 0o644


def test_atomic_write_into_missing_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        atomic_write(tmp_path / "nope" / "x.txt", "x")


def test_parse_text_yaml_json_and_errors() -> None:
    assert parse_text("a: 1\nb: [2, 3]\n", ".yaml", "f.yaml") == {"a": 1, "b": [2, 3]}
    assert parse_text('{"a": 1}', ".json", "f.json") == {"a": 1}
    with pytest.raises(BadInput, match=r"f.yaml: invalid YAML at line 2"):
        parse_text("a: 1\n  b: : 2\n", ".yaml", "f.yaml")
    with pytest.raises(BadInput, match=r"f.json: invalid JSON at line 1"):
        parse_text("{a: 1}", ".json", "f.json")
    with pytest.raises(BadInput):
        parse_text("!!python/object/apply:os.system ['true']", ".yaml", "evil.yaml")  # safe loader refuses


def test_jsonable_makes_numpy_pandas_and_nan_json_ready() -> None:
    import datetime as dt
    import json

    import numpy as np
    import pandas as pd

    from alliance.io import frame_records, jsonable

    value = {
        1: np.float64(1.5),
        "nan": float("nan"),
        "arr": np.array([[1.0, np.nan], [np.inf, 2.0]]),
        "scalar": np.array(3.0),
        "na": pd.NA,
        "when": pd.Timestamp("2025-06-25"),
        "day": dt.date(2025, 6, 24),
        "set": {np.int64(2)},
        "frame": pd.DataFrame({"a": [1, 2], "b": [np.nan, 0.5]}),
    }
    out = jsonable(value)
    json.dumps(out, allow_nan=False)  # strict JSON: no NaN, no NumPy types
    assert out["1"] == 1.5 and out["nan"] is None and out["arr"] == [[1.0, None], [None, 2.0]]
    assert out["scalar"] == 3.0 and out["na"] is None and out["when"].startswith("2025-06-25")
    assert out["day"] == "2025-06-24" and out["set"] == [2]
    assert out["frame"] == [{"a": 1, "b": None}, {"a": 2, "b": 0.5}] == frame_records(value["frame"])


def test_save_figure_writes_each_suffix_with_its_backend_and_refuses_the_wrong_kind(tmp_path: Path) -> None:
    import plotly.graph_objects as go

    from alliance.io import figure_backend, mpl_figure, save_figure

    fig = mpl_figure(3, 2)
    fig.add_subplot().plot([0, 1], [1, 0])
    assert save_figure(fig, tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in save_figure(fig, tmp_path / "a.svg").read_text()
    page = save_figure(go.Figure(go.Bar(x=[1], y=[2])), tmp_path / "a.html").read_text()
    assert "<html" in page and '<script src="http' not in page  # plotly.js inlined: opens offline
    with pytest.raises(BadInput, match="matplotlib figure cannot be saved as .html"):
        save_figure(fig, tmp_path / "b.html")
    with pytest.raises(BadInput, match="plotly figure cannot be saved as .png"):
        save_figure(go.Figure(), tmp_path / "b.png")
    with pytest.raises(BadInput, match=r"must end in \.png, \.svg or \.html"):
        save_figure(fig, tmp_path / "b.pdf")
    assert figure_backend(tmp_path / "x.HTML") == "plotly" and figure_backend(None) == "matplotlib"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.png", "a.svg"]

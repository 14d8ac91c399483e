"""main() builds only the top-level entry the first argument names (alliance.cli._app_for); what a user sees is the
same as with the whole app: help, aliases, errors and exit codes."""

from __future__ import annotations

from typing import Any

import pytest

import alliance.cli as cli_module


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "--help"],
        ["negotiate", "--help"],
        ["negotiate", "backtest", "--help"],
        ["gaps", "--help"],
        ["oz", "--help"],
        ["scenario", "--help"],
        ["data"],
        ["brief", "--help"],
        ["negotiate", "nosuch"],
        ["simulate", "--until", "20x"],
        ["spending", "gaps", "--year", "2025", "--format", "csv"],
        ["nosuch"],
    ],
)
def test_one_entry_behaves_as_the_whole_app(args: list[str], cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    one = cli(args)
    monkeypatch.setattr(cli_module, "_app_for", lambda argv: cli_module.app)
    whole = cli(args)
    assert one == whole
    assert one[0] in (0, 2)


def test_only_the_named_entry_is_built() -> None:
    import typer.main

    group = typer.main.get_command(cli_module._app_for(["simulate", "--until", "2035"]))
    assert list(group.commands) == ["simulate"]  # type: ignore[attr-defined]
    assert cli_module._app_for(["--help"]) is cli_module.app
    assert cli_module._app_for(["nosuch"]) is cli_module.app

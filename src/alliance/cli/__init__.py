"""The ``alliance`` command line: ``alliance <noun> [<verb>]``.

Every command is a thin wrapper over one public function of the Python API. Exit codes: 0 ok, 1 failed,
2 bad input; errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer._click import exceptions as _cx  # Typer >= 0.29 vendors its own click

from alliance.errors import AllianceError, BadInput

app = typer.Typer(
    name="alliance",
    help="The Atlantic alliance as a decision system: burden-sharing, consensus forecasts, spending simulations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: Command modules; each defines ``register(app)``. Add a module here to add commands.
_COMMAND_MODULES: tuple[str, ...] = (
    "alliance.cli.brief_cmd",
    "alliance.cli.spending_cmd",
    "alliance.cli.claims_cmd",
    "alliance.cli.negotiate_cmd",
    "alliance.cli.backtest_cmd",
    "alliance.cli.simulate_cmd",
    "alliance.cli.data_cmd",
)


def _register() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn errors into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="alliance", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("alliance: aborted", file=sys.stderr)
        sys.exit(130)
    except _cx.NoArgsIsHelpError as exc:  # bare command: show its help
        print(exc.format_message())
        sys.exit(0)
    except _cx.UsageError as exc:  # bad flag, bad choice, missing argument
        msg = " ".join(exc.format_message().split())
        print(f"alliance: error: {msg}", file=sys.stderr)
        sys.exit(2)
    except _cx.ClickException as exc:
        print(f"alliance: error: {' '.join(exc.format_message().split())}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except BadInput as exc:
        print(f"alliance: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except AllianceError as exc:
        print(f"alliance: failed: {exc}", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        print("alliance: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(0)

"""The ``alliance`` command line: ``alliance <noun> [<verb>]``, grouped by subsystem.

``brief``, ``claims``, ``data list|show|meta``; ``spending`` (default: who meets a target) with ``gaps``,
``shares``, ``olson-zeckhauser`` (``oz``), ``hague-path``, ``path2035``; ``negotiate`` (default: forecast a
scenario) with ``scenarios``, ``show``, ``template``, ``backtest``; ``simulate`` (default: project) with
``backtest``, ``scenarios``, ``calibrate``. The first release's top-level spellings (``alliance spending gaps``,
``alliance negotiate scenarios``, ``alliance negotiate backtest``...) remain as hidden aliases of the same functions.

Every command is a module-level function that calls one public function of the Python API. The command modules
import only Typer at module level (pandas, the models and plotting load inside the commands), so
``alliance --help`` stays fast. Exit codes: 0 ok, 1 failed, 2 bad input; errors are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import sys

import typer
from typer._click import exceptions as _cx  # Typer >= 0.29 vendors its own click

from alliance.cli import backtest_cmd, brief_cmd, data_cmd, negotiate_cmd, simulate_cmd, spending_cmd
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

app.command("brief")(brief_cmd.brief)
app.command("claims")(brief_cmd.claims)
app.add_typer(data_cmd.app, name="data")
app.add_typer(spending_cmd.app, name="spending")
app.add_typer(negotiate_cmd.app, name="negotiate")
app.add_typer(simulate_cmd.app, name="simulate")

# Hidden aliases: the first release's top-level spellings call the same functions.
for _name, _fn in spending_cmd.SUBCOMMANDS.items():
    if _name in spending_cmd.FIRST_RELEASE:
        app.command(_name, hidden=True)(_fn)
app.command("oz", hidden=True)(spending_cmd.olson)
app.command("scenarios", hidden=True)(negotiate_cmd.scenarios)
app.add_typer(negotiate_cmd.scenario_app, name="scenario", hidden=True)
app.command("backtest", hidden=True)(backtest_cmd.deu_backtest)


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

"""The ``alliance`` command line: ``alliance <noun> [<verb>]``, grouped by subsystem.

``brief``, ``claims``, ``data list|show|meta``; ``spending`` (default: who meets a target) with ``gaps``,
``shares``, ``olson-zeckhauser`` (``oz``), ``hague-path``, ``path2035``; ``negotiate`` (default: forecast a
scenario) with ``scenarios``, ``show``, ``template``, ``backtest``; ``simulate`` (default: project) with
``backtest``, ``scenarios``, ``calibrate``; ``serve`` (the HTTP API and dashboard); ``sweep`` (default: run a sweep)
with ``report``, ``export``. The first release's top-level spellings (``alliance spending gaps``,
``alliance negotiate scenarios``, ``alliance negotiate backtest``...) remain as hidden aliases of the same functions.

Every command is a module-level function that calls one public function of the Python API. The command modules
import only Typer at module level (pandas, the models and plotting load inside the commands), so
``alliance --help`` stays fast. Exit codes: 0 ok, 1 failed, 2 bad input; errors are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, NoReturn

import typer
from typer._click import exceptions as _cx  # Typer >= 0.29 vendors its own click

from alliance.cli import (
    _coerce,
    backtest_cmd,
    brief_cmd,
    data_cmd,
    negotiate_cmd,
    serve_cmd,
    simulate_cmd,
    spending_cmd,
    sweep_cmd,
)
from alliance.errors import AllianceError, BadInput


def _new_app() -> typer.Typer:
    return typer.Typer(
        name="alliance",
        help="The Atlantic alliance as a decision system: burden-sharing, consensus forecasts, spending simulations.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


#: Every top-level entry in order: (name, a command function or a Typer group, hidden). The first release's
#: top-level spellings are hidden aliases of the same functions.
_ENTRIES: list[tuple[str, Any, bool]] = [
    ("brief", brief_cmd.brief, False),
    ("claims", brief_cmd.claims, False),
    ("data", data_cmd.app, False),
    ("spending", spending_cmd.app, False),
    ("negotiate", negotiate_cmd.app, False),
    ("simulate", simulate_cmd.app, False),
    ("serve", serve_cmd.serve, False),
    ("sweep", sweep_cmd.app, False),
    *((name, fn, True) for name, fn in spending_cmd.SUBCOMMANDS.items() if name in spending_cmd.FIRST_RELEASE),
    ("oz", spending_cmd.olson, True),
    ("scenarios", negotiate_cmd.scenarios, True),
    ("scenario", negotiate_cmd.scenario_app, True),
    ("backtest", backtest_cmd.deu_backtest, True),
]


def _register(target: typer.Typer, names: set[str] | None = None) -> typer.Typer:
    """Add the top-level entries (all, or those named) to ``target``."""
    for name, entry, hidden in _ENTRIES:
        if names is not None and name not in names:
            continue
        if isinstance(entry, typer.Typer):
            target.add_typer(entry, name=name, hidden=hidden)
        else:
            target.command(name, hidden=hidden)(entry)
    return target


app = _register(_new_app())


def _app_for(args: list[str]) -> typer.Typer:
    """The app to run: only the entry the first argument names (Typer then builds one command group, not all 40
    commands: ~30 ms of CPU), or the whole app for ``--help``, no arguments or an unknown name (whose error lists
    the commands)."""
    if args and any(name == args[0] for name, _, _ in _ENTRIES):
        one = _new_app()
        one.callback()(_group)  # a group, as the whole app is, even with one entry (else Typer runs it as the app)
        return _register(one, {args[0]})
    return app


def _group() -> None:
    pass


#: Exit status when the reader of standard output goes away (``alliance spending -f csv | head -1``): 128 + SIGPIPE,
#: what a shell reports for a program the closed pipe ended.
EXIT_PIPE = 141
#: Exit status after Ctrl-C (128 + SIGINT); SIGTERM and SIGHUP end with 128 + their number (143, 129).
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn errors into one line and an exit code.

    0 ok, 1 failed, 2 bad input (including a file or standard output that cannot be written), 130 interrupted
    (Ctrl-C), 143 terminated (SIGTERM; 129 SIGHUP), 141 standard output closed by its reader. Ctrl-C and SIGTERM raise an
    exception in the command, so every temporary file is removed on the way out.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    _coerce.install()  # plain option values convert without pydantic (~0.2 s a command)
    if sys.stdout is None:  # started with stdout closed (`alliance brief >&-`): writing to it is a write error
        sys.stdout = _ClosedStdout()
    with _signals() as received:
        try:
            rc = _app_for(args)(args=args, prog_name="alliance", standalone_mode=False)
            sys.stdout.flush()
        except SystemExit as exc:  # Typer ends a closed pipe with sys.exit(1) inside its OSError handler
            if _is_broken_pipe(exc.__context__):
                _pipe_closed()
            raise
        except KeyboardInterrupt:
            rc = EXIT_INTERRUPTED
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            _fail("alliance: aborted", EXIT_INTERRUPTED)
        except _cx.NoArgsIsHelpError as exc:  # bare command: show its help
            print(exc.format_message())
            sys.exit(0)
        except _cx.UsageError as exc:  # bad flag, bad choice, missing argument
            msg = " ".join(exc.format_message().split())
            _fail(f"alliance: error: {msg}", 2)
        except _cx.ClickException as exc:
            _fail(f"alliance: error: {' '.join(exc.format_message().split())}", exc.exit_code)
        except BadInput as exc:
            _fail(f"alliance: error: {exc}", 2)
        except AllianceError as exc:
            _fail(f"alliance: failed: {exc}", 1)
        except OSError as exc:
            if _is_broken_pipe(exc):
                _pipe_closed()
            where = f"{exc.filename!r}" if exc.filename else "to standard output"
            _fail(f"alliance: error: cannot write {where}: {exc.strerror or exc}", 2)
    if rc == EXIT_INTERRUPTED:  # Typer turns KeyboardInterrupt into a returned 130
        signum = received[-1] if received else signal.SIGINT
        if signum == signal.SIGINT:
            _fail("alliance: interrupted", EXIT_INTERRUPTED)
        _fail(f"alliance: terminated ({signal.Signals(signum).name})", 128 + signum)
    sys.exit(rc if isinstance(rc, int) else 0)


class _ClosedStdout(io.StringIO):
    """Standard output when the process started without one: a write fails like a write to a closed descriptor."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed")


def _fail(line: str, code: int) -> NoReturn:
    """One line on stderr and the exit code (standard output is flushed quietly first: a full disk or a closed pipe
    must not add a traceback at exit)."""
    try:
        sys.stdout.flush()
    except OSError:
        _silence_stdout()
    print(line, file=sys.stderr)
    sys.exit(code)


def _is_broken_pipe(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush at exit cannot fail again (the
    recommendation of the Python docs for SIGPIPE)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ is not None else 1)
        os.close(devnull)
    if sys.__stdout__ is not None:
        sys.stdout = sys.__stdout__


def _pipe_closed() -> NoReturn:
    """The reader of standard output went away: stop quietly with :data:`EXIT_PIPE`."""
    _silence_stdout()
    sys.exit(EXIT_PIPE)


@contextlib.contextmanager
def _signals() -> Iterator[list[int]]:
    """While the command runs, SIGTERM (and SIGHUP) raise KeyboardInterrupt like Ctrl-C does, so ``finally`` blocks
    run and temporary files go; yields the list of signals received. Handlers are restored afterwards."""
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                previous[sig] = signal.signal(sig, handler)
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)

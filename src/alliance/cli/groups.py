"""A command group with a default command, so ``alliance spending --year 2025`` and
``alliance negotiate hague-2025`` keep working beside ``alliance spending gaps`` and ``alliance negotiate show``.

The group routes its arguments to the default command unless the first one names a subcommand (or asks for
help); ``--help`` shows the subcommands and then the default command's options.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

_HELP = ("-h", "--help")


class DefaultGroup(TyperGroup):
    """A Typer group that runs :attr:`default_command` when no subcommand is named.

    Subclasses (made by :func:`default_group`) set :attr:`default_command` and :attr:`run_when_empty` (run the
    default with no arguments at all, or show the help).
    """

    default_command: str = ""
    run_when_empty: bool = True

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in _HELP:
            args = [self.default_command, *args]
        elif not args and self.run_when_empty:
            args = [self.default_command]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        super().format_help(ctx, formatter)
        default = self.commands.get(self.default_command)
        if default is not None:
            with formatter.section(f"Options of the default command ({self.default_command}, run when none is named)"):
                rows = [r for p in default.get_params(ctx) if (r := p.get_help_record(ctx)) is not None]
                formatter.write_dl(rows)


def default_group(command: str, *, run_when_empty: bool = True) -> type[DefaultGroup]:
    """A :class:`DefaultGroup` class whose default subcommand is ``command``."""
    return type(
        f"DefaultGroup_{command}", (DefaultGroup,), {"default_command": command, "run_when_empty": run_when_empty}
    )


def group_app(default: str, help: str, *, run_when_empty: bool = True) -> typer.Typer:
    """A Typer app for a command group whose default subcommand is ``default``."""
    return typer.Typer(
        cls=default_group(default, run_when_empty=run_when_empty),
        help=help,
        no_args_is_help=not run_when_empty,
        add_completion=False,
        rich_markup_mode=None,
    )

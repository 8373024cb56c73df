"""The Typer application shared by every command module, and the one place errors end.

:func:`main` runs the app without click's standalone mode, so every way a command line
can fail comes back here: a :class:`~lacrima.errors.LacrimaError` from the library, or a
usage mistake (no command, a misspelt command or option, a missing argument, a value of
the wrong type or out of range). Each becomes one ``error: ...`` line on stderr (plus, for
a usage mistake, one ``Try 'lacrima X --help' for help.`` line) and exit code 2; no
traceback reaches a user.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, NoReturn

import typer
from typer._click import exceptions as click_exceptions

from lacrima import __version__
from lacrima.errors import LacrimaError

__all__ = ["USAGE_EXIT_CODE", "app", "main"]

#: Exit code of a usage mistake and of a library error (the same as click's usage code).
USAGE_EXIT_CODE = 2

app = typer.Typer(
    name="lacrima",
    help="Lacrima: session physiology and the S-P sequence, and the therapy web app.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"lacrima {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Lacrima: session physiology and the S-P sequence, and the therapy web app."""


def _fail(message: str, hint: str | None = None) -> NoReturn:
    """Print ``error: MESSAGE`` (one line) and an optional hint line; exit 2."""
    line = " ".join(str(message).split())
    typer.echo(f"error: {line}", err=True)
    if hint:
        typer.echo(hint, err=True)
    sys.exit(USAGE_EXIT_CODE)


def _usage_hint(ctx: Any) -> str:
    path = getattr(ctx, "command_path", None) or "lacrima"
    return f"Try '{path} --help' for help."


def _no_command_message(ctx: Any) -> str:
    commands = sorted(getattr(ctx.command, "commands", {}) or {})
    if commands:
        return f"no command given; the commands are: {', '.join(commands)}"
    return "missing arguments"


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error becomes one ``error:`` line on stderr and exit code 2.

    Parameters
    ----------
    argv
        The arguments (without the program name); ``sys.argv[1:]`` by default.
    """
    try:
        code = app(args=argv, prog_name="lacrima", standalone_mode=False)
    except LacrimaError as exc:
        _fail(str(exc))
    except click_exceptions.NoArgsIsHelpError as exc:
        _fail(_no_command_message(exc.ctx), _usage_hint(exc.ctx))
    except click_exceptions.UsageError as exc:
        _fail(exc.format_message(), _usage_hint(exc.ctx))
    except click_exceptions.ClickException as exc:
        typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    # Outside standalone mode, typer returns the code of a ``typer.Exit`` (``--help``,
    # ``--version``, a command that stops early) instead of exiting.
    sys.exit(code if isinstance(code, int) else 0)

"""The Typer application shared by every command module."""

from __future__ import annotations

import sys

import click
import typer

from lacrima.errors import LacrimaError

app = typer.Typer(
    name="lacrima",
    help="Lacrima: session physiology and the S-P sequence, and the therapy web app.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """Run the CLI, turning any :class:`LacrimaError` into a message and exit code 2."""
    try:
        app(standalone_mode=False)
    except LacrimaError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)

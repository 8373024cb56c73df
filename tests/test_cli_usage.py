"""Every usage mistake on every ``lacrima`` command: one ``error:`` line (plus a hint), exit 2.

The commands are enumerated from the Typer app, so a new command is covered without
editing this file.
"""

from __future__ import annotations

import enum
import subprocess
import sys
from typing import Any

import pytest
import typer

import lacrima
from lacrima.cli import app, main

GROUP = typer.main.get_command(app)
COMMANDS = sorted(GROUP.commands)  # type: ignore[attr-defined]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    else:  # pragma: no cover - main always exits
        code = -1
    out = capsys.readouterr()
    return code, out.out, out.err


def _assert_usage_error(code: int, out: str, err: str) -> None:
    lines = err.strip().splitlines()
    assert code == 2, err
    assert "Traceback" not in err + out
    assert 1 <= len(lines) <= 2, err
    assert lines[0].startswith("error: "), err
    if len(lines) == 2:
        assert lines[1].startswith("Try 'lacrima") and lines[1].endswith("--help' for help.")


def _options(command: Any, kind: str) -> list[tuple[str, Any]]:
    """COMMAND's long options whose values are numbers (KIND "number") or enum choices."""
    found = []
    for param in command.params:
        if getattr(param, "is_flag", True) or not hasattr(param, "type_descriptor"):
            continue
        annotation = param.type_descriptor.annotation
        flag = next(o for o in param.opts if o.startswith("--"))
        numeric = annotation in (int, float)
        choice = isinstance(annotation, type) and issubclass(annotation, enum.Enum)
        if (kind == "number" and numeric) or (kind == "choice" and choice):
            found.append((flag, param))
    return found


def test_there_are_commands() -> None:
    assert {"analyze", "batch", "serve", "backup", "restore", "worker"} <= set(COMMANDS)


def test_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys)
    _assert_usage_error(code, out, err)
    assert "analyze" in err


def test_misspelt_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "analyz", "x.csv")
    _assert_usage_error(code, out, err)
    assert "analyze" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--version")
    assert code == 0, err
    assert out.strip() == f"lacrima {lacrima.__version__}"


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--help")
    assert code == 0
    assert "analyze" in out


@pytest.mark.parametrize("name", COMMANDS)
def test_unknown_option(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = _run(capsys, name, "--no-such-option")
    _assert_usage_error(code, out, err)
    assert "--no-such-option" in err


@pytest.mark.parametrize("name", COMMANDS)
def test_missing_argument(capsys: pytest.CaptureFixture[str], name: str) -> None:
    command = GROUP.commands[name]  # type: ignore[attr-defined]
    if not any(p.required for p in command.params):
        pytest.skip(f"{name} has no required parameter")
    code, out, err = _run(capsys, name)
    _assert_usage_error(code, out, err)


@pytest.mark.parametrize("name", COMMANDS)
def test_numbers_that_are_not_numbers(capsys: pytest.CaptureFixture[str], name: str) -> None:
    command = GROUP.commands[name]  # type: ignore[attr-defined]
    flags = _options(command, "number")
    if not flags:
        pytest.skip(f"{name} has no numeric option")
    for flag, param in flags:
        code, out, err = _run(capsys, name, flag, "abc")
        _assert_usage_error(code, out, err)
        code, out, err = _run(capsys, name, flag)  # the value is missing
        _assert_usage_error(code, out, err)
        if param.min is not None:  # out of range
            code, out, err = _run(capsys, name, flag, str(param.min - 1))
            _assert_usage_error(code, out, err)
            assert flag in err


@pytest.mark.parametrize("name", COMMANDS)
def test_bad_choice(capsys: pytest.CaptureFixture[str], name: str) -> None:
    command = GROUP.commands[name]  # type: ignore[attr-defined]
    flags = _options(command, "choice")
    if not flags:
        pytest.skip(f"{name} has no option with a fixed set of values")
    for flag, _param in flags:
        code, out, err = _run(capsys, name, flag, "no-such-choice")
        _assert_usage_error(code, out, err)


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", "--fs", "abc", "x.csv"),
        ("batch", "--workers", "0", "x"),
        ("serve", "--port", "0"),
        ("adduser", "--role", "wizard", "someone"),
    ],
)
def test_measured_mistakes(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    code, out, err = _run(capsys, *args)
    _assert_usage_error(code, out, err)
    assert args[1] in err


def test_the_installed_entry_point_prints_no_traceback() -> None:
    """As a user runs it: a fresh interpreter, ``lacrima`` alone and a misspelt command."""
    for args in ([], ["analyz"], ["analyze"]):
        proc = subprocess.run(
            [sys.executable, "-c", "from lacrima.cli import main; main()", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        _assert_usage_error(proc.returncode, proc.stdout, proc.stderr)

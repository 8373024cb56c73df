"""Administration commands: serve, migrate, users, tokens, demo, export, backup, keys.

A thin layer over :mod:`lacrima.web`: every command sets up Django from the
``LACRIMA_*`` environment (see ``docs/admin.md``) and turns library errors into a
one-line message and exit code 2 (through :func:`lacrima.cli._app.main`).
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from lacrima.cli._app import app
from lacrima.errors import LacrimaError

__all__ = [
    "adduser",
    "backup",
    "demo",
    "export",
    "migrate",
    "restore",
    "rotate_key",
    "serve",
    "token",
    "two_factor_off",
]

logger = logging.getLogger(__name__)
ROLES = ("client", "therapist", "admin")


def _django() -> None:
    """Load the settings from the environment and set Django up (once)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lacrima.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _user(username: str) -> Any:
    from lacrima.web.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise LacrimaError(f"no user called {username!r}; list users on /staff/users/")
    return user


def _check_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise LacrimaError("the database is not up to date; run: lacrima migrate")


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    """Turn SIGTERM into a normal exit, so ``finally`` blocks (worker shutdown) run."""
    raise SystemExit(0)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes.")] = 1,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker/--no-worker",
            help="Also run the background worker (analysis of uploads), stopped with the server.",
        ),
    ] = True,
) -> None:
    """Serve the web app with uvicorn (ASGI); static files come from whitenoise.

    Put it behind an HTTPS reverse proxy for real use and set LACRIMA_HTTPS=true.
    With --no-worker, run 'lacrima worker' separately or uploads wait in the queue.

    Example: lacrima serve --host 0.0.0.0 --port 8000
    """
    _django()
    import uvicorn
    from django.core.management import call_command

    _check_migrated()
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.conf import settings

    from lacrima.cli.worker import worker_alongside

    typer.echo(f"Lacrima is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    mail = _mail_location(settings)
    if mail:
        typer.echo(mail)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal; with the default
    # handler that would kill this process before the worker below is stopped.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    from lacrima.web import runlock

    # Held while serving, so 'lacrima restore' refuses to run under a live server.
    with runlock.running(settings.LACRIMA_DATA_DIR), worker_alongside(with_worker):
        uvicorn.run(
            "lacrima.web.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            # X-Forwarded-For is read by Lacrima itself, only from LACRIMA_TRUSTED_PROXIES
            # (lacrima.web.core.middleware); uvicorn must not rewrite the address first.
            proxy_headers=False,
            log_config=_log_config(),
            log_level="info",
        )


def _mail_location(settings: Any) -> str:
    """Where password-reset mail goes, for the start-up message."""
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return (
            f"Mail (password reset links) is written as files to {settings.EMAIL_FILE_PATH}; "
            "set LACRIMA_EMAIL_URL to send it by SMTP."
        )
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return f"Mail is sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}."
    return ""


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with invitation and reset secrets redacted from the access log."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["secrets"] = {
        "()": "lacrima.web.core.middleware.SecretPathFilter"
    }
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("secrets")
    return config


@app.command("migrate")
def migrate() -> None:
    """Create or upgrade the database tables (safe to run again).

    Example: lacrima migrate
    """
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    typer.echo("Database is up to date.")


@app.command("adduser")
def adduser(
    username: Annotated[str, typer.Argument(help="The new user name.")],
    role: Annotated[str, typer.Option(help="client, therapist or admin.")] = "client",
    first_name: Annotated[str, typer.Option(help="First name (optional).")] = "",
    last_name: Annotated[str, typer.Option(help="Last name (optional).")] = "",
    email: Annotated[str, typer.Option(help="E-mail address for password reset (optional).")] = "",
) -> None:
    """Create an account; the password comes from LACRIMA_PASSWORD or a prompt.

    Example: lacrima adduser dr_tan --role therapist --email tan@clinic.example
    """
    if role not in ROLES:
        raise LacrimaError(f"--role must be one of {', '.join(ROLES)}; got {role!r}")
    _django()
    from lacrima.web.accounts.services import create_user
    from lacrima.web.config import admin_password

    if email and ("@" not in email or len(email) > 254):
        raise LacrimaError(f"--email should be an address like name@clinic.example; got {email!r}")
    password = admin_password() or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    user = create_user(
        username, password, role, first_name=first_name, last_name=last_name, email=email
    )
    typer.echo(f"Created {user.role} {user.username!r}.")


@app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="A label to recognise it by.")] = "cli",
    days: Annotated[
        int, typer.Option(min=1, help="Days until it stops working (default 90, at most 365).")
    ] = 90,
) -> None:
    """Print a new personal API token for USERNAME, once (only its hash is kept).

    Use it as: curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8000/api/v1/me
    See, create and revoke tokens on /account/tokens/ too.

    Example: lacrima token dr_tan --name laptop --days 30
    """
    _django()
    from lacrima.web.accounts.services import issue_token

    secret = issue_token(_user(username), name=name, days=days)
    typer.echo(secret)
    typer.echo(f"Store it now: it cannot be shown again. It works for {days} days.", err=True)


@app.command("two-factor-off")
def two_factor_off(
    username: Annotated[str, typer.Argument(help="Who lost their phone and recovery codes.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove USERNAME's second factor, so they sign in with their password and set it up anew.

    Check who is asking first (in person or by phone): this removes a protection.
    With LACRIMA_REQUIRE_2FA=true they must set up a new one at their next sign-in.

    Example: lacrima two-factor-off dr_tan
    """
    _django()
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lacrima.web.audit.log import record_event

    user = _user(username)
    if not yes:
        typer.confirm(f"Remove the second factor of {username!r}?", abort=True)
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    record_event(None, f"an administrator removed the second factor of {username}")
    typer.echo(f"Removed the second factor of {username!r} ({removed} records).")


@app.command("demo")
def demo() -> None:
    """Load demo accounts and data (safe to run again). Never on a real server.

    Example: lacrima migrate && lacrima demo
    """
    _django()
    from lacrima.web.core import demo as demo_data

    demo_data.load_demo()
    bar = "=" * 64
    lines = [
        bar,
        "DEMO ACCOUNTS (demo data only; the password is public, do not keep",
        "them on a server with real clients: delete them with /account/delete/)",
        "",
    ]
    lines += [
        f"  DEMO {role:<10} user: {user:<16} password: {pw}"
        for role, user, pw in demo_data.describe()
    ]
    lines += ["", bar]
    typer.echo("\n".join(lines))


@app.command("export")
def export(
    username: Annotated[str, typer.Argument(help="Whose data.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The zip file to write.")],
) -> None:
    """Write everything Lacrima holds about USERNAME to a zip (JSON + a CSV per table).

    Example: lacrima export demo_client --out demo_client.zip
    """
    _django()
    from lacrima.web.accounts.archive import build_archive

    data = build_archive(_user(username))
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise LacrimaError(f"cannot write {out}: {exc.strerror}") from exc
    typer.echo(f"Wrote {out} ({len(data)} bytes). It holds readable client text: keep it private.")


@app.command("backup")
def backup(
    out: Annotated[Path, typer.Option("--out", "-o", help="The backup zip to write.")],
) -> None:
    """Back up the database (one snapshot) and uploaded recordings to a zip.

    Safe while the server runs. Encrypted text and recordings stay encrypted. The
    encryption key is NOT in the backup: keep it (LACRIMA_ENCRYPTION_KEY or
    <data dir>/encryption_key) safe separately, or the backup cannot be read.

    Example: lacrima backup --out /backups/lacrima-$(date +%F).zip
    """
    _django()
    from lacrima.web.backup import make_backup

    manifest = make_backup(out)
    typer.echo(
        f"Wrote {out} ({manifest['uploads']} recording files). "
        f"Key fingerprint: {', '.join(manifest['key_fingerprints'])}."
    )
    typer.echo("Keep the encryption key safe separately: the backup cannot be read without it.")


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A zip made by 'lacrima backup'.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace ALL data in the database with a backup (all or nothing).

    Needs the same encryption key and Lacrima version as the backup. Refuses while
    'lacrima serve' or 'lacrima worker' runs on this data folder: stop them first.

    Example: lacrima restore /backups/lacrima-2025-01-31.zip
    """
    _django()
    from lacrima.web.backup import restore_backup

    if not yes:
        typer.confirm(
            "This replaces every account and all data with the backup. Continue?", abort=True
        )
    manifest = restore_backup(file)
    typer.echo(f"Restored the backup made at {manifest.get('created_at')}.")


@app.command("rotate-key")
def rotate_key(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Re-encrypt all encrypted text and uploaded recordings under a new key.

    Stop the server first. Uploads stored before they were encrypted are encrypted now.

    With the key file in the data dir, a new key replaces it. With LACRIMA_ENCRYPTION_KEY
    set, put the new key first ("NEW,OLD"), run this, then remove OLD.

    Example: lacrima rotate-key --yes
    """
    _django()
    from lacrima.web.crypto import rotate_key as rotate

    if not yes:
        typer.confirm(
            "Is the server stopped? Rotating while it runs can lose new text.", abort=True
        )
    result = rotate()
    typer.echo(
        f"Re-encrypted {result['rows']} rows and {result['files']} uploaded files; "
        f"key in use: {result['fingerprint']}."
    )
    if result["source"] == "environment" and result["retired"]:
        typer.echo("Now remove the old key(s) from LACRIMA_ENCRYPTION_KEY.")
    typer.echo("Make a new backup: older backups need the old key.")

"""The `tracker` commands (see PRODUCT.md, "Command line")."""
from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from .auth import service as accounts
from .backups.command import backup_command, restore_command
from .cases.import_command import import_cases_command
from .demo import load_demo, print_accounts
from .departments import service as departments
from .errors import AppError
from .follows.command import send_mail_command
from .models import Role
from .polls.command import seat_codes_command
from .reminders.command import remind_command
from .schema import upgrade_schema
from .serve import serve_command


def _fail(error: AppError) -> None:
    details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (safe to run twice, or twice at once)."""
    upgrade_schema()
    click.echo("Database schema is up to date.")


@click.command("create-department")
@click.argument("code")
@click.argument("name")
@click.option("--kind", type=click.Choice(["municipal", "county", "enterprise", "other"]), default="municipal")
@with_appcontext
def create_department_command(code: str, name: str, kind: str) -> None:
    """Create a department with a short CODE and its NAME."""
    try:
        department = departments.create_department(code, name, kind)
    except AppError as error:
        _fail(error)
    click.echo(f"Created department {department.code} {department.name}.")


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--department", "department_code", help="department CODE (department accounts only)")
@click.option("--email", help="where reminders go")
@with_appcontext
def create_user_command(username: str, role: str, department_code: str | None, email: str | None) -> None:
    """Create an account; the password comes from TRACKER_PASSWORD, else it is asked for."""
    password = os.environ.get("TRACKER_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise click.ClickException("Set TRACKER_PASSWORD or run in a terminal to be asked for the password.")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(username, password, role, department_code=department_code, email=email)
    except AppError as error:
        _fail(error)
    click.echo(f"Created {user.role.value} {user.username}.")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="cli", help="a label to recognise the token by")
@with_appcontext
def create_token_command(username: str, name: str) -> None:
    """Print one new API token for USERNAME, alone on one line."""
    user = accounts.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username}.")
    _record, token = accounts.issue_token(user, name)
    click.echo(token)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo city (idempotent) and print the demo accounts."""
    upgrade_schema()
    print_accounts(load_demo(), click.echo)


COMMANDS = [demo_command, init_db_command, create_department_command, create_user_command, create_token_command,
            serve_command, import_cases_command, remind_command, send_mail_command, backup_command,
            restore_command, seat_codes_command]


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)


def init_app(app: Flask) -> None:
    register(app.cli)

"""`tracker backup FILE` / `tracker restore FILE` (see backups/service.py for what they hold)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .service import BackupError, backup, restore


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write the database and the uploaded evidence to FILE (a .tar.gz), while the server runs."""
    try:
        summary = backup(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up the {summary.database} database and {summary.files} uploaded files "
               f"to {file} ({summary.size:,} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@with_appcontext
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database and the uploaded evidence with FILE's. Stop the server first."""
    if not yes:
        click.confirm("This replaces the whole database and every uploaded file. Continue?", abort=True)
    try:
        summary = restore(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the {summary.database} database and {summary.files} uploaded files from {file}.")

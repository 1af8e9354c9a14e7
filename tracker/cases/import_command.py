"""`tracker import-cases FILE [--dry-run]`: a 12345 export into the case pool, from a shell.

The first line of the output, `created: N, updated: N, rejected: N`, stays in English words:
other programs read it.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..errors import AppError
from . import importer


def summary_line(plan: importer.ImportPlan) -> str:
    return (f"created: {plan.count(importer.CREATE)}, updated: {plan.count(importer.UPDATE)}, "
            f"rejected: {plan.count(importer.REJECT)}")


@click.command("import-cases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created, updated and rejected; change nothing.")
@with_appcontext
def import_cases_command(file: Path, dry_run: bool) -> None:
    """Import a hotline system's CSV or XLSX export (工单编号, 标题, 承办单位 …) as cases.

    A work order imported before updates its case. Valid rows are imported together, in one
    transaction; each rejected row is listed with its line number and the reason.
    """
    # There is no visitor to choose a language for: the reasons speak the default one.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            plan = importer.import_cases(file.read_bytes(), dry_run=dry_run)
        except AppError as error:
            raise click.ClickException(f"{file}: {error.message} Nothing was imported.") from error
        click.echo(summary_line(plan))
        for row in plan.rejections:
            click.echo(f"line {row.line}: {row.reason}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")

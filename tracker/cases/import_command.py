"""`tracker import-cases FILE [--dry-run] [--confirm-aired] [--replace-public-text]`: a 12345
export into the case pool, from a shell.

The first line of the output stays in English words, because other programs read it:
`created: N, updated: N, rejected: N, unchanged: N, held: N` — the first three as PRODUCT.md
fixes them, the two counts after them added later. Then each rejected row as
`line N: reason` (only rejected rows have this form), each held row as
`line N (held): …` and each warning as `line N (warning): …`.

Progress goes to stderr, never into that output: a line that redraws itself on a terminal, and
otherwise a line every PROGRESS_LINE_EVERY rows (so a small file prints none). A file with more
rows than IMPORT_MAX_ROWS is refused (exit code 1) as soon as the reader passes the limit.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from ..errors import AppError
from . import importer
from .import_files import RowLimit

PROGRESS_LINE_EVERY = 10_000


class ProgressOnStderr:
    """`reading: N rows`, `checking: N/M rows`, `importing: N/M rows` on stderr."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.phase, self.last = "", 0

    def start(self, phase: str) -> None:
        self.end()
        self.phase, self.last = phase, 0

    def __call__(self, done: int, total: int) -> None:
        text = f"{self.phase}: {done}/{total} rows" if total else f"{self.phase}: {done} rows"
        if self.tty:
            click.echo(f"\r{text}", nl=False, err=True)
            self.last = done
        elif done // PROGRESS_LINE_EVERY > self.last // PROGRESS_LINE_EVERY:
            click.echo(text, err=True)
            self.last = done

    def end(self) -> None:
        if self.tty and self.phase:
            click.echo("", err=True)
        self.phase = ""


def run(data: bytes, *, dry_run: bool, options: importer.ImportOptions, max_rows: int) -> importer.ImportPlan:
    """The import of `tracker import-cases`, in this process, reporting its progress on stderr."""
    progress = ProgressOnStderr()
    try:
        progress.start("reading")
        export = importer.read_export(data, RowLimit(max_rows, on_rows=lambda count: progress(count, 0)))
        progress.start("checking")
        plan = importer.plan_import(export, options=options, progress=progress)
        if not dry_run:
            progress.start("importing")
            importer.apply_import(plan, progress=progress)
        return plan
    finally:
        progress.end()


def summary_line(plan: importer.ImportPlan) -> str:
    return ", ".join(f"{word}: {plan.count(action)}" for word, action in (
        ("created", importer.CREATE), ("updated", importer.UPDATE), ("rejected", importer.REJECT),
        ("unchanged", importer.UNCHANGED), ("held", importer.HELD)))


def report_lines(plan: importer.ImportPlan) -> list[str]:
    lines = [summary_line(plan)]
    lines += [f"line {row.line}: {row.reason}" for row in plan.rejections]
    lines += [f"line {row.line} (held): " + _(
        "%(ref)s has been on air; it would change %(fields)s. Run again with --confirm-aired to apply it.",
        ref=row.case_ref, fields=row.changed_labels) for row in plan.rows_doing(importer.HELD)]
    lines += [f"line {row.line} (warning): {row.warning}" for row in plan.warned]
    return lines


@click.command("import-cases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created, updated and rejected; change nothing.")
@click.option("--confirm-aired", is_flag=True,
              help="Also update cases that have been on air (without it their rows are held).")
@click.option("--replace-public-text", is_flag=True,
              help="With --confirm-aired: give aired cases whose title or summary changes the new text, masked, "
                   "as their public text (without it they keep the public text the audience saw).")
@with_appcontext
def import_cases_command(file: Path, dry_run: bool, confirm_aired: bool, replace_public_text: bool) -> None:
    """Import a hotline system's CSV or XLSX export (工单编号, 标题, 承办单位 …) as cases.

    A work order imported before updates its case; one that changes a case that has been on
    air is held unless --confirm-aired is given. Valid rows are imported together, in one
    transaction; each rejected row is listed with its line number and the reason.
    """
    if replace_public_text and not confirm_aired:
        raise click.UsageError("--replace-public-text applies to aired cases: give --confirm-aired as well.")
    options = importer.ImportOptions(confirm_aired=confirm_aired, replace_public_text=replace_public_text)
    # There is no visitor to choose a language for: the reasons speak the default one.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            plan = run(file.read_bytes(), dry_run=dry_run, options=options,
                       max_rows=current_app.config["IMPORT_MAX_ROWS"])
        except AppError as error:
            raise click.ClickException(f"{file}: {error.message} Nothing was imported.") from error
        for line in report_lines(plan):
            click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was changed.")

"""`tracker remind [--date YYYY-MM-DD] [--dry-run]`, for cron: the day's reminder digests.

Stores each department's digest for the day (the workspace notification), then mails the ones
not yet sent through TRACKER_SMTP_URL. Running it again the same day sends nothing twice, but
retries a digest whose delivery failed. Without TRACKER_SMTP_URL the digests are still stored
and the command says that email is not configured (exit status 0: a deployment may choose
workspace notifications only). A failed delivery makes the exit status 1.

The last line, `departments: N, digests created: N, emails sent: N, not addressed: N, failed: N`,
stays in English words: other programs read it.
"""
from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..commitments import rules
from . import mail, service


@click.command("remind")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The Asia/Shanghai day to remind for (default: today there).")
@click.option("--dry-run", is_flag=True, help="Show what would be stored and sent; change nothing.")
@with_appcontext
def remind_command(day: datetime | None, dry_run: bool) -> None:
    """Email each department one digest of its new, due-soon and overdue commitments."""
    on = day.date() if day else rules.today()
    smtp_url = current_app.config.get("SMTP_URL")
    if smtp_url:
        try:
            mail.parse_smtp_url(smtp_url)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if dry_run:
            _dry_run(on, smtp_url)
            return
        created = service.build_digests(on)
        if not smtp_url:
            click.echo(f"{on}: email is not configured (TRACKER_SMTP_URL); "
                       "the digests are kept as workspace notifications only.")
            click.echo(_summary(on, len(created), 0, 0, 0))
            return
        report = service.send_digests(on, smtp_url)
    for digest in report.sent:
        click.echo(f"sent {digest.department.code} to {len(digest.recipients)} recipient(s): "
                   f"{len(digest.items)} item(s)")
    for digest in report.unaddressed:
        click.echo(f"not emailed {digest.department.code}: {service.NO_RECIPIENTS}")
    for digest in report.failed:
        click.echo(f"failed {digest.department.code}: {digest.error}", err=True)
    for digest in report.settled:
        click.echo(f"not emailed {digest.department.code}: {service.NOTHING_LEFT}")
    click.echo(_summary(on, len(created), len(report.sent), len(report.unaddressed), len(report.failed)))
    if report.failed:
        raise click.exceptions.Exit(1)


def _summary(day: date, created: int, sent: int, unaddressed: int, failed: int) -> str:
    return (f"departments: {service.digest_count(day)}, digests created: {created}, emails sent: {sent}, "
            f"not addressed: {unaddressed}, failed: {failed}")


def _dry_run(day: date, smtp_url: str | None) -> None:
    plans = service.plan_digests(day)
    addressed = 0
    for plan in plans:
        recipients = service.recipients_of(plan.department.id)
        addressed += bool(recipients)
        click.echo(f"would create {plan.department.code}: "
                   + mail.subject_line(plan.department.name, [kind for kind, _c in plan.items]))
        for kind, commitment in plan.items:
            co = f" [co-responsible; lead {commitment.department.code}]" if plan.co_responsible(commitment) else ""
            click.echo(f"  {kind}: #{commitment.id} {commitment.content} ({commitment.deadline}){co}")
        click.echo(f"  to: {', '.join(recipients) if recipients else '-'}")
    waiting = service.unsent_digests(day)
    for digest in waiting:
        addressed += bool(service.recipients_of(digest.department_id))
        click.echo(f"would retry {digest.department.code}: {len(digest.items)} item(s)")
    if not smtp_url:
        click.echo(f"{day}: email is not configured (TRACKER_SMTP_URL); nothing would be mailed.")
    click.echo(f"departments: {len(plans) + len(waiting)}, digests to create: {len(plans)}, "
               f"emails to send: {addressed if smtp_url else 0}")
    click.echo("Dry run: nothing was changed.")

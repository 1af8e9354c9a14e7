"""`tracker send-mail [--limit N]`, for cron every minute: sends what waits in the outbox.

Mail to followers (confirmations, status changes) is written in the same transaction as the
change it reports and sent by this command through TRACKER_SMTP_URL. Without TRACKER_SMTP_URL
it says that email is not configured and sends nothing (exit status 0); when a message fails
it stays in the outbox for a later run and the exit status is 1.

The last line, `sent: N, failed: N, gave up: N, withdrawn: N`, stays in English words: other
programs read it.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..reminders import mail
from .outbox import send_outbox


@click.command("send-mail")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(min=1),
              help="Send at most this many messages in this run.")
@with_appcontext
def send_mail_command(limit: int) -> None:
    """Send the waiting mail to followers of commitments (run it from cron every minute)."""
    smtp_url = current_app.config.get("SMTP_URL")
    if not smtp_url:
        click.echo("email is not configured (TRACKER_SMTP_URL); the outbox keeps its messages.")
        return
    try:
        mail.parse_smtp_url(smtp_url)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    report = send_outbox(smtp_url, limit)
    for row in report.failed:
        click.echo(f"failed #{row.id} (attempt {row.attempts}): {row.last_error}", err=True)
    click.echo(f"sent: {len(report.sent)}, failed: {len(report.failed)}, gave up: {len(report.gave_up)}, "
               f"withdrawn: {len(report.withdrawn)}")
    if report.failed:
        raise click.exceptions.Exit(1)

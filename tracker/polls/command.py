"""`tracker seat-codes EPISODE [--count N]`: the seat-card codes of an episode, one a line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..episodes.changes import get_episode
from ..errors import AppError
from . import codes


@click.command("seat-codes")
@click.argument("episode_id", type=int)
@click.option("--count", type=click.IntRange(1, 9999), default=None,
              help="How many seats (at most TRACKER_POLL_SEAT_CODES, the default).")
@with_appcontext
def seat_codes_command(episode_id: int, count: int | None) -> None:
    """Print the codes for the seat cards of EPISODE_ID (studio-only voting), seat 1 first."""
    try:
        get_episode(episode_id)
    except AppError as error:
        raise click.ClickException(error.message) from None
    for code in codes.seat_codes(episode_id, min(count or codes.seat_count(), codes.seat_count())):
        click.echo(code)

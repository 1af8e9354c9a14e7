"""`tracker serve`: gunicorn with the gevent worker, as production runs it.

The command replaces itself with a fresh `python -m gunicorn` process: the master then holds
none of the app's modules, and each worker lets gevent patch the standard library before it
imports the app (no preload), which is what psycopg 3 and the SQLite write lock rely on.
"""
from __future__ import annotations

import os
import sys

import click
from flask.cli import ScriptInfo

from . import config
from .demo import load_demo, print_accounts
from .schema import upgrade_schema

# Every websocket holds one of a gevent worker's connections; gunicorn's default of 1000
# would leave a big audience's vote page, and the producer's own requests, waiting to connect.
WORKER_CONNECTIONS = 10000
GRACEFUL_TIMEOUT = 5


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn",
        "--worker-class", "gevent",
        "--workers", str(workers),
        "--worker-connections", str(WORKER_CONNECTIONS),
        "--graceful-timeout", str(GRACEFUL_TIMEOUT),
        "--timeout", "60",
        "--backlog", "2048",
        "--bind", f"{host}:{port}",
        # The control socket's default path is shared by every gunicorn of the user: two
        # deployments (or a deployment and a test) on one host would take each other's.
        "--no-control-socket",
        "--access-logfile", "-",
        "--error-logfile", "-",
        "tracker.wsgi:app",
    ]


def prepare_demo(script_info: ScriptInfo) -> None:
    """Schema and demo data, in this short-lived process, before it becomes gunicorn."""
    app = script_info.load_app()
    with app.app_context():
        upgrade_schema()
        print_accounts(load_demo(), click.echo)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--demo", is_flag=True, help="create the schema and load the demo data first")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, workers: int, demo: bool) -> None:
    """Run the production server (gunicorn, gevent worker)."""
    if workers > 1 and not os.environ.get("TRACKER_MESSAGE_QUEUE"):
        raise click.ClickException(
            "More than one worker needs a message queue, or live updates from one worker never "
            "reach viewers connected to another: set TRACKER_MESSAGE_QUEUE=redis://… or use --workers 1."
        )
    try:
        config.require_writable(config.default_instance_path())
    except config.InstanceNotWritable as error:
        raise click.ClickException(str(error)) from None
    if demo:
        prepare_demo(ctx.ensure_object(ScriptInfo))
    argv = gunicorn_argv(host, port, workers)
    click.echo(f"Serving on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}, gevent)")
    sys.stdout.flush()
    os.execv(sys.executable, argv)

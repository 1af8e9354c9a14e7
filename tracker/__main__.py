"""The `tracker` console script: the app's commands, with the app built on demand.

Commands that do not need the app (`serve`) never build it, so the gunicorn master that
`serve` starts imports nothing of the app before the gevent worker patches the standard library.
"""
import click
from flask.cli import FlaskGroup

from . import create_app
from .cli import register
from .config import InstanceNotWritable


def _create_app():
    try:
        return create_app()
    except InstanceNotWritable as error:  # a message for the operator, not a traceback
        raise click.ClickException(str(error)) from None


main = FlaskGroup(name="tracker", create_app=_create_app, add_default_commands=False,
                  load_dotenv=False, help="问政追踪 Face-to-Face Tracker")
register(main)


if __name__ == "__main__":  # python -m tracker
    main()

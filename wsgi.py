"""For `gunicorn -k gevent wsgi:app` from a source checkout; `tracker serve` is the usual way."""
from tracker.wsgi import app

__all__ = ["app"]

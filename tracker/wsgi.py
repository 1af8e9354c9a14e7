"""What gunicorn loads (`tracker serve`): the app, with gevent as Socket.IO's async mode.

The gevent worker has patched the standard library before importing this module.
"""
from . import create_app

app = create_app({"ASYNC_MODE": "gevent"})

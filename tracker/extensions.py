"""Extensions, created without an app and bound to one in `create_app`."""
from typing import TYPE_CHECKING, ClassVar

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from . import ratelimits  # noqa: F401 - registers the `tracker-memory://` storage with limits

# Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __table__: ClassVar[Table]  # every model maps one table (SQLAlchemy declares any FromClause)


db = SQLAlchemy(model_class=Base)

# The models' base class: Flask-SQLAlchemy's `db.Model` (Base plus its session and table-name
# helpers). A type checker cannot take an attribute as a base class, so it is told it is Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
socketio = SocketIO()


def real_app() -> Flask:
    """The app behind `current_app`, for a background task that outlives the request."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types the proxy as the app

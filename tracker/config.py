"""Settings, read from the environment, with defaults that let the demo run with no set-up."""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

MB = 1024 * 1024


def default_instance_path() -> Path:
    """Where the SQLite file, the generated secret key and uploads live.

    `TRACKER_INSTANCE_PATH` wins; otherwise `./instance` under the current directory, so a
    deployment from a wheel does not write into site-packages.
    """
    configured = os.environ.get("TRACKER_INSTANCE_PATH")
    return Path(configured or Path.cwd() / "instance").resolve()


def load_secret_key(instance_path: Path) -> str:
    """The configured key, or one generated once and kept in the instance folder.

    Keeping it on disk means sessions survive a restart without anyone having to set a key.
    """
    configured = os.environ.get("TRACKER_SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    # O_EXCL: two workers starting at once must not end up with different keys.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class InstanceNotWritable(RuntimeError):
    """The instance folder (the SQLite database, uploaded evidence, the secret key) is read-only."""


def require_writable(instance_path: Path) -> None:
    """Refuse to start on a read-only instance folder: it would start, then answer every page
    that writes (and SQLite's every read, which needs its -shm file) with a 500. A folder that
    does not exist yet is made (a fresh clone has none)."""
    try:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=instance_path):
            pass
    except OSError as error:
        raise InstanceNotWritable(
            f"The instance folder {instance_path} is not writable ({error.strerror}); give the "
            f"server's user write access to it, or point TRACKER_INSTANCE_PATH at a folder it can write.") from None


def from_environment(instance_path: Path) -> dict:
    """The application's configuration as a plain mapping."""
    database_url = os.environ.get("TRACKER_DATABASE_URL") or f"sqlite:///{instance_path / 'tracker.db'}"
    message_queue = os.environ.get("TRACKER_MESSAGE_QUEUE") or None
    database_url = normalise_database_url(database_url)
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MESSAGE_QUEUE": message_queue,
        "UPLOAD_FOLDER": os.environ.get("TRACKER_UPLOAD_FOLDER") or str(instance_path / "uploads"),
        "CASE_REF_PREFIX": os.environ.get("TRACKER_CASE_REF_PREFIX", "SY"),
        "SESSION_COOKIE_SECURE": os.environ.get("TRACKER_SECURE_COOKIES", "") == "1",
        "PROXY_COUNT": int(os.environ.get("TRACKER_PROXY_COUNT", "0")),
        # One process: limits' memory storage without a timer per hit (tracker/ratelimits.py).
        "RATELIMIT_STORAGE_URI": message_queue or "tracker-memory://",
        "SMTP_URL": os.environ.get("TRACKER_SMTP_URL") or None,
        "MAIL_FROM": os.environ.get("TRACKER_MAIL_FROM", "tracker@localhost"),
        # Where links in reminder emails point: the address people open the tracker at.
        "BASE_URL": (os.environ.get("TRACKER_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
        "DISPLAY_TOKEN_REQUIRED": os.environ.get("TRACKER_DISPLAY_TOKEN_REQUIRED", "") == "1",
        "WEBSOCKET_COMPRESSION": os.environ.get("TRACKER_WEBSOCKET_COMPRESSION", "") == "1",
        # How many named displays the console lists per episode: more still get the live state,
        # but a crowd of made-up "displays" cannot bury the real ones (see live/presence.py).
        "LIVE_MAX_LISTED_DISPLAYS": int(os.environ.get("TRACKER_LIVE_MAX_LISTED_DISPLAYS", "50")),
        # How long a display that went away stays listed as offline before it is forgotten.
        "LIVE_PRESENCE_OFFLINE_SECONDS": int(os.environ.get("TRACKER_LIVE_PRESENCE_OFFLINE_SECONDS", "1800")),
        # The audience vote (docs/polls.md): the code mode of an episode's first poll (off,
        # rotating, studio), and the ballots one address may send (a studio's Wi-Fi is one address).
        "POLL_CODE_MODE": os.environ.get("TRACKER_POLL_CODE_MODE", "off"),
        "POLL_BALLOT_LIMIT": os.environ.get("TRACKER_POLL_BALLOT_LIMIT", "120 per minute"),
        "POLL_SEAT_CODES": int(os.environ.get("TRACKER_POLL_SEAT_CODES", "300")),
        # Work orders in one imported file (page and CLI); a larger file is refused while it is read.
        "IMPORT_MAX_ROWS": int(os.environ.get("TRACKER_IMPORT_MAX_ROWS", "50000")),
    }


def normalise_database_url(url: str) -> str:
    """Let people write `postgresql://`; we speak to PostgreSQL through psycopg 3 only."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# Settings that do not come from the environment.
DEFAULTS = {
    "ASYNC_MODE": "threading",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Large enough for evidence uploads; JSON endpoints get the smaller limit below.
    "MAX_CONTENT_LENGTH": 25 * MB,
    "API_MAX_JSON_BYTES": 1 * MB,
    "IMPORT_MAX_BYTES": 10 * MB,
    "ATTACHMENT_MAX_BYTES": 10 * MB,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    # The CSRF token lives as long as the session: a producer's console stays open for a
    # whole broadcast and must not start failing after an hour.
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_HEADERS": ["X-CSRF-Token", "X-CSRFToken"],
    "RATELIMIT_HEADERS_ENABLED": True,
    # Login throttling (auth/throttle.py): failures free of delay for one username from one
    # address, and for one address (a shared office); the longest delay; quiet time to forget.
    "LOGIN_ACCOUNT_FREE_FAILURES": 3,
    "LOGIN_ADDRESS_FREE_FAILURES": 10,
    "LOGIN_MAX_DELAY": 300,
    "LOGIN_FORGET_AFTER": 3600,
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_CN", "en"],
    "TIMEZONE": "Asia/Shanghai",
    "API_TITLE": "Face-to-Face Tracker API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "JSON_SORT_KEYS": False,
    # Every page on /live and /control asks the server's time each minute; a listed client not
    # heard from for this long is taken for gone (its worker may have died without a goodbye).
    "LIVE_PRESENCE_SILENT_SECONDS": 180,
    # Presence reaches the console at most once per this many seconds per episode and process,
    # carrying the latest listing, however many clients come and go meanwhile.
    "LIVE_PRESENCE_PUSH_SECONDS": 0.25,
    # A poll's tally reaches displays and phones at most once per this many seconds (all workers).
    "POLL_TALLY_INTERVAL": 0.25,
    # Engine.IO pings every viewer this often and gives up after the timeout more: a display or
    # phone whose network dropped silently is let go within 45 s (one that closes, at once). Every
    # ping is a frame out and a pong in per viewer: at 10 s, 3,000 idle phones cost 600 frames a
    # second. The timeout stays well above a lagging fan-out (bench/README.md, "Ping timeout").
    "LIVE_PING_INTERVAL": 25,
    "LIVE_PING_TIMEOUT": 20,
    # Ballots arriving within this many seconds are stored in one transaction (group commit),
    # at most this many at a time (polls/batches.py).
    "POLL_BALLOT_BATCH_SECONDS": 0.002,
    "POLL_BALLOT_BATCH_LIMIT": 500,
}


def redis_namespace(database_url: str) -> str:
    """Keys and the Socket.IO channel in Redis, per database: deployments sharing a Redis
    server (staging beside production, parallel test runs) never see each other's messages."""
    return "tracker:" + hashlib.sha256(database_url.encode()).hexdigest()[:10]

"""Login throttling that nobody can turn against an account's owner.

Failed sign-ins are counted per client address, and per username from that address — never
per username alone: a correct password from an address with no failed sign-ins is never
refused, so strangers guessing at the producer's account cannot lock the producer out. Past a
few free failures, each further failure makes the next attempt from there wait longer (1 s,
2 s, 4 s … up to `LOGIN_MAX_DELAY`); an attempt made while waiting is refused (429, not
counted, and the password is not even checked). The counts live in the database, so every
worker and host sees the same; failures are forgotten after `LOGIN_FORGET_AFTER` seconds of
quiet. Administrators see and lift the throttles (/admin/login-throttles).
"""
from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..errors import NotFoundError
from ..extensions import db
from ..models import LoginThrottle, User, utcnow
from ..models.login_throttles import EVERY_USERNAME
from .service import authenticate


class LoginDelayed(Exception):
    """This address, or this username from it, must wait `seconds` before the next attempt."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"wait {seconds} s")
        self.seconds = seconds


def clock() -> datetime:
    """Now; the tests move it."""
    return utcnow()


def client_address() -> str:
    """The request's address as throttling counts it: an IPv6 client counts by its /64 network,
    which one household or one attacker's machine holds whole."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def username_key(username: str) -> str:
    return username.strip().lower()[:64] or "-"


def sign_in(username: str, password: str, address: str) -> User | None:
    """The active user these credentials name (their failures from this address forgotten), or
    None (the failure counted). LoginDelayed while this address, or this username from it,
    must still wait — the password is then not checked at all."""
    wait = seconds_to_wait(username, address)
    if wait:
        raise LoginDelayed(wait)
    user = authenticate(username, password)
    if user is None:
        record_failure(username, address)
    else:
        forget_failures(username, address)
    return user


def seconds_to_wait(username: str, address: str) -> int:
    """0 when an attempt for this username from this address may be made now."""
    now = clock()
    until = db.session.scalar(select(LoginThrottle.delayed_until)
                              .where(LoginThrottle.address == address,
                                     LoginThrottle.username.in_([username_key(username), EVERY_USERNAME]),
                                     LoginThrottle.delayed_until > now)
                              .order_by(LoginThrottle.delayed_until.desc()).limit(1))
    return math.ceil((until - now).total_seconds()) if until else 0


def delay_after(failures: int, free: int) -> int:
    """Seconds the next attempt waits after `failures` failures, the first `free` of them free."""
    if failures <= free:
        return 0
    return min(2 ** min(failures - free - 1, 30), _setting("LOGIN_MAX_DELAY"))


def record_failure(username: str, address: str) -> None:
    """Count a failed sign-in for the address and for the username from it; in one transaction."""
    now = clock()
    _prune(now)
    for key, free in ((username_key(username), _setting("LOGIN_ACCOUNT_FREE_FAILURES")),
                      (EVERY_USERNAME, _setting("LOGIN_ADDRESS_FREE_FAILURES"))):
        row_id, failures = _count_failure(address, key, now)
        delay = delay_after(failures, free)
        if delay:
            until = now + timedelta(seconds=delay)
            # Two failures at once: the later `until` stands, whichever commits last.
            db.session.execute(update(LoginThrottle).where(
                LoginThrottle.id == row_id,
                or_(LoginThrottle.delayed_until.is_(None), LoginThrottle.delayed_until < until))
                .values(delayed_until=until))
    db.session.commit()


def forget_failures(username: str, address: str) -> None:
    """A successful sign-in clears that username's failures from that address (not the
    address's own count: signing in to one account must not buy guesses at others)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.address == address,
                                                   LoginThrottle.username == username_key(username)))
    db.session.commit()


def current_throttles() -> list[LoginThrottle]:
    """Every address and username with recent failures, the longest wait first."""
    cutoff = clock() - timedelta(seconds=_setting("LOGIN_FORGET_AFTER"))
    return list(db.session.scalars(
        select(LoginThrottle).where(LoginThrottle.last_failure_at >= cutoff)
        .order_by(LoginThrottle.delayed_until.desc().nulls_last(), LoginThrottle.last_failure_at.desc())))


def lift(throttle_id: int) -> LoginThrottle:
    """Forget a throttle's failures. Lifting an address's own throttle lifts every username's
    from that address too; the lifted row (detached) is returned for the message."""
    row = db.session.get(LoginThrottle, throttle_id)
    if row is None:
        raise NotFoundError("No such throttle; it may have been lifted or expired already.")
    condition = LoginThrottle.address == row.address
    if row.username != EVERY_USERNAME:
        condition = condition & (LoginThrottle.username == row.username)
    db.session.expunge(row)
    db.session.execute(delete(LoginThrottle).where(condition))
    db.session.commit()
    return row


def _count_failure(address: str, key: str, now: datetime) -> tuple[int, int]:
    table = LoginThrottle.__table__
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(address=address, username=key, failures=1, last_failure_at=now)
    counted = statement.on_conflict_do_update(
        index_elements=["address", "username"],
        set_={"failures": table.c.failures + 1, "last_failure_at": now},
    ).returning(table.c.id, table.c.failures)
    row = db.session.execute(counted).one()
    return row[0], row[1]


def _prune(now: datetime) -> None:
    cutoff = now - timedelta(seconds=_setting("LOGIN_FORGET_AFTER"))
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < cutoff))


def _setting(name: str) -> int:
    return int(current_app.config[name])  # see config.DEFAULTS

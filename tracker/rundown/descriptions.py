"""What an undone action was, in a short phrase a producer reads ("已撤销：字幕条 刘敏 副局长")."""
from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import Commitment, RundownEvent, RundownItem


def describe(event_id: int) -> str:
    """The phrase for one logged on-air action, in the request's language."""
    event = db.session.get(RundownEvent, event_id)
    if event is None:
        return ""
    action = event.action
    if action in ("screen_clear", "screen_resume"):
        return _("Clear screen") if action == "screen_clear" else _("Screen resumed")
    if action.startswith("graphic"):
        after = (event.after or {}).get("program") or {}
        if after.get("kind", "none") == "none":
            return _("Strap out %(strap)s", strap=_strap((event.before or {}).get("program") or {})).strip()
        return _strap(after)
    label = _item_label(event.item_id)
    phrases = {
        "take": _("On air %(item)s", item=label), "take_next": _("On air %(item)s", item=label),
        "standby": _("Standby %(item)s", item=label), "done": _("Done %(item)s", item=label),
        "skip": _("Skip %(item)s", item=label), "hold": _("Hold %(item)s", item=label),
        "requeue": _("Back in queue %(item)s", item=label), "move": _("Reorder %(item)s", item=label),
        "poll_open": _("Vote opened %(item)s", item=label), "poll_close": _("Vote closed %(item)s", item=label),
        "poll_auto_close": _("Vote closed %(item)s", item=label),
    }
    return phrases.get(action, action)


def _strap(program: dict) -> str:
    kind = program.get("kind", "none")
    if kind in ("commitment", "quote"):
        commitment = db.session.get(Commitment, program.get("id")) if program.get("id") else None
        who = f"{commitment.official_name} {commitment.official_title}" if commitment else ""
        return _("Quote %(who)s", who=who) if kind == "quote" else _("Strap %(who)s", who=who)
    if kind == "case":
        return _("Strap %(who)s", who=_item_label(program.get("item_id")))
    return ""


def _item_label(item_id: int | None) -> str:
    item = db.session.get(RundownItem, item_id) if item_id else None
    if item is None:
        return ""
    return item.case.ref if item.case is not None else item.title

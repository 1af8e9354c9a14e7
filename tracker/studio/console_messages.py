"""Every word the console's JavaScript shows, translated on the server and handed to the page.

Placeholders in braces (`{name}`) are filled in by the browser; gettext leaves them alone.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "queued": _l("Queued"),
    "standby": _l("Standby"),
    "on_air": _l("On air"),
    "done": _l("Done"),
    "skipped": _l("Skipped"),
    "held": _l("Held"),
}

EPISODE_STATUS_LABELS = {"planned": _l("Planned"), "live": _l("On air"), "ended": _l("Ended")}

ACTION_LABELS = {
    "take": _l("Take"),
    "standby": _l("Standby"),
    "done": _l("Done"),
    "skip": _l("Skip"),
    "hold": _l("Hold"),
    "requeue": _l("Requeue"),
    "remove": _l("Remove"),
}

# What each refusal of the running-order API means to the producer; the view has been redrawn.
CONFLICTS = {
    "stale_version": _l("The running order changed elsewhere; refreshed."),
    "move_not_allowed": _l("That move is not possible now; the running order has been refreshed."),
    "nothing_to_undo": _l("There is nothing to undo."),
    "episode_ended": _l("This episode has ended; its running order is closed."),
    "duplicate_case": _l("This case is already in the running order."),
    "episode_not_planned": _l("Only a planned episode can start."),
    "episode_not_live": _l("Only a live episode can end."),
    "nothing_on_standby": _l("Nothing is on standby: select a case and press N."),
    "nothing_cued": _l("Nothing is cued on preview: cue a strap first (L)."),
}

MESSAGES = {
    "network_error": _l("The server could not be reached; nothing was changed. Try again."),
    "server_error": _l("The server refused: {message}"),
    "forbidden": _l("You are no longer signed in as a producer. Sign in again in another tab."),
    "nothing_on_standby": _l("Nothing is on standby: select a case and press N."),
    "nothing_on_air": _l("Nothing is on air."),
    "no_selection": _l("Select a case first (↑ / ↓)."),
    "not_possible": _l("“{action}” is not possible for an item that is {state}."),
    "connection_lost": _l("Connection lost — reconnecting. What you see may be out of date; actions still go through."),
    "reconnected": _l("Reconnected; the console is up to date."),
    "online_for": _l("online {duration}"),
    "offline_for": _l("offline {duration}"),
    "seconds": _l("{n} s"),
    "minutes": _l("{n} min"),
    "hours": _l("{h} h {m} min"),
    "shows_version": _l("shows v{version}"),
    "behind": _l("behind: v{version} of v{current}"),
    "no_version": _l("version not reported"),
    "you": _l("you"),
    "no_displays": _l("No display has connected to this episode yet."),
    "reload_sent": _l("Reload sent to {name}."),
    "reload_missed": _l("{name} is offline; nothing was sent."),
    "over": _l("over {time}"),
    "left": _l("{time} left"),
    "late": _l("{time} late"),
    "early": _l("{time} early"),
    "on_time": _l("on time"),
    "no_plan": _l("no planned time"),
    "ask_clear_title": _l("Clear the screen?"),
    "ask_clear_body": _l("Every display will show the neutral standby frame (programme title and logo). "
                         "The running order is not touched."),
    "ask_clear_confirm": _l("Clear screen"),
    "already_cleared": _l("The screen is already cleared. Press “Resume” to bring it back."),
    "screen_cleared": _l("Screen cleared: every display shows the standby frame."),
    "screen_resumed": _l("Displays resumed."),
    "ask_end_title": _l("End the episode?"),
    "ask_end_body": _l("The case on air is marked done and the running order closes. This cannot be undone."),
    "ask_end_confirm": _l("End the episode"),
    "ask_remove_title": _l("Remove this case from the running order?"),
    "ask_remove_confirm": _l("Remove"),
    "cancel": _l("Cancel"),
    "searching": _l("Searching…"),
    "no_match": _l("No case matches."),
    "pool_hint": _l("Cases waiting in the pool"),
    "in_rundown": _l("in the running order"),
    "added": _l("Added: {ref} {title}"),
    "committed": _l("Commitment recorded: {name} — {content}"),
    "check_fields": _l("Please correct the marked fields."),
    "required": _l("Required."),
    "no_aired_case": _l("Take a case on air to record its commitments."),
    "case_changed": _l("The case on air has changed. This commitment is still for {ref}."),
    "on_air_marker": _l("on air"),
    "strap_case": _l("Case: {title}"),
    "strap_commitment": _l("Commitment: {who} — {content}"),
    "strap_quote": _l("Quote: “{quote}” — {who}"),
    "strap_nothing_cued": _l("Nothing cued."),
    "strap_nothing_on_air": _l("No strap on air."),
    "strap_out_in": _l("out in {n} s"),
    "undone": _l("Undone: {description}"),
    "undone_plain": _l("The last action has been undone."),
    "undo_ended": _l("The show has ended: nothing can be undone."),
    "show_ended": _l("The show has ended: on-air actions are switched off."),
    "ask_start_title": _l("The show has not started. Start it now?"),
    "ask_start_body": _l("The episode's clock starts now, then the case goes on air."),
    "ask_start_confirm": _l("Start the show and take"),
    "corrected": _l("Correction saved: {name}"),
    "withdrawn": _l("Commitment withdrawn: {name}"),
    "reason_required": _l("Say why it is withdrawn."),
    "plan_label": _l("Planned time of {title} (minutes, or m:ss)"),
    "plan_invalid": _l("Planned time: minutes (7.5) or minutes:seconds (7:30), at most 6 hours."),
    "days_later": _l("in {n} days"),
    "followup_tag": _l("Follow-up"),
    "followup_count": _l("{count} commitments"),
}

# The displays panel: which output a display is, its layout, and how far behind it is.
DISPLAY_MESSAGES = {
    "modes": {"program": _l("Programme"), "preview": _l("Preview")},
    "layouts": {"board": _l("Big screen"), "lower-third": _l("Lower third"), "commitments": _l("Commitments screen"),
                "poll": _l("Poll screen"), "timer": _l("Presenter timer")},
    "in_sync": _l("in sync (v{version})"),
    "syncing": _l("updating to v{current}…"),
    "lag": _l("{lag} behind: shows v{version} of v{current}"),
    "last_showed": _l("last showed v{version}"),
    "forgotten": _l("{name} is no longer listed."),
    "forget_refused": _l("{name} is connected; it stays listed."),
}


def console_messages() -> dict:
    """The console's words in the visitor's language, for the page's JSON data block."""
    return {
        "states": {key: str(label) for key, label in STATE_LABELS.items()},
        "actions": {key: str(label) for key, label in ACTION_LABELS.items()},
        "conflicts": {key: str(label) for key, label in CONFLICTS.items()},
        "episode_status": {key: str(label) for key, label in EPISODE_STATUS_LABELS.items()},
        **{key: str(label) for key, label in MESSAGES.items()},
        "displays": _strings(DISPLAY_MESSAGES),
    }


def _strings(words: dict) -> dict:
    return {key: _strings(value) if isinstance(value, dict) else str(value) for key, value in words.items()}

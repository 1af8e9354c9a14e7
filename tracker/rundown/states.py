"""The running order's state machine: the one table of allowed moves (PRODUCT.md)."""
from __future__ import annotations

from ..models import ItemState

Q, SB, ON, DONE, SKIP, HELD = (ItemState.QUEUED, ItemState.STANDBY, ItemState.ON_AIR, ItemState.DONE,
                               ItemState.SKIPPED, ItemState.HELD)

# action → (states it may start from, state it leads to)
MOVES: dict[str, tuple[frozenset[ItemState], ItemState]] = {
    "take": (frozenset({Q, SB, DONE, SKIP, HELD}), ON),
    "standby": (frozenset({Q, HELD, SKIP}), SB),
    "done": (frozenset({ON}), DONE),
    "skip": (frozenset({Q, SB, HELD}), SKIP),
    "hold": (frozenset({Q, SB}), HELD),
    "requeue": (frozenset({HELD, SKIP, DONE}), Q),
}
ACTIONS = tuple(MOVES)


def target_state(action: str, current: ItemState) -> ItemState | None:
    """Where `action` takes an item in state `current`, or None if the move is not allowed."""
    sources, target = MOVES[action]
    return target if current in sources else None

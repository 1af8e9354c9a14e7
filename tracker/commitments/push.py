"""After a commitment changed: the displays that show it get the new state."""
from __future__ import annotations

from ..followup.service import episodes_showing
from ..realtime import publish_state


def publish_commitment(commitment_id: int) -> None:
    """Push the state of every coming episode whose follow-up board shows this commitment.
    Call after the change is committed (API and pages alike)."""
    for episode_id in episodes_showing(commitment_id):
        publish_state(episode_id)

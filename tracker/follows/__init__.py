"""Citizens following a commitment by email (double opt-in, one-click unsubscribe)."""

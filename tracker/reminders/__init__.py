"""Daily reminder digests for departments: stored as workspace notifications, sent by email."""

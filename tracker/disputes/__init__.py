"""A follower's "not resolved" (群众反映未解决) on a verified commitment, and the supervisor's answer."""

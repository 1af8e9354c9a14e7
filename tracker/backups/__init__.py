"""`tracker backup FILE` and `tracker restore FILE`: the database and the uploaded evidence."""

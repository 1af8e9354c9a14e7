"""Assignment letters (交办函): what each department is sent after an episode."""

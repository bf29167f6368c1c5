"""``arena bench``: run (the measures and their table), data (the synthetic contest and its
results), serve (the HTTP load against a served copy)."""

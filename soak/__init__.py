"""The reliability suite (issue 11 §8): kill -9 at random moments, the same action from
several processes at once, and generated malformed input for every reader. ``make soak`` runs
it with bounded counts (``python -m soak``) and prints its figures; the small versions of the
same trials run in ``make test`` (tests/reliability/). Everything runs in temporary folders,
on SQLite and (when ``OPPGJOR_TEST_POSTGRES_URL`` is set) on a schema of its own in a local
PostgreSQL."""

"""The ISF year rules, written as Polars expressions (ADR 0010): :mod:`.record` holds the
rules over one record (run before the weights are joined), :mod:`.patient` the rules over a
patient's records together (team special codes, care pathways; run after), :mod:`.common`
what both share."""

"""Use cases: one function per user action, wiring the domain and the store."""

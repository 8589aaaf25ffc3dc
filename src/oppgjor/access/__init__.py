"""Who may do what: users and their roles, tokens with scopes, booking clients (ADR 0019)."""

"""Access's adapters: password hashing (Argon2)."""

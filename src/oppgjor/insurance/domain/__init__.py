"""The insurer channel's domain (pure: the standard library, core and clinic's domain)."""

"""The rules of access, pure: roles, permissions, scopes and who is asking."""

"""Pure shared kernel: money, identifiers, code lists, findings, periods."""

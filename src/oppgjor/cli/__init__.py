"""The ``oppgjor`` command line (Typer + Rich): parse input, call a use case, render."""

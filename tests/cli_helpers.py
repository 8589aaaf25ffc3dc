"""Helpers for CLI tests."""

import json


def js(result):
    """The JSON a successful command printed."""
    assert result.exit_code == 0, result.output
    return json.loads(result.output)

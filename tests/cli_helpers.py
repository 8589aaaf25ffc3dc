"""Helpers for CLI tests."""

import json

# the organisation number of the demo clinic `demo seed` makes (seed 2026); a certificate that
# signs for it must carry it
DEMO_ORG_NR = "904571784"


def js(result):
    """The JSON a successful command printed."""
    assert result.exit_code == 0, result.output
    return json.loads(result.output)

"""Helpers for CLI tests."""

import json

# the organisation number of the demo clinic `demo seed` makes (seed 2026); a certificate that
# signs for it must carry it
DEMO_ORG_NR = "904571784"


def js(result):
    """The JSON a successful command printed."""
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def controlled(result):
    """The JSON of `settlement control`: exit 0 when clean, 4 (saved with BLOCKING findings)
    when not."""
    data = json.loads(result.output)
    assert result.exit_code == (4 if data["blocking"] else 0), result.output
    return data

"""kill -9 at random moments (issue 11 §8), four kills in all (`make soak`: 210): an import
is whole or nothing, the inbox loses and doubles no receipt, and a killed `helfo send` never
leads to two messages for one sending."""

from __future__ import annotations

import random

from soak import kills
from soak.figures import Figures


def test_a_killed_import_is_whole_or_nothing(world):  # type: ignore[no-untyped-def]
    figures = Figures()
    rng = random.Random(1)
    kills.import_kills(world, "patient", 1, rng, figures.trial("patient"))
    kills.import_kills(world, "appointment", 1, rng, figures.trial("appointment"))
    assert [t.runs for t in figures.trials] == [1, 1]
    assert figures.totals() == {}, figures.table()


def test_a_killed_inbox_loses_and_doubles_no_receipt(world):  # type: ignore[no-untyped-def]
    trial = Figures().trial("inbox")
    kills.inbox_kills(world, 1, random.Random(2), trial, batch=4)
    assert trial.runs == 1
    assert dict(trial.failures) == {}, trial.examples


def test_a_killed_send_never_sends_twice(world):  # type: ignore[no-untyped-def]
    trial = Figures().trial("send")
    kills.send_kills(world, 1, random.Random(3), trial, timed=True)  # at the file's appearance
    assert trial.runs == 1
    assert dict(trial.failures) == {}, trial.examples

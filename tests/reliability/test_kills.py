"""kill -9 at random moments (issue 11 §8), two kills here (`make soak`: 210): an import is
whole or nothing, the inbox loses and doubles no receipt. The kills of `helfo send` are in
tests/crash (at its durable steps; `make soak` also at random moments)."""

from __future__ import annotations

import random

from soak import kills
from soak.figures import Figures


def test_a_killed_import_is_whole_or_nothing(world):  # type: ignore[no-untyped-def]
    figures = Figures()
    rng = random.Random(1)
    kills.import_kills(world, "patient", 1, rng, figures.trial("patient"))
    assert [t.runs for t in figures.trials] == [1]  # make soak: 52 each, appointments too
    assert figures.totals() == {}, figures.table()


def test_a_killed_inbox_loses_and_doubles_no_receipt(world):  # type: ignore[no-untyped-def]
    trial = Figures().trial("inbox")
    kills.inbox_kills(world, 1, random.Random(2), trial, batch=4)
    assert trial.runs == 1
    assert dict(trial.failures) == {}, trial.examples

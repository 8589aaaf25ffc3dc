"""Generated malformed input for every reader (issue 11 §3, §8), 2 400 inputs in all: each
reader says no only in its documented way, and a rejected import writes nothing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from soak import fuzz, seeds
from soak.figures import Figures
from soak.world import World, copied_world

PER_READER = 400


@pytest.fixture(scope="module")
def examples(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[bytes]]:
    with copied_world(template, tmp_path_factory.mktemp("fuzz-seeds") / "world") as world:
        return {**seeds.records_seeds(world), **seeds.message_seeds(world)}


def _fuzz(examples: dict[str, list[bytes]], name: str, world: World | None) -> dict[str, int]:
    trial = Figures().trial(name)
    db = world.open() if world is not None else None
    try:
        fuzz.fuzz({name: examples[name]}, PER_READER, random.Random(name), {name: trial}, db, 100)
    finally:
        if db is not None:
            db.dispose()
    assert trial.runs == PER_READER
    return dict(trial.failures)


@pytest.mark.parametrize("name", ["apprec", "bkm", "kuhr", "npr"])
def test_message_readers_say_no_only_their_way(examples, name):  # type: ignore[no-untyped-def]
    assert _fuzz(examples, name, None) == {}


@pytest.mark.parametrize("name", ["csv", "json"])
def test_record_files_are_refused_with_findings(examples, world, name):  # type: ignore[no-untyped-def]
    assert _fuzz(examples, name, world) == {}


def test_the_generator_damages_every_example(examples):  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    for pool in examples.values():
        for data in pool:
            assert any(fuzz.mutate(rng, data, pool) != data for _ in range(3))
    assert Path(fuzz.__file__).name == "fuzz.py"

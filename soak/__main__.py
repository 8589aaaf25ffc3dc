"""``make soak``: every trial with bounded counts, then the figures; exit 1 when any figure
that must be zero is not. ``python -m soak --help`` for the counts."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from soak import fuzz, kills, races, seeds
from soak.figures import Figures, Trial
from soak.world import (
    Settlements,
    World,
    copied_world,
    postgres_url,
    postgres_world,
    seed,
    sqlite_world,
)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__)
    parser.add_argument("--kills", type=int, default=210, help="kill -9 in all (over 5 trials)")
    parser.add_argument(
        "--race-rounds", type=int, default=4, help="rounds of every race per database"
    )
    parser.add_argument("--contenders", type=int, default=3)
    parser.add_argument("--fuzz", type=int, default=100_000, help="generated malformed inputs")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def main() -> int:
    args = _args()
    rng = random.Random(args.seed)
    figures = Figures()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="oppgjor-soak-") as tmp:
        root = Path(tmp)
        with sqlite_world(root / "template") as template:
            seed(template)

        def fresh(name: str) -> AbstractContextManager[World]:
            return copied_world(root / "template", root / name)

        share = args.kills // 4  # inbox and the two imports; the rest: send, half timed
        rest = args.kills - 3 * share
        trials: list[tuple[str, Callable[[World, Trial], None]]] = [
            ("kill helfo inbox", lambda w, t: kills.inbox_kills(w, share, rng, t)),
            ("kill patient import", lambda w, t: kills.import_kills(w, "patient", share, rng, t)),
            (
                "kill appointment import",
                lambda w, t: kills.import_kills(w, "appointment", share, rng, t),
            ),
            ("kill helfo send", lambda w, t: kills.send_kills(w, rest // 2, rng, t)),
            (
                "kill helfo send (at the file)",
                lambda w, t: kills.send_kills(w, rest - rest // 2, rng, t, timed=True),
            ),
        ]
        for name, run in trials:
            _timed(name, started)
            with fresh(name.replace(" ", "-")) as world:
                run(world, figures.trial(name))
        _race_all(args, figures, fresh, root, started)
        _timed("fuzz", started)
        with fresh("fuzz") as world:
            examples = {**seeds.records_seeds(world), **seeds.message_seeds(world)}
            readers = {name: figures.trial(f"fuzz {name}") for name in sorted(examples)}
            db = world.open()
            fuzz.fuzz(examples, args.fuzz, rng, readers, db)
            db.dispose()
    print()
    print(figures.table())
    print(f"\ntime: {time.monotonic() - started:.0f} s")
    return 1 if figures.failed() else 0


def _race_all(
    args: argparse.Namespace,
    figures: Figures,
    fresh: Callable[[str], AbstractContextManager[World]],
    root: Path,
    started: float,
) -> None:
    backends: list[tuple[str, Callable[[], AbstractContextManager[World]]]] = [
        ("sqlite", lambda: fresh("races-sqlite"))
    ]
    if postgres_url():
        backends.append(("postgresql", lambda: postgres_world(root / "races-pg")))
    else:
        print("OPPGJOR_TEST_POSTGRES_URL is not set: races on SQLite only", file=sys.stderr)
    for backend, make in backends:
        _timed(f"races on {backend}", started)
        with make() as world:
            if backend == "postgresql":
                seed(world)
            db = world.open()
            ready = Settlements(db)
            trials = {r.name: figures.trial(f"race {r.name} ({backend})") for r in races.RACES}
            for _ in range(args.race_rounds):
                for race in races.RACES:
                    races.run_race(world, db, ready, race, args.contenders, trials[race.name])
            db.dispose()


def _timed(what: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.0f} s] {what}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())

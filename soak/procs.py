"""Running the ``oppgjor`` command in a subprocess, and killing it (SIGKILL) after a delay."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from soak.world import World

OPPGJOR = Path(sys.executable).parent / "oppgjor"
TIMEOUT = 180


@dataclass(frozen=True)
class Run:
    code: int
    output: str
    killed: bool
    seconds: float


def oppgjor(
    world: World,
    *args: str,
    kill_after: float | None = None,
    kill_when: Callable[[], bool] | None = None,
) -> Run:
    """Run ``oppgjor ARGS`` on *world*; kill -9 it after *kill_after* seconds, or as soon as
    *kill_when* says so (polled), if still running."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(OPPGJOR), *args],
        env=world.env,
        cwd=world.folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    if kill_when is not None:
        while proc.poll() is None and time.monotonic() - started < TIMEOUT:
            if kill_when():
                proc.kill()
                out, _ = proc.communicate()
                return Run(proc.returncode, out.decode("utf-8", "replace"), True, 0.0)
            time.sleep(0.0005)
    killed = False
    try:
        out, _ = proc.communicate(timeout=kill_after if kill_after is not None else TIMEOUT)
    except subprocess.TimeoutExpired:
        if kill_after is None:
            proc.kill()
            out, _ = proc.communicate()
            return Run(-9, out.decode("utf-8", "replace") + "\n[timeout]", True, TIMEOUT)
        proc.kill()
        out, _ = proc.communicate(timeout=TIMEOUT)
        killed = True
    return Run(proc.returncode, out.decode("utf-8", "replace"), killed, time.monotonic() - started)

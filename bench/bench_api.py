"""Load on the HTTP API: ``oppgjor serve`` on loopback with the demo clinic, and a load
generator (another process) sending free-slot searches and claim lists at a fixed rate.

Open loop: a request is sent every 1/RATE seconds whatever the answers do, so a slow server
shows as latency, not as a lower rate. Prints p50 / p99 / max latency, the rate reached and
the number of errors (any status but 200, or no answer). Goal (issue 13): p99 < 50 ms and no
errors at 200 requests/s for 30 s on a 2-core machine.

``python bench/bench_api.py [--rate 200] [--seconds 30] [--workers 2]``
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from oppgjor.access.domain.roles import Role
from oppgjor.app import access
from oppgjor.app.clinic import demo, schedule
from oppgjor.clinic.domain.schedule import Service, WeeklyHours
from oppgjor.store import Database

PASSWORD = "bench-passord-1"
CLAIM_LIST = "/api/v1/claims/waiting?limit=50"  # the claims waiting for a settlement


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The demo clinic, a user and a booking client with their tokens; the requests to send
    as (name, token key, path)."""
    db = Database(url)
    now = datetime.datetime.now().replace(microsecond=0)
    demo.seed(db, now=now)
    access.create_user(db, "bench", role=Role.SETTLEMENT_OFFICE, password=PASSWORD,
                       actor="bench", now=now)  # fmt: skip
    office = access.create_token(db, "bench", username="bench", scopes=["read"], actor="bench",
                                 now=now)  # fmt: skip
    tokens = {"office": office.value}
    slots = booking_requests(db, now, tokens)
    claims = [("claim list", "office", CLAIM_LIST)] * len(slots)
    requests = [r for pair in zip(slots, claims, strict=True) for r in pair]
    db.dispose()
    return tokens, requests


def booking_requests(
    db: Database, now: datetime.datetime, tokens: dict[str, str]
) -> list[tuple[str, str, str]]:
    """An insurer's client asking for the free slots of a 30-minute service given by five of
    the demo clinic's practitioners (who work weekdays 08–16, between the demo's
    appointments), over the next seven days, each request a day later than the one before."""
    givers = ["B01", "B02", "B03", "B04", "B05"]
    access.create_client(db, "IF", "If Skadeforsikring", actor="bench", now=now)
    for ref in givers:
        for weekday in range(5):
            schedule.add_hours(db, WeeklyHours(ref, weekday, datetime.time(8),
                                               datetime.time(16), now.date()),
                               actor="bench", now=now)  # fmt: skip
    schedule.add_service(db, Service("FYS30", "Fysioterapi 30 min", 30,
                                     price=Decimal("850.00"), practitioner_refs=frozenset(givers),
                                     client_refs=frozenset({"IF"})),
                         actor="bench", now=now)  # fmt: skip
    tokens["insurer"] = access.create_token(db, "bench", client_ref="IF", scopes=["booking"],
                                            actor="bench", now=now).value  # fmt: skip
    requests = []
    for day in range(14):
        first = now.date() + datetime.timedelta(days=day + 1)
        last = first + datetime.timedelta(days=7)
        path = f"/api/v1/booking/slots?service=FYS30&from={first}T00:00&to={last}T00:00"
        requests.append(("free-slot search", "insurer", path))
    return requests


async def load(port: int, tokens: dict[str, str], requests: list[tuple[str, str, str]],
               rate: float, seconds: float) -> tuple[list[float], int, float]:  # fmt: skip
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                 timeout=10) as client:  # fmt: skip

        async def one(n: int) -> None:
            nonlocal errors
            _, who, path = requests[n % len(requests)]
            t0 = time.perf_counter()
            try:
                r = await client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - t0)
            errors += 0 if ok else 1

        tasks = []
        start = time.perf_counter()
        total = int(rate * seconds)
        for n in range(total):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return latencies, errors, total / elapsed


def _wait_up(port: int) -> None:
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2, help="oppgjor serve --workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/api.db"
        tokens, requests = prepare(url)
        port = _free_port()
        env = {**os.environ, "OPPGJOR_DATABASE_URL": url}
        oppgjor = str(Path(sys.executable).parent / "oppgjor")
        command = [oppgjor, "serve", "--port", str(port), "--workers", str(args.workers)]
        server = subprocess.Popen(command, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            _wait_up(port)
            asyncio.run(load(port, tokens, requests, args.rate, 2))  # warm up
            latencies, errors, reached = asyncio.run(
                load(port, tokens, requests, args.rate, args.seconds)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    names = ", ".join(sorted({name for name, _, _ in requests}))
    print(f"API load: {names}; {args.rate:.0f} requests/s for {args.seconds:.0f} s on loopback "
          f"(SQLite, demo clinic; {args.workers} server workers)")  # fmt: skip
    print(f"  {len(ms)} requests, reached {reached:.0f}/s; p50 {statistics.median(ms):.1f} ms, "
          f"p99 {p99:.1f} ms, max {ms[-1]:.1f} ms; errors {errors}")  # fmt: skip
    print("  goal: p99 < 50 ms, 0 errors")


if __name__ == "__main__":
    main()

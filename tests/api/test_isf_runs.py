"""ISF runs over HTTP as background jobs: upload, poll, summary and records; a run does not
block the server; a bad file fails the run (or is refused at once) and changes nothing else."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oppgjor.app.isf import jobs as isf_jobs
from oppgjor.app.isf import runs
from tests.api.conftest import World

YEAR = 2020  # the year whose somatic unit price and share are public
RUNS = "/api/v1/isf/runs"


@pytest.fixture(autouse=True)
def work_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    monkeypatch.setenv("OPPGJOR_WORK_DIR", str(folder))
    return folder


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "aktivitet.csv"
    runs.write_demo_activity(YEAR, 300, path)
    return path


def upload(api: World, path: Path, who: str = "settlementoffice", **form: Any) -> Any:
    with path.open("rb") as handle:
        return api.as_(who).post(
            RUNS, files={"activity": (path.name, handle.read(), "text/csv")},
            data={"year": str(YEAR), **form},
        )  # fmt: skip


def wait(api: World, location: str, seconds: float = 60) -> dict[str, Any]:
    """Poll the run until it has ended; its last state."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run = api.as_("readonly").get(location).json()
        if run["state"] in ("done", "failed"):
            return dict(run)
        time.sleep(0.05)
    raise AssertionError(f"the run did not end in {seconds} s")


def test_a_run_on_the_demo_activity_gives_what_compute_gives(api: World, demo: Path) -> None:
    started = upload(api, demo)
    assert started.status_code == 202
    location = started.headers["location"]
    assert location == f"{RUNS}/{started.json()['id']}"
    assert started.json()["state"] in ("queued", "running", "done")
    run = wait(api, location)
    assert run["state"] == "done" and run["progress_percent"] == 100
    assert run["created_by"] == "settlementoffice" and run["file_name"] == "aktivitet.csv"
    expected = runs.compute(YEAR, demo)
    assert run["records"] == expected.records == 300
    assert run["findings"] == expected.findings
    summary = api.as_("readonly").get(f"{location}/summary").json()
    rows = [(r["area"], r["month"], r["code"], r["institution"], r["records"], r["points"],
             r["kroner"]) for r in summary["rows"]]  # fmt: skip
    assert rows == [(r.area, r.month, r.code, r.institution, r.records, str(r.points),
                     str(r.kroner)) for r in expected.summary]  # fmt: skip
    assert summary["totals"] == {
        a: {"points": str(p), "kroner": str(k)} for a, (p, k) in expected.totals.items()
    }
    assert [t["code"] for t in summary["top_codes"]] == [t.code for t in expected.top_codes]
    assert summary["synthetic_weights"] is True
    assert summary["findings_by_code"] == expected.findings_by_code


def test_records_come_in_pages_and_as_csv(api: World, demo: Path) -> None:
    location = upload(api, demo).headers["location"]
    assert wait(api, location)["state"] == "done"
    page = api.as_("readonly").get(f"{location}/records", params={"offset": 290, "limit": 20})
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == 300 and body["offset"] == 290 and len(body["items"]) == 10
    assert {"patient_id", "points", "drg", "finding"} <= body["items"][0].keys()
    download = api.as_("readonly").get(f"{location}/records.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    lines = download.text.splitlines()
    assert len(lines) == 301 and lines[0].startswith("row,")


def test_national_ids_in_the_activity_are_masked_in_every_answer(
    api: World, tmp_path: Path
) -> None:
    path = tmp_path / "med-fnr.csv"
    path.write_text(
        "patient_id,institution,date_in,area,drg,care_level\n"
        f"15058612345,974589095,{YEAR}-03-02,somatic,442,3\n",
        encoding="utf-8",
    )
    location = upload(api, path).headers["location"]
    assert wait(api, location)["state"] == "done"
    page = api.as_("readonly").get(f"{location}/records").json()
    assert page["items"][0]["patient_id"] == "150586*****"
    download = api.as_("readonly").get(f"{location}/records.csv").text
    assert "15058612345" not in download and "150586*****" in download


def test_a_run_does_not_block_the_server(
    api: World, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    go_on = threading.Event()
    real = runs.compute

    def slow(*args: Any, **kwargs: Any) -> runs.ComputeResult:
        assert go_on.wait(30), "the test never let the run go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(isf_jobs.runs, "compute", slow)
    location = upload(api, demo).headers["location"]
    try:
        end = time.monotonic() + 10
        while api.as_("readonly").get(location).json()["state"] != "running":
            assert time.monotonic() < end
            time.sleep(0.02)
        before = time.monotonic()
        me = api.as_("readonly").get("/api/v1/me")
        assert me.status_code == 200 and time.monotonic() - before < 2
        assert api.as_("readonly").get(f"{location}/summary").status_code == 409
    finally:
        go_on.set()
    assert wait(api, location)["state"] == "done"


def _runs(api: World) -> list[dict[str, Any]]:
    return list(api.as_("readonly").get(RUNS).json()["items"])


def test_a_file_that_cannot_be_read_fails_the_run_with_the_reason(
    api: World, tmp_path: Path
) -> None:
    path = tmp_path / "feil.csv"
    path.write_text("pasient;dato\n1;2020-01-01\n", encoding="utf-8")
    location = upload(api, path).headers["location"]
    run = wait(api, location)
    assert run["state"] == "failed"
    assert "mangler kolonnene" in run["error"] and "patient_id" in run["error"]
    assert str(tmp_path) not in run["error"]
    assert api.as_("readonly").get(f"{location}/summary").status_code == 409
    assert api.as_("readonly").get(f"{location}/records").status_code == 409
    assert [r["id"] for r in _runs(api)] == [run["id"]]


def test_a_broken_parquet_file_fails_the_run_in_norwegian(api: World, tmp_path: Path) -> None:
    path = tmp_path / "ødelagt.parquet"
    path.write_bytes(b"PAR1 dette er ikke parquet")
    run = wait(api, upload(api, path).headers["location"])
    assert run["state"] == "failed" and run["error"].startswith("Filene kunne ikke leses")


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("aktivitet.txt", b"a,b\n", 422, "CSV, PARQUET, XML"),
        ("aktivitet.csv", b"", 422, "tom"),
    ],
)
def test_a_file_told_bad_at_once_is_refused_and_nothing_is_started(
    api: World, tmp_path: Path, work_dir: Path, name: str, content: bytes, status: int, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    r = upload(api, path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert words in r.json()["detail"]
    assert _runs(api) == []
    assert not work_dir.exists() or list(work_dir.iterdir()) == []


def test_an_upload_over_the_limit_is_413(
    api: World, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPPGJOR_ISF_MAX_UPLOAD_MB", "1")
    big = demo.with_name("stor.csv")
    big.write_bytes(demo.read_bytes() * (1 + 1024 * 1024 // demo.stat().st_size))
    r = upload(api, big)
    assert r.status_code == 413 and "1 MB" in r.json()["detail"]
    assert _runs(api) == []


def test_bad_form_values_are_422(api: World, demo: Path) -> None:
    assert upload(api, demo, year="1999").status_code == 422
    assert upload(api, demo, partition="4/4").status_code == 422
    assert upload(api, demo, partition="x").status_code == 422
    assert upload(api, demo, regroup="true").status_code == 422  # without definitions
    assert api.as_("settlementoffice").post(RUNS, json={}).status_code == 422
    assert _runs(api) == []


def test_a_reader_may_read_runs_but_not_start_one(api: World, demo: Path) -> None:
    assert upload(api, demo, who="readonly").status_code == 403
    assert api.as_("readonly").get(RUNS).status_code == 200
    assert _runs(api) == []


def test_the_files_of_a_run_are_the_owners_only(api: World, demo: Path, work_dir: Path) -> None:
    assert wait(api, upload(api, demo).headers["location"])["state"] == "done"
    (folder,) = work_dir.iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700
    modes = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}
    assert modes == {"activity.csv": 0o600, "records.csv": 0o600, "summary.csv": 0o600}


def test_a_retry_with_the_same_idempotency_key_starts_one_run(api: World, demo: Path) -> None:
    data = demo.read_bytes()

    def post() -> Any:
        return api.as_("administrator").post(
            RUNS, files={"activity": ("a.csv", data, "text/csv")}, data={"year": str(YEAR)},
            headers={"Idempotency-Key": "isf-1"},
        )  # fmt: skip

    first, again = post(), post()
    assert first.status_code == again.status_code == 202
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    assert len(_runs(api)) == 1
    wait(api, first.headers["location"])


def test_an_unknown_run_is_404(api: World) -> None:
    for suffix in ("", "/summary", "/records", "/records.csv"):
        assert api.as_("readonly").get(f"{RUNS}/424242{suffix}").status_code == 404


@pytest.fixture
def many(api: World, demo: Path) -> Iterator[list[str]]:
    locations = [upload(api, demo).headers["location"] for _ in range(3)]
    yield locations
    for location in locations:
        wait(api, location)


def test_runs_are_listed_newest_first_in_pages(api: World, many: list[str]) -> None:
    page = api.as_("readonly").get(RUNS, params={"limit": 2}).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert [f"{RUNS}/{r['id']}" for r in page["items"]] == many[::-1][:2]


def test_a_run_left_running_by_a_stopped_server_is_failed_when_the_server_starts(
    api: World,
) -> None:
    with api.db.transaction() as repos:
        left = repos.jobs.create(isf_jobs.KIND, {"year": YEAR}, "/borte", "kari", api.clock.now())
        repos.jobs.start(left, api.clock.now())
    restarted = World(api.db, api.clock)
    restarted.tokens = api.tokens
    with restarted.client:
        run = restarted.as_("readonly").get(f"{RUNS}/{left}").json()
    assert run["state"] == "failed" and "avbrutt" in run["error"]

"""The ISF pages: upload activity and run it as a background job, its progress as an htmx
fragment, the summary by area, month and DRG/STG/TFG, the downloads, bad input (a Norwegian
message and no run) and the roles that may not."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from oppgjor.app.isf import jobs as isf_jobs
from oppgjor.app.isf import runs
from tests.clinic_world import WORLD, load_world
from web.conftest import Site, htmx

YEAR = 2020  # a year whose somatic unit price and ISF share are published


@pytest.fixture(autouse=True)
def work_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    monkeypatch.setenv("OPPGJOR_WORK_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("isf") / "aktivitet.csv"
    runs.write_demo_activity(YEAR, 200, path)
    return path.read_bytes()


def start(client: TestClient, content: bytes, name: str = "aktivitet.csv",
          **form: Any) -> Any:  # fmt: skip
    return client.post("/isf/kjoringer", files={"activity": (name, content, "text/csv")},
                       data={"year": str(YEAR), **form})  # fmt: skip


def run_count(site: Site) -> int:
    return isf_jobs.runs_page(site.db, 0, 1)[1]


def wait(site: Site, run_id: int, seconds: float = 60) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        state = isf_jobs.run(site.db, run_id).state
        if state in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not end in {seconds} s")


def started(site: Site, client: TestClient, content: bytes) -> int:
    answer = start(client, content)
    assert answer.status_code == 303, answer.text
    match = re.fullmatch(r"/isf/kjoring/(\d+)", answer.headers["location"])
    assert match is not None
    return int(match[1])


def test_the_start_page_has_the_form_for_a_role_that_may_run(site: Site) -> None:
    answer = site.as_("settlement-office").get("/isf")
    assert answer.status_code == 200
    assert answer.text.count("<h1>") == 1 and "<title>ISF – oppgjor</title>" in answer.text
    assert 'action="/isf/kjoringer"' in answer.text
    assert 'enctype="multipart/form-data"' in answer.text
    for name in ("activity", "year", "weights", "settings", "definitions", "names", "regroup"):
        assert f'<label for="f-{name}">' in answer.text
    assert 'value="2026"' in answer.text  # this year: its prices are known (from 2024)
    assert "Ingen kjøringer ennå." in answer.text


def test_upload_runs_in_the_background_and_the_summary_follows(site: Site, demo: bytes) -> None:
    client = site.as_("settlement-office")
    run_id = started(site, client, demo)
    assert wait(site, run_id) == "done"
    page = client.get(f"/isf/kjoring/{run_id}")
    assert page.status_code == 200
    assert f"<h1>ISF-kjøring {run_id}</h1>" in page.text and "Kjøring " in page.text
    assert "Status: Ferdig" in page.text and 'value="100"' in page.text
    assert "hx-trigger" not in page.text  # done: no more polling
    expected = runs.compute(YEAR, _saved(site, run_id))
    assert "200" in page.text and "SYNTETISKE demovekter" in page.text
    for area, (_, kroner) in expected.totals.items():
        assert f"{kroner:,.2f}".replace(",", " ").replace(".", ",") in page.text, area
    assert page.text.count('<svg class="diagram"') == 2  # by month, by code
    assert "Per måned" in page.text and "Per DRG/STG/TFG" in page.text
    assert expected.top_codes[0].code in page.text
    for code, count in expected.findings_by_code.items():
        assert f"<code>{code}</code>" in page.text, count
    listed = client.get("/isf")
    assert f'href="/isf/kjoring/{run_id}"' in listed.text and "Ferdig" in listed.text
    assert "aktivitet.csv" in listed.text


def _saved(site: Site, run_id: int) -> Path:
    job = isf_jobs.run(site.db, run_id)
    assert job.folder is not None
    return Path(job.folder) / job.parameters["files"]["activity"]


def test_the_progress_fragment_polls_until_done(site: Site, demo: bytes) -> None:
    client = site.as_("read-only")
    office = site.as_("settlement-office")
    run_id = started(site, office, demo)
    fragment = client.get(f"/isf/kjoring/{run_id}/fremdrift", headers=htmx())
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="kjoring"')
    assert "<html" not in fragment.text and "<progress" in fragment.text
    state = isf_jobs.run(site.db, run_id).state
    if state not in ("done", "failed"):
        assert 'hx-trigger="every 1s"' in fragment.text
    wait(site, run_id)
    done = client.get(f"/isf/kjoring/{run_id}/fremdrift", headers=htmx())
    assert "hx-trigger" not in done.text and 'value="100"' in done.text
    assert "Per DRG/STG/TFG" in done.text


def test_results_download_as_csv(site: Site, demo: bytes) -> None:
    client = site.as_("read-only")
    run_id = started(site, site.as_("settlement-office"), demo)
    wait(site, run_id)
    records = client.get(f"/isf/kjoring/{run_id}/poster.csv")
    assert records.status_code == 200
    assert records.headers["content-type"] == "text/csv; charset=utf-8"
    assert records.headers["content-disposition"] == (
        f'attachment; filename="isf-{run_id}-poster.csv"'
    )
    lines = records.text.splitlines()
    assert len(lines) == 201 and "points" in lines[0] and "finding" in lines[0]
    summary = client.get(f"/isf/kjoring/{run_id}/sammendrag.csv")
    assert summary.status_code == 200
    assert summary.headers["content-disposition"] == (
        f'attachment; filename="isf-{run_id}-sammendrag.csv"'
    )
    assert summary.text.splitlines()[0].startswith("area,month,code")


def queued(site: Site) -> int:
    """A run waiting in the queue (no runner picks it up)."""
    with site.db.transaction() as repos:
        parameters = {"year": YEAR, "file_name": "x.csv", "files": {}}
        return repos.jobs.create(isf_jobs.KIND, parameters, None, "t", site.clock.now())


def test_the_list_of_runs_polls_while_one_is_unfinished(site: Site) -> None:
    client = site.as_("read-only")
    assert 'hx-get="/isf/kjoringer"' not in client.get("/isf").text
    run_id = queued(site)
    page = client.get("/isf")
    assert 'hx-get="/isf/kjoringer" hx-trigger="every 2s"' in page.text
    assert "I kø (0 %)" in page.text
    fragment = client.get("/isf/kjoringer", headers=htmx())
    assert fragment.status_code == 200
    assert fragment.text.startswith('<div id="kjoringsliste"') and "<html" not in fragment.text
    assert f'href="/isf/kjoring/{run_id}"' in fragment.text
    plain = client.get("/isf/kjoringer")
    assert plain.status_code == 303 and plain.headers["location"] == "/isf"


def test_the_start_page_shows_this_years_npr_deadlines(site: Site) -> None:
    page = site.as_("read-only").get("/isf")
    assert "NPR-frister 2026" in page.text
    assert page.text.count("<td>1.</td>") + page.text.count("<td>3.</td>") == 2


def test_pages_and_api_share_one_job_runner(site: Site, demo: bytes) -> None:
    run_id = started(site, site.as_("settlement-office"), demo)
    wait(site, run_id)
    assert site.app.state.job_runner is not None
    (web,) = [r.app for r in site.app.routes if isinstance(r, Mount)]
    assert getattr(web.state, "job_runner", None) is None  # no second runner (recover())
    api = site.as_("read-only").get(f"/api/v1/isf/runs/{run_id}")
    assert api.status_code == 200 and api.json()["state"] == "done"


def test_the_records_page_by_page(site: Site, demo: bytes) -> None:
    client = site.as_("read-only")
    run_id = started(site, site.as_("settlement-office"), demo)
    wait(site, run_id)
    assert f'href="/isf/kjoring/{run_id}/poster"' in client.get(f"/isf/kjoring/{run_id}").text
    first = client.get(f"/isf/kjoring/{run_id}/poster")
    assert first.status_code == 200 and first.text.count("<h1>") == 1
    assert "Post 1–50 av 200." in first.text and first.text.count("<tr>") == 51
    assert f'href="/isf/kjoring/{run_id}/poster?fra=50">Neste side' in first.text
    assert "Forrige side" not in first.text
    last = client.get(f"/isf/kjoring/{run_id}/poster?fra=150")
    assert "Post 151–200 av 200." in last.text and "Neste side" not in last.text
    assert f'href="/isf/kjoring/{run_id}/poster?fra=100">Forrige side' in last.text
    assert client.get(f"/isf/kjoring/{run_id}/poster?fra=-1").status_code == 422
    assert "Ingen poster her." in client.get(f"/isf/kjoring/{run_id}/poster?fra=900").text


def test_a_run_not_done_has_no_results_yet(site: Site) -> None:
    run_id = queued(site)
    client = site.as_("read-only")
    page = client.get(f"/isf/kjoring/{run_id}")
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.text
    assert "Status: I kø" in page.text and 'value="0"' in page.text
    answer = client.get(f"/isf/kjoring/{run_id}/poster.csv")
    assert answer.status_code == 409 and "er ikke ferdig" in answer.text
    assert client.get(f"/isf/kjoring/{run_id}/poster").status_code == 409
    assert client.get("/isf/kjoring/999999").status_code == 404


def test_a_file_that_is_not_activity_is_refused_in_norwegian(site: Site) -> None:
    client = site.as_("settlement-office")
    answer = start(client, b"%PDF-1.4 not activity", name="brev.pdf")
    assert answer.status_code == 422
    assert "Aktivitetsfilen må være CSV, PARQUET, XML" in answer.text
    assert "Ingen kjøring ble startet." in answer.text and "<h1>" in answer.text
    empty = start(client, b"", name="tom.csv")
    assert empty.status_code == 422 and "Aktivitetsfilen er tom." in empty.text
    none = client.post("/isf/kjoringer", data={"year": str(YEAR)})
    assert none.status_code == 422 and "Velg aktivitetsfilen" in none.text
    year = start(client, b"patient_id\n1\n", year="tjue")
    assert year.status_code == 422 and "Året må være et årstall" in year.text
    assert 'value="tjue"' in year.text  # what was typed stays in the form
    regroup = start(client, b"patient_id\n1\n", regroup="ja")
    assert regroup.status_code == 422 and "Omgruppering krever definisjonsdata" in regroup.text
    assert run_count(site) == 0


def test_a_file_that_turns_out_bad_fails_the_run_with_the_reason(site: Site) -> None:
    client = site.as_("settlement-office")
    run_id = started(site, client, b"dette,er\nikke,aktivitet\n")
    assert wait(site, run_id) == "failed"
    page = client.get(f"/isf/kjoring/{run_id}")
    assert "Status: Feilet" in page.text and "Kjøringen feilet:" in page.text
    assert "hx-trigger" not in page.text


def test_an_upload_over_the_limit_is_413(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPPGJOR_ISF_MAX_UPLOAD_MB", "1")
    answer = start(site.as_("settlement-office"), b"x" * (1024 * 1024 + 10))
    assert answer.status_code == 413 and "større enn 1 MB" in answer.text
    assert run_count(site) == 0


def test_roles_that_may_not(site: Site, demo: bytes) -> None:
    reader = site.as_("read-only")
    page = reader.get("/isf")
    assert page.status_code == 200 and 'action="/isf/kjoringer"' not in page.text
    assert "kan se kjøringene, men ikke starte nye" in page.text
    assert start(reader, demo).status_code == 403
    load_world(site.db, WORLD, site.clock.now())
    practitioner = site.as_("practitioner", practitioner=next(iter(WORLD["practitioners"])))
    assert practitioner.get("/isf").status_code == 403
    assert practitioner.get("/isf/kjoring/1").status_code == 403
    assert run_count(site) == 0
    visitor = site.client().get("/isf")
    assert visitor.status_code == 303 and visitor.headers["location"] == "/logg-inn?neste=/isf"


def test_htmx_post_is_told_where_to_go(site: Site, demo: bytes) -> None:
    answer = site.as_("settlement-office").post(
        "/isf/kjoringer", files={"activity": ("a.csv", demo, "text/csv")},
        data={"year": str(YEAR)}, headers=htmx(),
    )  # fmt: skip
    assert answer.status_code == 204
    assert re.fullmatch(r"/isf/kjoring/\d+", answer.headers["hx-redirect"])


def _with_findings(demo: bytes) -> bytes:
    """The demo activity with a DRG the weights do not know (line 2) and a record of another
    year (line 3: counted, but left out of the results)."""
    lines = demo.decode().splitlines()
    column = lines[0].split(",").index("drg")
    values = lines[1].split(",")
    values[column] = "999X"
    lines[1] = ",".join(values)
    lines[2] = re.sub(r"\b2020-", "2019-", lines[2])
    return ("\n".join(lines) + "\n").encode()


def test_the_records_of_a_finding_code(site: Site, demo: bytes) -> None:
    client = site.as_("settlement-office")
    run_id = started(site, client, _with_findings(demo))
    assert wait(site, run_id) == "done"
    page = client.get(f"/isf/kjoring/{run_id}")
    for code in ("ISF_DRG_UNKNOWN_IN_YEAR", "ISF_OUTSIDE_YEAR"):
        assert f'href="/isf/kjoring/{run_id}/funn?kode={code}"' in page.text
    found = client.get(f"/isf/kjoring/{run_id}/funn?kode=ISF_DRG_UNKNOWN_IN_YEAR")
    assert found.status_code == 200
    assert f"<h1>Funn ISF_DRG_UNKNOWN_IN_YEAR i kjøring {run_id}</h1>" in found.text
    assert "har ingen vekt i årets vekttabell" in found.text
    assert found.text.count("<tr>") == 2  # the header and the one record
    assert "<code>999X</code>" in found.text and "1 poster har dette funnet" in found.text
    outside = client.get(f"/isf/kjoring/{run_id}/funn?kode=ISF_OUTSIDE_YEAR")
    assert outside.status_code == 200
    assert "Ingen poster i resultatet per post har dette funnet" in outside.text
    bad = client.get(f"/isf/kjoring/{run_id}/funn?kode=<script>")
    assert bad.status_code == 422 and "<script>" not in bad.text


def test_the_years_prices_from_a_settings_file(site: Site, demo: bytes) -> None:
    client = site.as_("settlement-office")
    settings = b"2020:\n  somatic: {unit_price: 10000, share: 1}\n"
    answer = client.post("/isf/kjoringer", data={"year": str(YEAR)}, files={
        "activity": ("a.csv", demo, "text/csv"),
        "settings": ("priser.yaml", settings, "application/yaml"),
        "weights": ("", b"", "application/octet-stream"),  # a file field left empty
    })  # fmt: skip
    assert answer.status_code == 303, answer.text
    run_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert wait(site, run_id) == "done"
    job = isf_jobs.run(site.db, run_id)
    points, kroner = job.result["totals"]["somatic"] if job.result else ("", "")
    assert Decimal(kroner) == Decimal(points) * 10000
    page = client.get(f"/isf/kjoring/{run_id}")
    assert f"{Decimal(kroner):,.2f}".replace(",", " ").replace(".", ",") in page.text
    bad = client.post("/isf/kjoringer", data={"year": str(YEAR)}, files={
        "activity": ("a.csv", demo, "text/csv"),
        "settings": ("priser.yaml", b"2020:\n  somatic: {unit_price: 1, share: 2}\n", "x/y"),
    })  # fmt: skip
    failed = int(bad.headers["location"].rsplit("/", 1)[1])
    assert wait(site, failed) == "failed"
    assert "Forventet form på innstillingsfilen" in client.get(f"/isf/kjoring/{failed}").text
    wrong = client.post("/isf/kjoringer", data={"year": str(YEAR)}, files={
        "activity": ("a.csv", demo, "text/csv"),
        "settings": ("priser.txt", b"x", "text/plain"),
    })  # fmt: skip
    assert wrong.status_code == 422 and "Innstillingsfilen må være YAML, YML" in wrong.text


def test_the_refund_for_a_sum_of_points(site: Site) -> None:
    client = site.as_("read-only")
    start_page = client.get("/isf")
    for name in ("aar", "poeng", "omrade"):
        assert f'<label for="f-{name}">' in start_page.text
    fragment = client.get("/isf/pris?aar=2020&poeng=155,11&omrade=somatic", headers=htmx())
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "3 552 639,44 kr" in fragment.text  # the 2020 worked example, to the øre
    assert "enhetspris 45 808,00 kr × ISF-andel 50 %" in fragment.text
    page = client.get("/isf/pris?aar=2020&poeng=155,11&omrade=somatic")  # without htmx
    assert page.status_code == 200 and page.text.count("<h1>") == 1
    assert "3 552 639,44 kr" in page.text and 'value="155,11"' in page.text
    bad = client.get("/isf/pris?aar=2020&poeng=mange&omrade=somatic", headers=htmx())
    assert bad.status_code == 422 and "Skriv poengsummen som et tall" in bad.text
    unknown = client.get("/isf/pris?aar=2019&poeng=1&omrade=somatic", headers=htmx())
    assert unknown.status_code == 422 and "ikke offentlige verdier" in unknown.text
    area = client.get("/isf/pris?aar=2020&poeng=1&omrade=tannhelse")
    assert area.status_code == 422 and "Velg området" in area.text

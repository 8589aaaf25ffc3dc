"""An ISF run as a background job: the uploaded activity (and the run's own weights,
settings, definitions and names, as ``isf compute`` takes them) is kept in the job's folder,
computed off the request thread (:mod:`oppgjor.app.jobs`), and its summary and per-record
results are read back from the folder while the row holds the totals.

A file that can be told bad at once (an unknown kind, empty, too large) is refused before
a job is made; one that turns out bad while it is read fails the job with the reason."""

from __future__ import annotations

import csv
import itertools
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from oppgjor.app import jobs
from oppgjor.app.errors import Conflict, UseCaseError
from oppgjor.app.isf import runs
from oppgjor.app.isf.uploads import (
    MAX_SMALL,
    Upload,
    UploadRefused,
    max_upload,
    save,
    suffix,
    without_folder,
)
from oppgjor.core.redact import redact
from oppgjor.isf.adapters import batch
from oppgjor.store import Database
from oppgjor.store.jobs import DONE, JobRow

log = logging.getLogger("oppgjor.isf")

KIND = "isf-run"
ACTIVITY_KINDS = (".csv", ".parquet", ".xml")
RECORDS, SUMMARY = "records.csv", "summary.csv"
STAGES = 5  # reading, points, summary, writing records (compute's steps), writing the summary
BAD_ROWS_KEPT = 1000


@dataclass(frozen=True)
class RunFiles:
    """The optional files of a run, as ``isf compute``'s options."""

    weights: Upload | None = None
    settings: Upload | None = None
    definitions: Upload | None = None
    names: Upload | None = None


def _store_files(folder: Path, activity: Upload, extra: RunFiles) -> dict[str, str]:
    """Save the uploads in *folder*; the names of the saved files, by option."""
    saved = {"activity": "activity" + suffix(activity, ACTIVITY_KINDS, "Aktivitetsfilen")}
    save(activity, folder / saved["activity"], max_upload(), "Aktivitetsfilen")
    optional = (
        ("weights", extra.weights, (".csv",), "Vekttabellen"),
        ("settings", extra.settings, (".yaml", ".yml"), "Innstillingsfilen"),
        ("definitions", extra.definitions, (".zip", ".json"), "Definisjonsdataene"),
        ("names", extra.names, (".csv",), "Navnefilen"),
    )
    for option, upload, kinds, what in optional:
        if upload is not None:
            saved[option] = option + suffix(upload, kinds, what)
            save(upload, folder / saved[option], MAX_SMALL, what)
    return saved


def start_run(
    db: Database, runner: jobs.Runner, year: int, activity: Upload, extra: RunFiles, *,
    regroup: bool = False, partition: tuple[int, int] | None = None, actor: str,
) -> JobRow:  # fmt: skip
    """Keep the files and queue the run; the queued job. Refused at once (nothing kept)
    when a file cannot be used or the options do not fit together."""
    if regroup and extra.definitions is None:
        raise UploadRefused("Omgruppering krever definisjonsdata (definitions).")
    if partition is not None and not 0 <= partition[0] < partition[1]:
        raise UploadRefused("Partisjon må være K/N med 0 <= K < N, f.eks. 0/4.")
    base = jobs.work_dir(db)
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = Path(tempfile.mkdtemp(prefix="isf-", dir=base))  # 0700
    try:
        saved = _store_files(folder, activity, extra)
        parameters = {"year": year, "files": saved, "regroup": regroup,
                      "partition": list(partition) if partition else None,
                      "file_name": redact(Path(activity.name).name)[:200]}  # fmt: skip
        with db.transaction() as repos:
            job_id = repos.jobs.create(KIND, parameters, str(folder), actor, runner.clock.now())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    runner.submit(job_id, lambda progress: _compute(folder, parameters, progress))
    return jobs.job(db, job_id, KIND)


def _compute(folder: Path, parameters: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    """The run (on a worker thread): a file that cannot be read fails it with the reason."""
    try:
        return _compute_in(folder, parameters, progress)
    except UseCaseError as exc:
        raise without_folder(exc, folder) from None
    except Exception as exc:  # the engine's errors on bad data are of many kinds (Polars')
        log.warning("ISF-kjøring i %s: %s", folder.name, redact(f"{type(exc).__name__}: {exc}"))
        why = redact(str(exc).replace(str(folder), "").splitlines()[0] if str(exc) else "")[:300]
        raise UseCaseError(
            f"Filene kunne ikke leses eller beregnes: {why or type(exc).__name__}."
        ) from None


def _compute_in(folder: Path, parameters: dict[str, Any], progress: jobs.Progress
                ) -> dict[str, Any]:  # fmt: skip
    files = {k: folder / v for k, v in parameters["files"].items()}
    stage = iter(range(STAGES))
    partition = parameters.get("partition")
    result = runs.compute(
        parameters["year"], files["activity"], weights_file=files.get("weights"),
        settings=files.get("settings"), output=folder / RECORDS,
        definitions=files.get("definitions"), regroup=parameters["regroup"],
        partition=tuple(partition) if partition else None, names=files.get("names"),
        step=lambda _: progress(next(stage, STAGES - 1), STAGES),
    )  # fmt: skip
    progress(STAGES - 1, STAGES)
    runs.write_summary(result.summary, folder / SUMMARY)
    for name in (RECORDS, SUMMARY):
        os.chmod(folder / name, 0o600)
    progress(STAGES, STAGES)
    return _result(result)


def _result(result: runs.ComputeResult) -> dict[str, Any]:
    """What the job's row keeps of a run: counts, totals and the largest codes."""
    codes = {r.code for r in result.summary}
    return {
        "records": result.records,
        "findings": result.findings,
        "findings_by_code": result.findings_by_code,
        "bad_row_count": len(result.bad_rows),
        "bad_rows": [[line, redact(why)] for line, why in result.bad_rows[:BAD_ROWS_KEPT]],
        "synthetic_weights": result.synthetic_weights,
        "warnings": [redact(w) for w in result.warnings],
        "totals": {a: [str(p), str(k)] for a, (p, k) in result.totals.items()},
        "top_codes": [[t.code, str(t.points), str(t.kroner)] for t in result.top_codes],
        "names": {c: n for c, n in result.names.items() if c in codes},
    }


# -- reading a run's results ---------------------------------------------------------------


def run(db: Database, run_id: int) -> JobRow:
    return jobs.job(db, run_id, KIND)


def runs_page(db: Database, offset: int, limit: int) -> tuple[list[JobRow], int]:
    return jobs.jobs(db, KIND, offset, limit)


def _finished(db: Database, run_id: int) -> tuple[JobRow, Path]:
    found = run(db, run_id)
    if found.state != DONE or found.folder is None:
        raise Conflict(f"Kjøring {run_id} er ikke ferdig ({found.state}); resultatet finnes ikke.")
    return found, Path(found.folder)


@dataclass(frozen=True)
class RunSummary:
    job: JobRow
    rows: list[batch.SummaryRow]  # per area, month, DRG/STG/TFG and institution


def summary(db: Database, run_id: int) -> RunSummary:
    """The summary of a finished run (as ``isf compute --summary``): kroner computed from
    the points with the run's prices, as the run did."""
    found, folder = _finished(db, run_id)
    settings = found.parameters["files"].get("settings")
    if not (folder / SUMMARY).is_file():
        raise UseCaseError(f"Resultatet av kjøring {run_id} er borte fra arbeidsmappen.")
    try:
        rows = runs.combine_summaries(
            found.parameters["year"], [folder / SUMMARY], folder / settings if settings else None
        )
    except UseCaseError as exc:
        raise without_folder(exc, folder) from None
    return RunSummary(found, rows)


def records(db: Database, run_id: int, offset: int, limit: int) -> tuple[list[dict[str, str]], int]:
    """A page of a finished run's per-record results (national ids masked), and how many
    records there are."""
    found, folder = _finished(db, run_id)
    try:
        with (folder / RECORDS).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            page = [
                {name: redact(value) for name, value in zip(header, row, strict=False)}
                for row in itertools.islice(reader, offset, offset + limit)
            ]
    except OSError:
        raise UseCaseError(f"Resultatet av kjøring {run_id} er borte fra arbeidsmappen.") from None
    return page, int((found.result or {}).get("records", 0))


def records_csv(db: Database, run_id: int) -> Iterator[str]:
    """Every line of a finished run's per-record results (CSV), national ids masked."""
    return _result_lines(db, run_id, RECORDS)


def summary_csv(db: Database, run_id: int) -> Iterator[str]:
    """Every line of a finished run's summary (CSV, as ``isf compute --summary`` writes it)."""
    return _result_lines(db, run_id, SUMMARY)


def _result_lines(db: Database, run_id: int, name: str) -> Iterator[str]:
    _, folder = _finished(db, run_id)
    path = folder / name
    if not path.is_file():
        raise UseCaseError(f"Resultatet av kjøring {run_id} er borte fra arbeidsmappen.")
    return _lines(path)


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            yield redact(line)


def points_total(rows: list[batch.SummaryRow]) -> Decimal:
    return sum((r.points for r in rows), Decimal(0))

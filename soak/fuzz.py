"""Generated malformed input for every reader (issue 11 §3, §8): a mutational generator
seeded from valid examples (fast: ~100 000 inputs in a few minutes). A reader may only say no
in its documented way — findings, or its error type — never with another exception; rejected
imports write nothing.

Mutations work on bytes: flips, inserts, deletions, repeats, truncation, splices of two
examples, and the values that broke readers before (non-UTF-8 text, deep nesting, fields over
the csv module's limit, 5 000-digit integers, ``1e30``, DTDs and entities, NUL)."""

from __future__ import annotations

import contextlib
import importlib
import random
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from oppgjor.app.clinic import records
from oppgjor.app.errors import Rejected
from oppgjor.clinic.adapters import record_files
from oppgjor.helfo.adapters.messages import apprec, bkm, kuhr_json, msghead, xml
from oppgjor.isf.adapters import npr
from oppgjor.store import Database
from soak.figures import REJECTED_WRITES, TRACEBACKS, Trial

MAX_BYTES = 400_000
TOKENS = [
    "æøå ÆØÅ".encode("cp1252"),
    b"\xff\xfe",
    b"\xc3",
    b"\x00",
    b"\r\n",
    b";",
    b",",
    b'"',
    b"'",
    b"9" * 5000,
    b"1e30",
    b"-1",
    b"99999999999999999999",
    b"NaN",
    b"Infinity",
    b"0x1F",
    b"[" * 5000,
    b'{"a":' * 3000,
    b"<a>" * 3000,
    b"x" * 140_000,
    "\u202e".encode(),
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    b"&b;",
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">',
    b"<![CDATA[",
    b"]]>",
    b"<!-- x -->",
    b"2026-02-30",
    b"2026-13-01",
    b"24:61",
    b"",
    b"null",
    b"true",
    b"{}",
    b"[]",
    b"09868123076",
    b"A" * 300,
]


def mutate(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3))):
        at = rng.randrange(len(out) + 1)
        op = rng.randrange(8)
        if op == 0 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif op == 1:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 2:
            del out[at : at + rng.randint(1, 64)]
        elif op == 3:
            span = out[at : at + rng.randint(1, 200)]
            out[at:at] = span * rng.randint(1, 50)
        elif op == 4:
            del out[at:]
        elif op == 5:
            other = rng.choice(others)
            cut = rng.randrange(len(other) + 1)
            out[at:] = other[cut:]
        else:  # a value replaced or inserted
            end = at
            while end < len(out) and chr(out[end]).isalnum():
                end += 1
            out[at:end] = rng.choice(TOKENS)
    return bytes(out[:MAX_BYTES])


# -- the readers and their documented ways of saying no --------------------------------------


def decoded(data: bytes, fmt: str) -> str | None:
    """The text of an import file as ``oppgjor KIND import`` reads it: with the product's
    decoding (issue 11 §3) when it has one, else as UTF-8 (what it did before)."""
    try:
        decoding = importlib.import_module("oppgjor.clinic.adapters.decoding")
    except ImportError:
        return data.decode("utf-8-sig")
    text: str | None = decoding.decode(data, csv_columns=fmt == "csv").text
    return text


def _record_reader(fmt: record_files.Format) -> Callable[[bytes, str], None]:
    def read(data: bytes, kind: str) -> None:
        text = decoded(data, fmt)
        if text is not None:  # None: refused with findings
            record_files.read(records._rows(kind), text, fmt)  # findings, never an exception

    return read


def _apprec(data: bytes, _: str) -> None:
    try:
        root = xml.parse(data)
        xml.validate(root, "apprec")
        apprec.parse(root)
    except ValueError:  # xml.XmlError and the parser's refusals (as the inbox reads it)
        pass


def _bkm(data: bytes, _: str) -> None:
    try:
        root = xml.parse(data)
        content = msghead.unwrap(root)[1] if root.tag.endswith("MsgHead") else root
        xml.validate(content, "bkm")
        bkm.parse(content)
    except xml.XmlError:
        pass


def _kuhr(data: bytes, _: str) -> None:
    # JSONDecodeError, UnicodeDecodeError, "Ukjent statussvar": all ValueError
    with contextlib.suppress(ValueError):
        kuhr_json.parse_status(kuhr_json.loads(data))


class _Npr:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "npr-melding.xml"

    def __call__(self, data: bytes, _: str) -> None:
        self.path.write_bytes(data)
        with contextlib.suppress(npr.NprError):
            npr.read(self.path)


def readers(folder: Path) -> dict[str, Callable[[bytes, str], None]]:
    return {
        "csv": _record_reader("csv"),
        "json": _record_reader("json"),
        "apprec": _apprec,
        "bkm": _bkm,
        "kuhr": _kuhr,
        "npr": _Npr(folder),
    }


# -- the run -----------------------------------------------------------------------------------


def fuzz(
    seeds: dict[str, list[bytes]],
    inputs: int,
    rng: random.Random,
    trials: dict[str, Trial],
    db: Database | None = None,
    import_every: int = 200,
) -> None:
    """*inputs* generated inputs, spread over the readers; every *import_every*-th CSV/JSON
    input is also imported into *db*: a rejected one must leave the records as they were."""
    kinds = [*seeds_kinds()]
    with tempfile.TemporaryDirectory() as tmp:
        table = readers(Path(tmp))
        names = sorted(set(table) & set(seeds))
        for n in range(inputs):
            name = names[n % len(names)]
            pool = seeds[name]
            index = rng.randrange(len(pool))
            kind = kinds[index % len(kinds)] if name in ("csv", "json") else ""
            data = mutate(rng, pool[index], pool)
            trial = trials[name]
            trial.runs += 1
            try:
                table[name](data, kind)
            except Exception as exc:
                _crashed(trial, exc)
            if db is not None and name in ("csv", "json") and n % import_every < 2:
                _import(db, kind, name, data, trial)


def _crashed(trial: Trial, exc: Exception, where: str = "") -> None:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    place = f"{Path(frame.filename).name}:{frame.lineno}"
    trial.fail(TRACEBACKS, f"{where}{type(exc).__name__} at {place}: {str(exc)[:150]}")
    trial.causes[f"{where}{type(exc).__name__} at {place}"] += 1


def seeds_kinds() -> tuple[str, ...]:
    from soak.seeds import KINDS

    return KINDS


def _fingerprint(db: Database, kind: str) -> str:
    return records.export_text(db, kind, mask=False)


def _import(db: Database, kind: str, fmt: str, data: bytes, trial: Trial) -> None:
    before = _fingerprint(db, kind)
    try:
        text = decoded(data, fmt)
        if text is not None:
            records.import_text(db, kind, text, "json" if fmt == "json" else "csv")
            return
    except Rejected:
        pass
    except Exception as exc:
        _crashed(trial, exc, "import: ")
    if _fingerprint(db, kind) != before:
        trial.fail(REJECTED_WRITES, f"{kind}: a rejected {fmt} file changed the records")

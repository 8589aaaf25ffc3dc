"""Helfo messages: building, validating, signing and writing a BKM of 10 000 claims, and
reading and applying 1 000 AppRec files (issue 4's figures).

Targets: BKM with 10 000 claims <= 2 s and <= 400 MB peak; 1 000 AppRecs <= 2 s. As the
floor to compare with: lxml alone parsing and serialising a message of the same size, and
one RSA-2048 signature.
"""

from __future__ import annotations

import datetime
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from bench_settlement import build_world
from oppgjor.app.helfo import exchange as hx
from oppgjor.app.helfo import inbox
from oppgjor.app.helfo import settlements as st
from oppgjor.clinic.domain.model import Practice
from oppgjor.helfo.adapters import folders as exchange
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import apprec, xml
from oppgjor.helfo.domain.model import Settlement, SettlementState, SettlementType
from oppgjor.store import Database

NOW = datetime.datetime(2026, 5, 5, 12)


def bkm_figures(tmp: Path) -> dict[str, float]:
    db = Database(f"sqlite:///{tmp}/b.db")
    build_world(db, 10_000)
    cert = tmp / "c.p12"
    cert.write_bytes(
        signing.make_test_certificate(
            "974760673", "Bench", b"pw", now=NOW.replace(tzinfo=datetime.UTC)
        )
    )
    with db.transaction() as repos:
        repos.save_practice(Practice("Benchklinikken", "974760673", "8141253",
                                     contact_email="oppgjor@bench.example"))  # fmt: skip
    hx.set_settings(db, folder=str(tmp / "helfo"), certificate=str(cert), secret="pw")
    s = st.new(db, SettlementType.BKM, actor="b", now=NOW)
    st.mark(db, s.id, st.Selection(add_all=True), actor="b", now=NOW)
    st.control(db, s.id, actor="b", now=NOW)
    st.submit(db, s.id, actor="b", now=NOW)
    t0 = time.perf_counter()
    result = hx.create_file(db, s.id, secret="pw", actor="b", now=NOW)
    total = time.perf_counter() - t0
    data = Path(result.path).read_bytes()
    t0 = time.perf_counter()
    root = etree.fromstring(data)
    etree.tostring(root)
    lxml_floor = time.perf_counter() - t0
    creds = signing.load_pkcs12(cert, b"pw")
    t0 = time.perf_counter()
    creds.key.sign(b"x" * 32, padding.PKCS1v15(), hashes.SHA256())
    rsa = time.perf_counter() - t0
    return {
        "claims": result.settlement.count,
        "seconds": total,
        "megabytes": len(data) / 1e6,
        "lxml": lxml_floor,
        "rsa": rsa,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def apprec_figures(tmp: Path, files: int = 1000) -> dict[str, float]:
    db = Database(f"sqlite:///{tmp}/a.db")
    build_world(db, files)
    hx.set_settings(db, folder=str(tmp / "helfo"))
    folders = hx.folders(hx.get_settings(db))
    folders.ensure()
    claims = st.waiting(db, SettlementType.BKM, now=NOW)
    with db.transaction() as repos:  # set-up: one sent settlement per claim, straight in
        for n, claim in enumerate(claims[:files]):
            sid = repos.helfo.settlements.add(
                Settlement(
                    0,
                    SettlementType.BKM,
                    NOW.date(),
                    SettlementState.SENT,
                    1,
                    claim.amount,
                    1,
                    NOW,
                    "bench",
                )
            ).id
            repos.helfo.settlements.add_members(sid, [claim.id or 0], NOW)
            msg_id = str(uuid.uuid4())
            repos.helfo.messages.add_sent(sid, msg_id, "utboks", "bench", NOW)
            rejected = (apprec.AppRecError("07", "Feil", str(claim.number)),) if n % 10 == 0 else ()
            receipt = apprec.AppRec(
                str(uuid.uuid4()), NOW, "3" if rejected else "1", rejected, msg_id
            )
            exchange.write_atomic(
                folders.inbox, f"r{n:05d}.xml", xml.serialise(apprec.build(receipt))
            )
    t0 = time.perf_counter()
    report = inbox.read_inbox(db, actor="bench", now=NOW)
    return {
        "files": len(report.applied),
        "quarantined": len(report.quarantined),
        "seconds": time.perf_counter() - t0,
    }


def main() -> None:
    if len(sys.argv) == 2:
        with tempfile.TemporaryDirectory() as tmp:
            figures = bkm_figures(Path(tmp)) if sys.argv[1] == "bkm" else apprec_figures(Path(tmp))
        print(json.dumps(figures))
        return
    run = [sys.executable, __file__]
    bkm = json.loads(
        subprocess.run([*run, "bkm"], capture_output=True, text=True, check=True).stdout
    )
    rec = json.loads(
        subprocess.run([*run, "apprec"], capture_output=True, text=True, check=True).stdout
    )
    print("Helfo messages:")
    print(f"  BKM of {bkm['claims']:.0f} claims ({bkm['megabytes']:.1f} MB): build + validate"
          f" + sign + write {bkm['seconds']:.2f} s, peak {bkm['max_rss_mb']:.0f} MB"
          " (target <= 2 s, <= 400 MB)")  # fmt: skip
    print(f"    floor: lxml parse + serialise {bkm['lxml']:.2f} s; one RSA-2048 signature "
          f"{bkm['rsa'] * 1000:.1f} ms")  # fmt: skip
    print(f"  {rec['files']:.0f} AppRec files read and applied in {rec['seconds']:.2f} s "
          f"({rec['quarantined']:.0f} quarantined; target <= 2 s)")  # fmt: skip


if __name__ == "__main__":
    main()

"""Import 100 000 appointments from CSV into a fresh SQLite database.

Prints rows per second and the import process's peak memory (max RSS). Target (issue 2):
at least 20 000 rows/s and under 300 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import HEADER, appointment_rows, seed_clinic
from oppgjor.store import Database

ROWS = 100_000
CHILD = """
import json, resource, sys, time
from oppgjor.app.clinic import records
from oppgjor.store import Database
db = Database(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
t0 = time.perf_counter()
report = records.import_text(db, "appointments", text)
elapsed = time.perf_counter() - t0
print(json.dumps({"created": report.created, "seconds": elapsed,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        db = Database(url)
        seed_clinic(db, practitioners=50, patients=5000)
        db.dispose()
        csv_path = Path(tmp) / "appointments.csv"
        csv_path.write_text(HEADER + "\n" + "\n".join(appointment_rows(ROWS, 50, 5000)) + "\n")
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", CHILD, url, str(csv_path)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        wall = time.perf_counter() - t0
        result = json.loads(done.stdout.strip().splitlines()[-1])
    rate = result["created"] / result["seconds"]
    print(f"import of {result['created']} appointments from CSV into SQLite:")
    print(f"  import time      {result['seconds']:.2f} s  ({rate:,.0f} rows/s; target >= 20,000)")
    print(f"  process wall     {wall:.2f} s (including interpreter start and migrations)")
    print(f"  peak memory      {result['max_rss_mb']:.0f} MB max RSS (target < 300 MB)")


if __name__ == "__main__":
    main()

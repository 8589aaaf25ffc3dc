"""Without the shared reference material (``../shared``) the suite still collects, and the
tests that read the material skip saying why (issue 12 §6)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import reference

ROOT = Path(__file__).resolve().parents[2]


def pytest_without_material(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, reference.ENV: str(tmp_path / "nowhere")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_collection_does_not_fail_without_the_material(tmp_path):
    # every test module, so a new one that reads the material at import fails here; -qq
    # lists files and counts, not test ids (some hold the synthetic numbers they test with)
    found = pytest_without_material(tmp_path, "--collect-only", "-qq", "tests")
    assert found.returncode == 0, found.stdout + found.stderr
    assert "ERROR" not in found.stdout and "Interrupted" not in found.stdout
    assert "tests/e2e/test_cli_isf_trust.py: " in found.stdout  # collected, not skipped whole


def test_the_tests_reading_the_material_skip_with_the_reason(tmp_path):
    ran = pytest_without_material(
        tmp_path, "-q", "-rs", "tests/unit/test_isf_grouper.py", "tests/e2e/test_kuhr_api.py"
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "skipped" in ran.stdout and "passed" in ran.stdout  # the others still run
    assert f"the shared reference material is not at {tmp_path / 'nowhere'}" in ran.stdout
    assert reference.ENV in ran.stdout

"""The import contracts catch what they promise to catch (ADR 0009): a domain reaching an
adapter, and a module added to a domain package the day it is added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not LINT.exists():
        pytest.skip(f"lint-imports is not installed beside {sys.executable}")
    target = tmp_path_factory.mktemp("house")
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(
        ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__", "*.csv")
    )
    return target


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_house_as_it_is_keeps_every_contract(copy: Path) -> None:
    done = lint(copy)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "0 broken" in done.stdout


def with_change(copy: Path, tmp_path: Path, path: str, text: str) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(copy, tree)
    target = tree / "src" / "oppgjor" / path
    target.write_text(text + (target.read_text() if target.exists() else ""))
    return tree


def test_a_domain_importing_an_adapter_breaks_the_contracts(copy: Path, tmp_path: Path) -> None:
    tree = with_change(
        copy, tmp_path, "helfo/domain/calendar.py",
        "from oppgjor.helfo.adapters import kuhr, signing  # noqa\n",
    )  # fmt: skip
    done = lint(tree)
    assert done.returncode != 0
    assert "are pure" in done.stdout and "BROKEN" in done.stdout


def test_a_new_domain_module_is_covered_the_day_it_is_added(copy: Path, tmp_path: Path) -> None:
    tree = with_change(
        copy, tmp_path, "isf/domain/new_rule.py", "from oppgjor.store import Database  # noqa\n"
    )
    done = lint(tree)
    assert done.returncode != 0
    assert "oppgjor.isf.domain.new_rule" in done.stdout

"""The CLI on a fresh SQLite database seeded with the demo clinic (a test may define its
own ``cli`` fixture for an empty database)."""

import pytest
from typer.testing import CliRunner

from oppgjor.cli.main import app

runner = CliRunner()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OPPGJOR_USER", "kari")
    monkeypatch.delenv("OPPGJOR_CERT_PASSWORD", raising=False)

    def run(*args):
        return runner.invoke(app, list(args))

    assert run("demo", "seed").exit_code == 0
    return run

import pytest

from tests.crash.world import World, build


@pytest.fixture(scope="package")
def world(tmp_path_factory) -> World:
    """One settlement submitted and ready to send (copy it before changing anything)."""
    return build(tmp_path_factory.mktemp("send-world"))

"""The small synthetic clinic (``tests/clinic_world``) in an API test's database."""

from __future__ import annotations

from tests.api.conftest import World
from tests.clinic_world import WORLD, load_world

ADMIN = "administrator"


def with_clinic(api: World) -> World:
    """*api* with the clinic's records (practitioners B1, B2, patients P1, P2, A1–A3, …)."""
    load_world(api.db, WORLD, api.clock.now())
    return api

"""Table definitions. Alembic migrations under ``migrations/versions`` create them; a test
checks that the migrations and these definitions agree. One module per slice; every table is
reached as ``tables.<name>``."""

from oppgjor.store.tables.access import *  # noqa: F403
from oppgjor.store.tables.base import *  # noqa: F403
from oppgjor.store.tables.clinic import *  # noqa: F403
from oppgjor.store.tables.common import *  # noqa: F403
from oppgjor.store.tables.helfo import *  # noqa: F403
from oppgjor.store.tables.schedule import *  # noqa: F403

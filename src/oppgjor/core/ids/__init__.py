"""Identifiers, one module each, sharing python-stdnum's interface.

Every module has ``compact``, ``validate`` (returns the normalised value or raises
:class:`InvalidIdentifier` with a Norwegian message), ``is_valid`` and ``format``.
"""

from oppgjor.core.ids.errors import InvalidIdentifier

__all__ = ["InvalidIdentifier"]

"""Persistence: SQLAlchemy 2 tables, repositories, transactions, Alembic migrations.

The only package that imports SQLAlchemy and Alembic."""

from oppgjor.store.db import Database, StoreBusy, StoreDuplicate, StoreError, resolve_url

__all__ = ["Database", "StoreBusy", "StoreDuplicate", "StoreError", "resolve_url"]

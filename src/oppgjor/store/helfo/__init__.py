"""Helfo's tables: claims, settlements and messages, one repository each."""

from __future__ import annotations

from sqlalchemy import Connection

from oppgjor.store.helfo.claims import ClaimRepository
from oppgjor.store.helfo.dashboard import DashboardQueries
from oppgjor.store.helfo.messages import MessageRepository
from oppgjor.store.helfo.settlements import SettlementRepository


class HelfoStore:
    """The Helfo repositories of one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.claims = ClaimRepository(conn)
        self.settlements = SettlementRepository(conn)
        self.messages = MessageRepository(conn)
        self.dashboard = DashboardQueries(conn)


__all__ = ["ClaimRepository", "HelfoStore", "MessageRepository", "SettlementRepository"]

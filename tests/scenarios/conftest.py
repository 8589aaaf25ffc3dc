"""YAML scenario tests (DESIGN.md convention 10, OpenFisca style).

Each ``*.yaml`` file here (except ``world.yaml``) holds ``scenarios``: a name, a clock
(``now``), changes to the base clinic in ``world.yaml`` (``given``), and ``steps``: one user
action each, run through the real use cases on a fresh SQLite database, with what to
``expect`` after it. The step vocabulary is documented in ``README.md`` next to this file.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic_world import WORLD, _dt, _merge, build, load_world, tariff  # tests/ is on sys.path
from oppgjor.app.errors import Rejected, UseCaseError
from oppgjor.app.helfo import booking, views
from oppgjor.app.helfo import claims as claim_actions
from oppgjor.app.helfo import settlements as st
from oppgjor.core import workdays
from oppgjor.helfo.domain import calendar
from oppgjor.helfo.domain.model import ClaimKind, SettlementType
from oppgjor.helfo.domain.transport import ManualTransport
from oppgjor.store import Database


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.name != "world.yaml":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):  # type: ignore[no-untyped-def]
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        for spec in data["scenarios"]:
            yield ScenarioItem.from_parent(self, name=spec["name"], spec=spec)


class ScenarioItem(pytest.Item):
    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/scenario.db")
            try:
                Runner(db, self.spec).run()
            finally:
                db.dispose()

    def repr_failure(self, excinfo):  # type: ignore[no-untyped-def]
        if isinstance(excinfo.value, ScenarioFailure):
            return f"{self.name}: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, 0, f"scenario: {self.name}"


class ScenarioFailure(AssertionError):
    pass


# -- running steps ----------------------------------------------------------------------------

SAVERS = {
    "departments": "save_department",
    "practitioners": "save_practitioner",
    "patients": "save_patient",
    "referrers": "save_referrer",
    "series": "save_series",
}


class Runner:
    def __init__(self, db: Database, spec: dict[str, Any]) -> None:
        self.db = db
        self.spec = spec
        self.now = _dt(spec.get("now", "2026-03-10T12:00"))
        self.world = _merge(WORLD, spec.get("given", {}))
        self.settlements: list[int] = []
        self.identity: dict[str, tuple[int, str]] = {}
        self.last: Any = None

    def run(self) -> None:
        load_world(self.db, self.world, self.now)
        for n, step in enumerate(self.spec.get("steps", []), start=1):
            step = dict(step)
            expect = step.pop("expect", {}) or {}
            if "at" in step:
                self.now = _dt(step.pop("at"))
            on = step.pop("settlement", None)
            ((action, arg),) = step.items()
            where = f"step {n} ({action})"
            sid = (
                self.settlements[int(on) - 1]
                if on
                else (self.settlements[-1] if self.settlements else 0)
            )
            try:
                self.last = getattr(self, f"do_{action}")(sid, arg)
                error = None
            except (UseCaseError, ValueError) as exc:
                error = exc
            self.check(where, expect, error)

    # actions ------------------------------------------------------------------
    def _kw(self) -> dict[str, Any]:
        return {"actor": "scenario", "now": self.now}

    def _claim_ids(self, refs: list[str]) -> list[int]:
        claims = {c.appointment_ref: c for c in views.claims_of(self.db, self._all_numbers())}
        return [claims[r].number for r in refs if r in claims]

    def _all_numbers(self) -> list[int]:
        with self.db.transaction() as repos:
            return [c.number for c in repos.helfo.claims.find()]

    def _claims_by_ref(self) -> dict[str, Any]:
        with self.db.transaction() as repos:
            claims = repos.helfo.claims.find(kind=ClaimKind.CLAIM)
        result: dict[str, Any] = {}
        for c in claims:  # the live claim wins over a credited one
            if c.appointment_ref not in result or not c.credited:
                result[c.appointment_ref] = c
        return result

    def do_new(self, sid: int, arg: Any) -> Any:
        type_ = SettlementType.FBV if str(arg).upper() == "FBV" else SettlementType.BKM
        s = st.new(self.db, type_, **self._kw())
        self.settlements.append(s.id)
        return s

    def do_mark(self, sid: int, arg: Any) -> Any:
        if arg == "all":
            sel = st.Selection(add_all=True)
        elif arg == "none":
            sel = st.Selection(remove_all=True)
        else:
            st.waiting(self.db, now=self.now)  # claims exist before refs are resolved
            period = tuple(arg["period"]) if "period" in arg else None
            sel = st.Selection(
                period=period,  # type: ignore[arg-type]
                add=self._numbers(arg.get("add", [])),
                remove=self._numbers(arg.get("remove", [])),
            )
        s = st.mark(self.db, sid, sel, **self._kw())
        self._remember()
        return s

    def _numbers(self, refs: list[Any]) -> list[int]:
        by_ref = self._claims_by_ref()
        return [by_ref[r].number if r in by_ref else int(r) for r in refs]

    def _remember(self) -> None:
        for ref, c in self._claims_by_ref().items():
            self.identity.setdefault(ref, (c.number, c.guid))

    def do_date(self, sid: int, arg: Any) -> Any:
        return st.change_date(self.db, sid, arg, **self._kw())

    def do_control(self, sid: int, arg: Any) -> Any:
        return st.control(self.db, sid, expected=arg.get("version") if arg else None, **self._kw())

    def do_move_blocked(self, sid: int, arg: Any) -> Any:
        return st.move_blocked_out(self.db, sid, **self._kw())

    def do_submit(self, sid: int, arg: Any) -> Any:
        return st.submit(self.db, sid, **self._kw())

    def do_unlock(self, sid: int, arg: Any) -> Any:
        return st.unlock(self.db, sid, **self._kw())

    def do_delete(self, sid: int, arg: Any) -> Any:
        return st.delete(self.db, sid, **self._kw())

    def do_send(self, sid: int, arg: Any) -> Any:
        return st.send(self.db, sid, ManualTransport(str(arg or "REF")), **self._kw())[0]

    def do_receipt(self, sid: int, arg: Any) -> Any:
        arg = arg or {}
        whole = tuple(arg.pop("all").split(":", 1)) if "all" in arg else None
        by_ref = self._claims_by_ref()
        rejected = {}
        for ref, reason in arg.items():
            code, _, text = str(reason).partition(":")
            rejected[by_ref[ref].number if ref in by_ref else int(ref)] = (code, text)
        return st.receipt(self.db, sid, rejected, whole_rejected=whole, **self._kw())  # type: ignore[arg-type]

    def do_correct(self, sid: int, arg: Any) -> Any:
        numbers = self._numbers(arg) if arg else None
        old, new = st.correct_rejected(self.db, sid, numbers, **self._kw())
        self.settlements.append(new.id)
        return old

    def do_pay(self, sid: int, arg: Any) -> Any:
        return st.pay(self.db, sid, Decimal(str(arg["amount"])), arg["date"], **self._kw())

    def do_book(self, sid: int, arg: Any) -> Any:
        decided = arg or {}
        return booking.book(
            self.db, sid, difference=decided.get("difference"), reason=decided.get("reason"),
            **self._kw(),
        )  # fmt: skip

    def do_credit(self, sid: int, arg: Any) -> Any:
        return claim_actions.credit(self.db, self._numbers([arg])[0], self.now)

    def do_copayment_paid(self, sid: int, arg: Any) -> Any:
        number = self._numbers([arg["appointment"]])[0]
        return claim_actions.copayment_paid(self.db, number, arg["date"], self.now)

    def do_sync(self, sid: int, arg: Any) -> Any:
        return st.waiting(self.db, now=self.now)

    def do_fix(self, sid: int, arg: Any) -> Any:
        self.world = _merge(self.world, arg)
        with self.db.transaction() as repos:
            for kind, records in arg.items():
                if kind == "tariffs":
                    repos.add_tariffs([tariff(x) for x in records], self.now)
                elif kind == "appointments":
                    repos.add_appointments(
                        [build(kind, ref, self.world[kind][ref]) for ref in records]
                    )
                else:
                    for ref in records:
                        getattr(repos, SAVERS[kind])(build(kind, ref, self.world[kind][ref]))

    def do_calendar(self, sid: int, arg: Any) -> Any:
        return arg  # checked in `check` through the calendar expectations

    # expectations -------------------------------------------------------------
    def check(self, where: str, expect: dict[str, Any], error: Exception | None) -> None:
        def fail(message: str) -> None:
            raise ScenarioFailure(f"{where}: {message}")

        if "error" in expect:
            if error is None:
                fail(f"expected an error containing {expect['error']!r}, got none")
            if expect["error"].lower() not in str(error).lower():
                fail(f"expected error {expect['error']!r}, got {error}")
        elif error is not None:
            fail(f"unexpected error: {error}")
        for key, wanted in expect.items():
            if key != "error":
                getattr(self, f"expect_{key}")(fail, wanted, error)

    def _settlement(self, on: int | None = None) -> Any:
        with self.db.transaction() as repos:
            return repos.helfo.settlements.get(self.settlements[(on or len(self.settlements)) - 1])

    def _findings(self) -> list[Any]:
        d = views.detail(self.db, self.settlements[-1])
        return [f for fs in d.findings.values() for f in fs]

    def expect_state(self, fail: Any, wanted: Any, error: Any) -> None:
        on, state = (
            (wanted["settlement"], wanted["is"]) if isinstance(wanted, dict) else (None, wanted)
        )
        s = self._settlement(on)
        if (s.state.value if s else "deleted") != state:
            fail(f"state is {s.state.value if s else 'deleted'}, expected {state}")

    def expect_count(self, fail: Any, wanted: Any, error: Any) -> None:
        on, count = (
            (wanted["settlement"], wanted["is"]) if isinstance(wanted, dict) else (None, wanted)
        )
        s = self._settlement(on)
        if s.count != count:
            fail(f"count is {s.count}, expected {count}")

    def expect_total(self, fail: Any, wanted: Any, error: Any) -> None:
        on, total = (
            (wanted["settlement"], wanted["is"]) if isinstance(wanted, dict) else (None, wanted)
        )
        s = self._settlement(on)
        if s.total != Decimal(str(total)):
            fail(f"total is {s.total}, expected {total}")

    def expect_blocking(self, fail: Any, wanted: list[str], error: Any) -> None:
        codes = {f.code for f in self._findings() if f.blocking}
        if error is not None and isinstance(error, Rejected):
            codes |= {f.code for f in error.findings if f.blocking}
        missing = set(wanted) - codes
        if missing:
            fail(f"expected BLOCKING {sorted(missing)}, found {sorted(codes)}")

    def expect_warnings(self, fail: Any, wanted: list[str], error: Any) -> None:
        codes = {f.code for f in self._findings() if f.severity == "WARNING"}
        if set(wanted) - codes:
            fail(f"expected WARNING {sorted(set(wanted) - codes)}, found {sorted(codes)}")

    def expect_absent(self, fail: Any, wanted: list[str], error: Any) -> None:
        codes = {f.code for f in self._findings()}
        if set(wanted) & codes:
            fail(f"did not expect {sorted(set(wanted) & codes)}")

    def expect_clean(self, fail: Any, wanted: bool, error: Any) -> None:
        blocking = [f"{f.code} {f.message}" for f in self._findings() if f.blocking]
        if bool(wanted) == bool(blocking):
            fail(f"expected clean={wanted}, blocking: {blocking}")

    def expect_links(self, fail: Any, wanted: dict[str, str], error: Any) -> None:
        links = {f.code: f.link for f in self._findings()}
        for code, link in wanted.items():
            if links.get(code) != link:
                fail(f"{code} links to {links.get(code)!r}, expected {link!r}")

    def expect_booking_lines(self, fail: Any, wanted: dict[str, str], error: Any) -> None:
        """The booked settlement's lines summed per account (every account listed)."""
        sums: dict[str, Decimal] = {}
        for x in booking.accounting(self.db, self.settlements[-1]):
            sums[x.account] = sums.get(x.account, Decimal(0)) + x.amount
        if {k: str(v) for k, v in sums.items()} != {str(k): str(v) for k, v in wanted.items()}:
            fail(f"booking lines per account are {sums}, expected {wanted}")

    def expect_waiting_refunds(self, fail: Any, wanted: dict[str, str], error: Any) -> None:
        """What the waiting claims (by appointment) will claim."""
        found = {
            c.appointment_ref: str(c.content.refund) for c in st.waiting(self.db, now=self.now)
        }
        for ref, refund in wanted.items():
            if found.get(ref) != str(refund):
                fail(f"waiting claim {ref} claims {found.get(ref)}, expected {refund}")

    def expect_messages(self, fail: Any, wanted: dict[str, str], error: Any) -> None:
        """Each code's finding says this (a fragment of its message)."""
        messages = {f.code: f.message for f in self._findings()}
        for code, text in wanted.items():
            if text not in messages.get(code, ""):
                fail(f"{code} says {messages.get(code)!r}, expected it to say {text!r}")

    def expect_not_said(self, fail: Any, wanted: dict[str, str], error: Any) -> None:
        """No finding of the code says this."""
        for f in self._findings():
            if f.code in wanted and wanted[f.code] in f.message:
                fail(f"{f.code} says {f.message!r}")

    def expect_locations(self, fail: Any, wanted: dict[str, str], error: Any) -> None:
        """Where each code's finding points (the location as rendered)."""
        found = {f.code: f.location for f in self._findings()}
        for code, location in wanted.items():
            if found.get(code) != location:
                fail(f"{code} is at {found.get(code)!r}, expected {location!r}")

    def expect_claims(self, fail: Any, wanted: dict[str, dict[str, Any]], error: Any) -> None:
        by_ref = self._claims_by_ref()
        for ref, fields in wanted.items():
            claim = by_ref.get(ref)
            if claim is None:
                fail(f"no claim for appointment {ref}")
            for name, value in fields.items():
                actual = {
                    "status": claim.status,
                    "refund": str(claim.content.refund),
                    "copayment": str(claim.content.copayment),
                    "reason": claim.content.copayment_reason,
                    "type": claim.content.type.value,
                    "outcome_code": claim.outcome_code,
                    "in": None if claim.settlement_id is None
                    else self.settlements.index(claim.settlement_id) + 1,
                }[name]  # fmt: skip
                if str(actual) != str(value):
                    fail(f"claim for {ref}: {name} is {actual!r}, expected {value!r}")

    def expect_identity_kept(self, fail: Any, wanted: list[str], error: Any) -> None:
        by_ref = self._claims_by_ref()
        for ref in wanted:
            now = (by_ref[ref].number, by_ref[ref].guid)
            if self.identity.get(ref) != now:
                fail(f"claim for {ref} changed identity: {self.identity.get(ref)} -> {now}")

    def expect_waiting(self, fail: Any, wanted: list[str], error: Any) -> None:
        refs = sorted(c.appointment_ref or "" for c in st.waiting(self.db, now=self.now))
        if refs != sorted(wanted):
            fail(f"waiting claims are {refs}, expected {sorted(wanted)}")

    def expect_rejections(self, fail: Any, wanted: dict[str, Any], error: Any) -> None:
        answered, reasons = views.rejections(self.db)
        found = {r.code: r.count for r in reasons}
        if answered != wanted["answered"] or found != wanted["reasons"]:
            fail(f"{answered} answers, rejections {found}; expected {wanted}")

    def expect_credits(self, fail: Any, wanted: dict[str, str], error: Any) -> None:
        with self.db.transaction() as repos:
            credits = {c.appointment_ref: c for c in repos.helfo.claims.find(kind=ClaimKind.CREDIT)}
        for ref, amount in wanted.items():
            if ref not in credits or str(credits[ref].amount) != str(amount):
                found = credits[ref].amount if ref in credits else None
                fail(f"credit for {ref} is {found}, expected {amount}")

    def expect_registrations(self, fail: Any, wanted: list[dict[str, Any]], error: Any) -> None:
        by_number = {c.number: ref for ref, c in self._claims_by_ref().items()}
        found = [
            {
                "claim": by_number.get(v.registration.claim_number),
                "correction": v.registration.correction,
                "overdue": v.overdue,
            }
            for v in views.unsent_registrations(self.db, self.now.date())
        ]
        if found != wanted:
            fail(f"unsent registrations are {found}, expected {wanted}")

    def expect_attached(self, fail: Any, wanted: int, error: Any) -> None:
        d = views.detail(self.db, self.settlements[-1])
        if len(d.registrations) != wanted:
            fail(f"{len(d.registrations)} registrations attached, expected {wanted}")

    def expect_booking_balanced(self, fail: Any, wanted: bool, error: Any) -> None:
        lines = booking.accounting(self.db, self.settlements[-1])
        if (sum(x.amount for x in lines) == 0) != wanted:
            fail(f"booking lines sum to {sum(x.amount for x in lines)}")

    def expect_events(self, fail: Any, wanted: list[str], error: Any) -> None:
        with self.db.transaction() as repos:
            actions = [e.action for e in repos.helfo.settlements.events(self.settlements[-1])]
        if actions != wanted:
            fail(f"events are {actions}, expected {wanted}")

    def expect_expiring(self, fail: Any, wanted: list[str], error: Any) -> None:
        refs = sorted(
            x.claim.appointment_ref or "" for x in views.expiring(self.db, self.now.date())
        )
        if refs != sorted(wanted):
            fail(f"expiring claims are {refs}, expected {sorted(wanted)}")

    # the calendar, checked as tables of date -> expected value
    def expect_next_decision(self, fail: Any, wanted: dict[Any, Any], error: Any) -> None:
        self._table(fail, "next decision", calendar.next_decision_date, wanted)

    def expect_claim_expiry(self, fail: Any, wanted: dict[Any, Any], error: Any) -> None:
        self._table(fail, "claim expiry", calendar.claim_expiry, wanted)

    def expect_next_submission(self, fail: Any, wanted: dict[Any, Any], error: Any) -> None:
        self._table(fail, "next submission", calendar.next_submission, wanted)

    def expect_working_day(self, fail: Any, wanted: dict[Any, Any], error: Any) -> None:
        self._table(fail, "working day", workdays.is_working_day, wanted)

    def expect_submissions(self, fail: Any, wanted: dict[str, Any], error: Any) -> None:
        got = calendar.recommended_submissions(wanted["from"], wanted["to"])
        if got != wanted["dates"]:
            fail(f"submission dates {got}, expected {wanted['dates']}")

    def expect_credit_allowed(self, fail: Any, wanted: list[dict[str, Any]], error: Any) -> None:
        for row in wanted:
            got = calendar.credit_allowed(row["sent"], row["today"])
            if got != row["allowed"]:
                fail(f"credit of a claim sent {row['sent']} on {row['today']}: {got}")

    def expect_copayment_overdue(self, fail: Any, wanted: list[dict[str, Any]], error: Any) -> None:
        for row in wanted:
            got = calendar.copayment_overdue(row["paid"], row["today"])
            if got != row["overdue"]:
                fail(f"co-payment paid {row['paid']} on {row['today']}: overdue={got}")

    def _table(self, fail: Any, label: str, fn: Any, wanted: dict[Any, Any]) -> None:
        for day, value in wanted.items():
            got = fn(day)
            if got != value:
                fail(f"{label} for {day}: {got}, expected {value}")

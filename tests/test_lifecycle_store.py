"""The store's memory of consignments, on SQLite and PostgreSQL alike: numbered migrations bring
a version-1 store up in place (its filings kept), a consignment's state, events, holds and
officer actions round-trip, and concurrent writers take turns on a consignment."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from acid_processor.lifecycle.records import (
    ConsignmentState,
    FilingEvent,
    Hold,
    OfficerEvent,
    Screening,
)
from acid_processor.model import FilingOutcome, Outcome, ReceivedMessage
from acid_processor.store import open_store
from acid_processor.store.base import MIGRATIONS, SCHEMA_VERSION
from tests.test_store import _postgres_schema

T0 = datetime(2026, 11, 20, 13, 51, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    else:
        yield from _postgres_schema()


def _v1_store(url: str) -> None:
    """A store as version 1 of the code left it: the first migration only, one filing in it."""
    from acid_processor.store import base

    saved = base.MIGRATIONS
    base.MIGRATIONS = MIGRATIONS[:1]
    try:
        with open_store(url) as s:
            assert s.schema_version() == 1
            s.record(
                ReceivedMessage.of(b"<x/>", message_id="OLD-1", received_at=T0), FilingOutcome("accepted")
            )
    finally:
        base.MIGRATIONS = saved


def test_a_version_1_store_is_upgraded_in_place(store_url):
    _v1_store(store_url)
    with open_store(store_url) as s:
        assert s.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
        assert s.find("OLD-1", ReceivedMessage.of(b"<x/>", message_id="OLD-1").body_hash) is not None
        assert s.consignment("020-68548340") is None  # the new tables are there, and empty
        assert s.holds() == []
    with open_store(store_url) as s:  # opening again applies nothing twice
        assert s.schema_version() == SCHEMA_VERSION


def test_a_newer_store_is_refused(store_url):
    with open_store(store_url) as s:
        s._run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (99, s._ts_in(T0)))
    with pytest.raises(RuntimeError, match=f"schema version 99, newer than this code's {SCHEMA_VERSION}"):
        open_store(store_url)


def _state(key: str = "020-68548340") -> ConsignmentState:
    hold = Hold("H-1", Outcome.DNL, ("WL-SCREEN",), "filing m-1", T0)
    return ConsignmentState(
        key=key,
        awb=key,
        current="filing m-1",
        current_time=T0,
        current_arrival=1,
        last_time=T0,
        last_arrival=1,
        flights=("LH470",),
        holds=(hold, Hold("H-2", Outcome.RFI, ("DQ-JUNK",), "filing m-1", T0, state="removed")),
        last_status="DNL:placed",
        subject={"awb": key, "recipients": ["RIEGESOFTWARE"]},
        totals={"pieces": 4, "kg": 36.9},
    )


def test_state_events_holds_and_actions_round_trip(store_url):
    event = FilingEvent(
        "filing m-1", T0, 1, Outcome.DNL, dnl_rules=("WL-SCREEN",), screening=Screening("SPX", 1, True, T0)
    )
    officer = OfficerEvent("officer c-1", T0, 2, "OFF-7", "confirm", "checked", at=T0 + timedelta(hours=1))
    with open_store(store_url) as s:
        with s.batch() as b:
            assert b.lock_states(["020-68548340"]) == {}
            b.put_state(_state())
            b.add_event("020-68548340", event)
            b.add_event("020-68548340", officer)
            b.add_action(
                "c-1", "OFF-7", "confirm", "020-68548340", ["H-1"], None, "checked", "cli", T0, {"x": 1}
            )
        assert s.consignment("020-68548340") == _state()
        with s.batch() as b:
            assert b.lock_states(["020-68548340"]) == {"020-68548340": _state()}
            assert b.events("020-68548340") == [event, officer]
        (hold,) = s.holds()
        assert (hold["hold_id"], hold["kind"], hold["rule_ids"], hold["flights"]) == (
            "H-1",
            "DNL",
            ["WL-SCREEN"],
            ["LH470"],
        )
        assert [h["hold_id"] for h in s.holds(open_only=False)] == ["H-1", "H-2"]
        history = s.history("020-68548340")
        assert [e["event_id"] for e in history["events"]] == ["filing m-1", "officer c-1"]
        assert history["actions"][0]["note"] == "checked" and history["actions"][0]["officer"] == "OFF-7"


def test_a_rekeyed_orphan_moves_its_events_and_leaves_no_stale_hold(store_url):
    event = FilingEvent("filing h-1", T0, 1, Outcome.RFS, rfs_rules=("SEC-NO-STATUS-PAX",))
    with open_store(store_url) as s:
        with s.batch() as b:
            b.put_state(_state("HAWB1"))
            b.add_event("HAWB1", event)
        with s.batch() as b:
            b.rekey("HAWB1", "020-68548340/HAWB1")
            assert b.events("020-68548340/HAWB1") == [event]
        assert s.consignment("HAWB1") is None and s.holds() == []


@pytest.mark.integration
def test_two_postgres_transactions_take_turns_on_a_new_consignment():
    """A consignment that does not exist yet is locked too: the second writer waits for the first
    to commit and then sees its state (no lost update)."""
    gen = _postgres_schema()
    url = next(gen)
    try:
        first, second = open_store(url), open_store(url)
        seen: dict[str, object] = {}
        started = threading.Event()

        def later() -> None:
            started.wait(5)
            with second.batch() as b:
                seen["state"] = b.lock_states(["NEW-1"]).get("NEW-1")

        t = threading.Thread(target=later)
        with first.batch() as b:
            b.lock_states(["NEW-1"])
            t.start()
            started.set()
            time.sleep(0.5)  # the second transaction is now waiting on the lock
            assert "state" not in seen
            b.put_state(_state("NEW-1"))
        t.join(10)
        assert seen["state"] == _state("NEW-1")
        first.close()
        second.close()
    finally:
        gen.close()

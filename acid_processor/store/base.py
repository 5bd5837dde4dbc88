"""The audit store's records, its interface, and the SQL both backends share.

The store is the source of truth for idempotency across restarts: a filing is known by
(message_id, body_hash), and every outbound message it caused is kept until the broker confirms it.
The SQL is written once here with `?` placeholders and a few type names filled in per dialect, so
the SQLite and PostgreSQL backends differ only in connecting, transactions and value conversion.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Protocol, Self

from acid_processor.lifecycle.records import (
    ConsignmentState,
    Event,
    event_from_json,
    event_to_json,
    hold_to_json,
    state_from_json,
    state_to_json,
)
from acid_processor.model import (
    ACCEPTED,
    DEAD_LETTERED,
    REJECTED,
    REPLAY_HEADER,
    STATUSES,
    DecisionRecord,
    FilingOutcome,
    OutboundMessage,
    ReceivedMessage,
    body_sha256,
)
from acid_processor.store.reads import CONSOLE_INDEXES, ConsoleReads

SCHEMA_VERSION = 3  # the last migration below

Outcome = FilingOutcome  # the store's name for what processing one filing produced

__all__ = [
    "ACCEPTED",
    "DEAD_LETTERED",
    "REJECTED",
    "STATUSES",
    "AuditStore",
    "DecisionRecord",
    "FilingOutcome",
    "OutboundMessage",
    "Outcome",
    "ReceivedMessage",
    "RecordResult",
    "SqlAuditStore",
    "StoredFiling",
    "body_sha256",
]


# --- records of the store itself ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The answer to record(): the filing's id, whether it was already stored, and what to publish.

    `pending` is the filing's outbound messages not yet marked published: for a new filing all of
    them, for a duplicate only those a crash left unconfirmed (publish them again, same ids)."""

    filing_id: int
    duplicate: bool
    pending: tuple[OutboundMessage, ...] = ()
    decisions: tuple[DecisionRecord, ...] = ()  # as recorded (after the lifecycle), for a new filing


@dataclass(frozen=True, slots=True)
class StoredFiling:
    """A filing as stored: the message exactly as received, its outcome and its outbound messages."""

    id: int
    received: ReceivedMessage
    status: str
    reasons: tuple[dict[str, Any], ...]
    outbound: tuple[tuple[OutboundMessage, bool], ...]  # (message, published)

    @property
    def message_id(self) -> str | None:
        return self.received.message_id

    @property
    def body_hash(self) -> str:
        return self.received.body_hash

    @property
    def received_at(self) -> datetime:
        return self.received.received_at


# --- interface ----------------------------------------------------------------------------------


class AuditStore(Protocol):
    """What the consumer needs from the store. One store object belongs to one thread at a time."""

    def record(self, received: ReceivedMessage, outcome: Outcome) -> RecordResult: ...

    def record_many(self, items: Sequence[tuple[ReceivedMessage, Outcome]]) -> list[RecordResult]: ...

    def find(self, message_id: str | None, body_hash: str) -> StoredFiling | None: ...

    def mark_published(self, outbound_message_ids: Sequence[str]) -> None: ...

    def pending_outbound(self, limit: int = 1000) -> list[OutboundMessage]: ...

    def stranded_outbound(self, older_than_s: float, limit: int = 500) -> list[OutboundMessage]: ...

    def record_dead_letter(self, received: ReceivedMessage, reason_code: str, detail: str) -> None: ...

    def note_duplicate(self, message_id: str | None, body_hash: str) -> None: ...

    def count(self, status: str | None = None) -> int: ...

    def decisions_for(self, consignment_key: str) -> list[DecisionRecord]: ...

    def outbound_for(self, message_id: str | None, body_hash: str) -> list[tuple[OutboundMessage, bool]]: ...

    def stats(self) -> dict[str, int]: ...

    def close(self) -> None: ...


# --- JSON ---------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """Text for values JSON cannot hold (AMQP timestamps, decimals, bytes), so a header never blocks a row."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


_ENCODER = json.JSONEncoder(default=_json_default, separators=(",", ":"))  # stateless: one for all


def dumps_json(value: Any) -> str:
    """Compact, ASCII-only JSON text for a JSON column."""
    return _ENCODER.encode(value)


# --- schema -------------------------------------------------------------------------------------

# Numbered migrations, applied in order at open inside one transaction each; a store at version N
# gets N+1.. only. One text for both dialects: {id}, {ts}, {json}, {blob} are the dialect's types.
# Never edit a released migration: add the next one.
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL,
    applied_at {ts} NOT NULL
);
CREATE TABLE IF NOT EXISTS filings (
    id {id},
    message_id TEXT,
    body_hash TEXT NOT NULL,
    received_at {ts} NOT NULL,
    recorded_at {ts} NOT NULL,
    content_type TEXT,
    routing_key TEXT,
    kind TEXT,
    headers {json} NOT NULL,
    body {blob} NOT NULL,
    status TEXT NOT NULL,
    reasons {json} NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS filings_key ON filings (message_id, body_hash);
CREATE UNIQUE INDEX IF NOT EXISTS filings_key_no_id ON filings (body_hash) WHERE message_id IS NULL;
CREATE INDEX IF NOT EXISTS filings_status ON filings (status);
CREATE TABLE IF NOT EXISTS decisions (
    id {id},
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    consignment_key TEXT NOT NULL,
    awb TEXT,
    hawb TEXT,
    decision TEXT NOT NULL,
    rule_ids {json} NOT NULL,
    rules_version TEXT,
    detail {json} NOT NULL,
    decided_at {ts} NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_consignment ON decisions (consignment_key, decided_at);
CREATE INDEX IF NOT EXISTS decisions_filing ON decisions (filing_id);
CREATE TABLE IF NOT EXISTS outbound (
    id {id},
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    message_id TEXT NOT NULL UNIQUE,
    exchange TEXT NOT NULL,
    routing_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    headers {json} NOT NULL,
    body {blob} NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    published_at {ts}
);
CREATE INDEX IF NOT EXISTS outbound_filing ON outbound (filing_id);
CREATE INDEX IF NOT EXISTS outbound_pending ON outbound (id) WHERE NOT published;
CREATE TABLE IF NOT EXISTS dead_letters (
    id {id},
    message_id TEXT,
    body_hash TEXT NOT NULL,
    received_at {ts} NOT NULL,
    recorded_at {ts} NOT NULL,
    content_type TEXT,
    routing_key TEXT,
    kind TEXT,
    reason_code TEXT NOT NULL,
    detail TEXT NOT NULL,
    headers {json} NOT NULL,
    body {blob} NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_key ON dead_letters (message_id, body_hash, reason_code);
CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_key_no_id
    ON dead_letters (body_hash, reason_code) WHERE message_id IS NULL;
CREATE TABLE IF NOT EXISTS duplicates (
    id {id},
    filing_id BIGINT REFERENCES filings (id),
    message_id TEXT,
    body_hash TEXT NOT NULL,
    seen_at {ts} NOT NULL
)
"""

# Version 2: the consignment lifecycle. The state of each consignment (a JSON snapshot, with the
# columns worklists filter on), the events it was folded from (to replay a late one in time
# order), every hold as a row (open holds by kind and age for the referral worklist), and officer
# actions (the audit of who released, confirmed or placed what, and why).
LIFECYCLE = """
CREATE TABLE IF NOT EXISTS consignments (
    key TEXT PRIMARY KEY,
    awb TEXT,
    hawb TEXT,
    level TEXT NOT NULL,
    master_key TEXT,
    departed BOOLEAN NOT NULL DEFAULT FALSE,
    strongest_hold TEXT,
    last_status TEXT,
    current_filing_id BIGINT,
    updated_at {ts} NOT NULL,
    state {json} NOT NULL
);
CREATE INDEX IF NOT EXISTS consignments_master ON consignments (master_key);
CREATE INDEX IF NOT EXISTS consignments_awb ON consignments (awb);
CREATE INDEX IF NOT EXISTS consignments_held ON consignments (strongest_hold, updated_at);
CREATE TABLE IF NOT EXISTS consignment_events (
    id {id},
    consignment_key TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_time {ts} NOT NULL,
    arrival BIGINT NOT NULL,
    kind TEXT NOT NULL,
    event {json} NOT NULL,
    recorded_at {ts} NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS consignment_events_key ON consignment_events (consignment_key, event_id);
CREATE TABLE IF NOT EXISTS holds (
    id TEXT PRIMARY KEY,
    consignment_key TEXT NOT NULL,
    awb TEXT,
    hawb TEXT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    origin TEXT NOT NULL,
    rule_ids {json} NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at {ts} NOT NULL,
    removed_by TEXT,
    removed_at {ts},
    removal TEXT,
    departed BOOLEAN NOT NULL DEFAULT FALSE,
    flights {json} NOT NULL,
    hold {json} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX IF NOT EXISTS holds_open ON holds (state, kind, placed_at);
CREATE INDEX IF NOT EXISTS holds_consignment ON holds (consignment_key);
CREATE TABLE IF NOT EXISTS officer_actions (
    id {id},
    command_id TEXT NOT NULL,
    officer TEXT NOT NULL,
    action TEXT NOT NULL,
    consignment_key TEXT NOT NULL,
    hold_ids {json} NOT NULL,
    kind TEXT,
    note TEXT NOT NULL,
    source TEXT NOT NULL,
    acted_at {ts} NOT NULL,
    result {json} NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS officer_actions_command ON officer_actions (command_id, consignment_key);
CREATE INDEX IF NOT EXISTS officer_actions_consignment ON officer_actions (consignment_key, acted_at)
"""

# Version 3 (store/reads.py): indexes for the console's time windows and lists, and its audit table.
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, SCHEMA), (2, LIFECYCLE), (3, CONSOLE_INDEXES))


_INSERT_FILING = (
    "INSERT INTO filings (message_id, body_hash, received_at, recorded_at, content_type, routing_key,"
    " kind, headers, body, status, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING RETURNING id"
)
_INSERT_DECISION = (
    "INSERT INTO decisions (filing_id, consignment_key, awb, hawb, decision, rule_ids, rules_version,"
    " detail, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_OUTBOUND = (
    "INSERT INTO outbound (filing_id, message_id, exchange, routing_key, kind, content_type, headers,"
    " body, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE)"
)
_OUTBOUND_COLUMNS = "o.message_id, o.exchange, o.routing_key, o.kind, o.content_type, o.body, o.headers"
_FILING_COLUMNS = (
    "id, message_id, body_hash, body, headers, received_at, content_type, routing_key, kind, status, reasons"
)


def _key(message_id: str | None, alias: str = "") -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause finding a message by its key; a missing message id matches on the body hash alone."""
    if message_id is None:
        return f"{alias}message_id IS NULL AND {alias}body_hash = ?", ()
    return f"{alias}message_id = ? AND {alias}body_hash = ?", (message_id,)


# --- the shared SQL implementation ----------------------------------------------------------------


class SqlAuditStore(ConsoleReads, ABC):
    """The audit store over a DB-API connection; subclasses supply the dialect (types, values, transactions).

    Not thread-safe: a store object holds one connection and is used by one thread at a time."""

    # Type names substituted into SCHEMA.
    types: ClassVar[dict[str, str]]

    # --- what a dialect supplies

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Execute one statement written with `?` placeholders; returns a cursor."""

    @abstractmethod
    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Execute one statement for many parameter rows."""

    @abstractmethod
    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[None]:
        """One transaction: commit on success, roll back on any exception."""

    @abstractmethod
    def _ts_in(self, value: datetime) -> Any: ...

    @abstractmethod
    def _ts_out(self, value: Any) -> datetime: ...

    @abstractmethod
    def _json_in(self, value: Any) -> Any: ...

    @abstractmethod
    def _json_out(self, value: Any) -> Any: ...

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    @abstractmethod
    def reconnect(self) -> None:
        """Drop the connection and open a new one (after the database came back)."""

    def _lock_keys(self, keys: Sequence[str]) -> None:
        """Lock consignments by key until the transaction ends, existing or not (SQLite: nothing to
        do, its single writer already serialises write transactions)."""

    def _lock_schema(self) -> None:
        """Serialise schema creation between processes opening the same database at once."""

    # --- schema

    def _create_schema(self) -> None:
        """Bring the database to SCHEMA_VERSION: every migration after the version it has, each in
        its own transaction with its schema_version row; a newer database is refused."""
        for version, text in MIGRATIONS:
            with self._tx():
                self._lock_schema()
                found = self._schema_version()
                if found is not None and found > SCHEMA_VERSION:
                    raise RuntimeError(
                        f"the audit database has schema version {found}, newer than this code's "
                        f"{SCHEMA_VERSION}"
                    )
                if found is not None and found >= version:
                    continue
                for statement in text.format(**self.types).split(";"):
                    if statement.strip():
                        self._run(statement)
                self._run(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, self._ts_in(_now())),
                )

    def _schema_version(self) -> int | None:
        """The version the database is at, or None for an empty one."""
        if not self._has_table("schema_version"):
            return None
        (found,) = self._run("SELECT MAX(version) FROM schema_version").fetchone()
        return None if found is None else int(found)

    @abstractmethod
    def _has_table(self, name: str) -> bool:
        """Whether a table exists (in the store's schema)."""

    def schema_version(self) -> int:
        """The schema version of the open store."""
        return self._schema_version() or 0

    # --- writing

    def record(self, received: ReceivedMessage, outcome: Outcome) -> RecordResult:
        """Store a filing with its outcome, decisions and outbound messages, unless it is already stored."""
        return self.record_many([(received, outcome)])[0]

    def record_many(self, items: Sequence[tuple[ReceivedMessage, Outcome]]) -> list[RecordResult]:
        """record() for a batch in one transaction; a key repeated within the batch is a duplicate too."""
        with self.batch() as batch:
            results = batch.insert_filings(items)
            for (_, outcome), result in zip(items, results, strict=True):
                if not result.duplicate:
                    batch.add_decisions(result.filing_id, outcome.decisions)
                    batch.add_outbound(result.filing_id, outcome.outbound)
        return results

    @contextmanager
    def batch(self) -> Iterator[StoreBatch]:
        """One write transaction for a batch of deliveries: filings, consignment state (locked for
        the transaction), events, decisions and outbound messages commit together or not at all."""
        with self._tx():
            batch = StoreBatch(self)
            yield batch
            batch.flush()

    def mark_published(self, outbound_message_ids: Sequence[str]) -> None:
        """Mark outbound messages confirmed by the broker; unknown or already-marked ids change nothing."""
        if not outbound_message_ids:
            return
        now = self._ts_in(_now())
        with self._tx():
            self._run_many(
                "UPDATE outbound SET published = TRUE, published_at = ?"
                " WHERE message_id = ? AND NOT published",
                [(now, mid) for mid in outbound_message_ids],
            )

    def record_dead_letter(self, received: ReceivedMessage, reason_code: str, detail: str) -> None:
        """Keep a message the consumer dead-lettered without an outcome; the same message and reason once."""
        _check_time(received.received_at)
        with self._tx():
            self._run(
                "INSERT INTO dead_letters (message_id, body_hash, received_at, recorded_at, content_type,"
                " routing_key, kind, reason_code, detail, headers, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    received.message_id,
                    received.body_hash,
                    self._ts_in(received.received_at),
                    self._ts_in(_now()),
                    received.content_type,
                    received.routing_key,
                    received.kind,
                    reason_code,
                    detail,
                    self._json_in(received.headers),
                    received.body,
                ),
            )

    def note_duplicate(self, message_id: str | None, body_hash: str) -> None:
        """Log that a filing arrived again (a redelivery or a duplicate), for the operations figures."""
        with self._tx():
            filing_id = self._filing_id(message_id, body_hash)
            self._run(
                "INSERT INTO duplicates (filing_id, message_id, body_hash, seen_at) VALUES (?, ?, ?, ?)",
                (filing_id, message_id, body_hash, self._ts_in(_now())),
            )

    # --- reading

    def find(self, message_id: str | None, body_hash: str) -> StoredFiling | None:
        """The stored filing with this key, its raw bytes and headers exactly as received, or None."""
        where, params = _key(message_id)
        with self._tx(write=False):
            select = f"SELECT {_FILING_COLUMNS} FROM filings WHERE {where}"
            row = self._run(select, (*params, body_hash)).fetchone()
            if row is None:
                return None
            outbound = self._run(
                f"SELECT {_OUTBOUND_COLUMNS}, o.published FROM outbound o"
                " WHERE o.filing_id = ? ORDER BY o.id",
                (row[0],),
            ).fetchall()
        fid, mid, bhash, body, headers, received_at, content_type, routing_key, kind, status, reasons = row
        return StoredFiling(
            id=fid,
            received=ReceivedMessage(
                message_id=mid,
                body_hash=bhash,
                body=bytes(body),
                headers=self._json_out(headers),
                received_at=self._ts_out(received_at),
                content_type=content_type,
                routing_key=routing_key,
                kind=kind,
            ),
            status=status,
            reasons=tuple(self._json_out(reasons)),
            outbound=tuple((self._outbound(r), bool(r[7])) for r in outbound),
        )

    def outbound_for(self, message_id: str | None, body_hash: str) -> list[tuple[OutboundMessage, bool]]:
        """The outbound messages a filing caused, in the order recorded, with their published flag."""
        where, params = _key(message_id, "f.")
        rows = self._run(
            f"SELECT {_OUTBOUND_COLUMNS}, o.published FROM outbound o JOIN filings f ON f.id = o.filing_id"
            f" WHERE {where} ORDER BY o.id",
            (*params, body_hash),
        ).fetchall()
        return [(self._outbound(r), bool(r[7])) for r in rows]

    def pending_outbound(self, limit: int = 1000) -> list[OutboundMessage]:
        """Outbound messages recorded but never confirmed, oldest first: to publish again at start."""
        rows = self._run(
            f"SELECT {_OUTBOUND_COLUMNS} FROM outbound o WHERE NOT o.published ORDER BY o.id LIMIT ?",
            (limit,),
        ).fetchall()
        return [self._outbound(r) for r in rows]

    def stranded_outbound(self, older_than_s: float, limit: int = 500) -> list[OutboundMessage]:
        """Outbound messages never confirmed though recorded more than `older_than_s` ago: what an
        officer action from the command line or the console caused when its publish failed, or
        what a consumer left when it stopped for good. Younger ones are some consumer's work in
        progress, not stranded."""
        cutoff = self._ts_in(_now() - timedelta(seconds=older_than_s))
        rows = self._run(
            f"SELECT {_OUTBOUND_COLUMNS} FROM outbound o JOIN filings f ON f.id = o.filing_id"
            " WHERE NOT o.published AND f.recorded_at < ? ORDER BY o.id LIMIT ?",
            (cutoff, limit),
        ).fetchall()
        return [self._outbound(r) for r in rows]

    def decisions_for(self, consignment_key: str) -> list[DecisionRecord]:
        """Every decision recorded for a consignment (AWB or AWB/HAWB), newest first."""
        rows = self._run(
            "SELECT consignment_key, awb, hawb, decision, rule_ids, rules_version, detail, decided_at"
            " FROM decisions WHERE consignment_key = ? ORDER BY decided_at DESC, id DESC",
            (consignment_key,),
        ).fetchall()
        return [
            DecisionRecord(
                consignment_key=key,
                awb=awb,
                hawb=hawb,
                decision=decision,
                rule_ids=tuple(self._json_out(rule_ids)),
                rules_version=rules_version,
                detail=self._json_out(detail),
                decided_at=self._ts_out(decided_at),
            )
            for key, awb, hawb, decision, rule_ids, rules_version, detail, decided_at in rows
        ]

    # --- consignments (the lifecycle's memory)

    def consignment(self, key: str) -> ConsignmentState | None:
        """A consignment's state (AWB, or AWB/HAWB), or None when it was never seen."""
        row = self._run("SELECT state FROM consignments WHERE key = ?", (key,)).fetchone()
        return state_from_json(self._json_out(row[0])) if row is not None else None

    def holds(self, *, open_only: bool = True, limit: int = 500) -> list[dict[str, Any]]:
        """Holds for a worklist: open ones (or all), DNL before RFS before RFI, oldest first."""
        where = "WHERE state = 'open'" if open_only else ""
        rows = self._run(
            "SELECT id, consignment_key, awb, hawb, kind, state, origin, rule_ids, placed_by, placed_at,"
            " removed_by, removed_at, removal, departed, flights FROM holds"
            f" {where} ORDER BY CASE kind WHEN 'DNL' THEN 0 WHEN 'RFS' THEN 1 ELSE 2 END, placed_at, id"
            " LIMIT ?",
            (limit,),
        ).fetchall()
        names = (
            "hold_id",
            "consignment",
            "awb",
            "hawb",
            "kind",
            "state",
            "origin",
            "rule_ids",
            "placed_by",
            "placed_at",
            "removed_by",
            "removed_at",
            "removal",
            "departed",
            "flights",
        )
        out = []
        for row in rows:
            item = dict(zip(names, row, strict=True))
            item["rule_ids"] = self._json_out(item["rule_ids"])
            item["flights"] = self._json_out(item["flights"])
            item["departed"] = bool(item["departed"])
            for name in ("placed_at", "removed_at"):
                if item[name] is not None:
                    item[name] = self._ts_out(item[name])
            out.append(item)
        return out

    def history(self, key: str) -> dict[str, Any]:
        """Everything known of a consignment: its state, the events folded into it (the filings,
        officer actions and departures, with what each filing's decision was), the replies sent
        about it and the officer actions."""
        state = self.consignment(key)
        events = self._run(
            "SELECT e.event_id, e.kind, e.event_time, e.arrival, e.event, e.recorded_at, f.message_id,"
            " f.kind, f.received_at FROM consignment_events e LEFT JOIN filings f ON f.id = e.arrival"
            " WHERE e.consignment_key = ? ORDER BY e.arrival, e.id",
            (key,),
        ).fetchall()
        decisions = self.decisions_for(key)
        outbound = self._run(
            f"SELECT {_OUTBOUND_COLUMNS}, o.published FROM outbound o WHERE o.filing_id IN"
            " (SELECT arrival FROM consignment_events WHERE consignment_key = ?) ORDER BY o.id",
            (key,),
        ).fetchall()
        actions = self._run(
            "SELECT command_id, officer, action, hold_ids, kind, note, source, acted_at, result"
            " FROM officer_actions WHERE consignment_key = ? ORDER BY acted_at, id",
            (key,),
        ).fetchall()
        return {
            "key": key,
            "state": state,
            "events": [
                {
                    "event_id": e[0],
                    "kind": e[1],
                    "time": self._ts_out(e[2]),
                    "arrival": e[3],
                    "event": self._json_out(e[4]),
                    "recorded_at": self._ts_out(e[5]),
                    "message_id": e[6],
                    "message_kind": e[7],
                    "received_at": self._ts_out(e[8]) if e[8] is not None else None,
                }
                for e in events
            ],
            "decisions": decisions,
            "replies": [
                (o, published)
                for o, published in ((self._outbound(r), bool(r[7])) for r in outbound)
                if o.headers.get("x-acid-consignment") in (key, None) or o.kind == "xfnm"
            ],
            "actions": [
                {
                    "command_id": a[0],
                    "officer": a[1],
                    "action": a[2],
                    "hold_ids": self._json_out(a[3]),
                    "kind": a[4],
                    "note": a[5],
                    "source": a[6],
                    "acted_at": self._ts_out(a[7]),
                    "result": self._json_out(a[8]),
                }
                for a in actions
            ],
        }

    def count(self, status: str | None = None) -> int:
        """Messages stored: all (filings and dead letters), or those with one status.

        'dead_lettered' counts filings with that status and messages recorded by record_dead_letter."""
        if status is None:
            sql = "SELECT (SELECT COUNT(*) FROM filings) + (SELECT COUNT(*) FROM dead_letters)"
            return int(self._run(sql).fetchone()[0])
        (n,) = self._run("SELECT COUNT(*) FROM filings WHERE status = ?", (status,)).fetchone()
        if status == DEAD_LETTERED:
            n += self._run("SELECT COUNT(*) FROM dead_letters").fetchone()[0]
        return int(n)

    def stats(self) -> dict[str, int]:
        """Figures for the operations team: messages by status, duplicates seen, outbound by state."""
        with self._tx(write=False):
            by_status = dict(self._run("SELECT status, COUNT(*) FROM filings GROUP BY status").fetchall())
            dead = self._run("SELECT COUNT(*) FROM dead_letters").fetchone()[0]
            duplicates = self._run("SELECT COUNT(*) FROM duplicates").fetchone()[0]
            rows = self._run("SELECT published, COUNT(*) FROM outbound GROUP BY published").fetchall()
            published = {bool(p): n for p, n in rows}
        return {
            "received": int(sum(by_status.values()) + dead),
            "accepted": int(by_status.get(ACCEPTED, 0)),
            "rejected": int(by_status.get(REJECTED, 0)),
            "dead_lettered": int(by_status.get(DEAD_LETTERED, 0) + dead),
            "duplicates_seen": int(duplicates),
            "outbound_pending": int(published.get(False, 0)),
            "outbound_published": int(published.get(True, 0)),
        }

    # --- helpers

    def _filing_id(self, message_id: str | None, body_hash: str) -> int | None:
        where, params = _key(message_id)
        row = self._run(f"SELECT id FROM filings WHERE {where}", (*params, body_hash)).fetchone()
        return None if row is None else int(row[0])

    def _pending_of(self, filing_id: int) -> tuple[OutboundMessage, ...]:
        rows = self._run(
            f"SELECT {_OUTBOUND_COLUMNS} FROM outbound o"
            " WHERE o.filing_id = ? AND NOT o.published ORDER BY o.id",
            (filing_id,),
        ).fetchall()
        return tuple(self._outbound(r) for r in rows)

    def _outbound(self, row: Sequence[Any]) -> OutboundMessage:
        message_id, exchange, routing_key, kind, content_type, body, headers = row[:7]
        return OutboundMessage(
            message_id=message_id,
            exchange=exchange,
            routing_key=routing_key,
            kind=kind,
            content_type=content_type,
            body=bytes(body),
            headers=self._json_out(headers),
        )

    def _decision_row(self, filing_id: int, d: DecisionRecord, now: Any) -> tuple[Any, ...]:
        return (
            filing_id,
            d.consignment_key,
            d.awb,
            d.hawb,
            d.decision,
            self._json_in(list(d.rule_ids)),
            d.rules_version,
            self._json_in(d.detail),
            now,
        )

    def _outbound_row(self, filing_id: int, o: OutboundMessage) -> tuple[Any, ...]:
        return (
            filing_id,
            o.message_id,
            o.exchange,
            o.routing_key,
            o.kind,
            o.content_type,
            self._json_in(o.headers),
            o.body,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StoreBatch:
    """The writes of one transaction, gathered and then executed in bulk by `flush` (called by
    `SqlAuditStore.batch`). Reads go to the database at once, inside the same transaction."""

    def __init__(self, store: SqlAuditStore) -> None:
        self.store = store
        self.now = store._ts_in(_now())
        self._decisions: list[tuple[Any, ...]] = []
        self._outbound: list[tuple[Any, ...]] = []
        self._events: list[tuple[Any, ...]] = []
        self._states: dict[str, ConsignmentState] = {}
        self._actions: list[tuple[Any, ...]] = []

    # --- filings

    def insert_filings(self, items: Sequence[tuple[ReceivedMessage, FilingOutcome]]) -> list[RecordResult]:
        """Store each new filing (status and reasons) and tell which are duplicates. Inserted in key
        order, so that two consumers storing overlapping batches take the unique-index locks in the
        same order and cannot deadlock; results come back in the order given."""
        s = self.store
        for received, outcome in items:
            _check(received, outcome)
        order = sorted(range(len(items)), key=lambda i: (items[i][0].message_id or "", items[i][0].body_hash))
        results: list[RecordResult | None] = [None] * len(items)
        seen: dict[tuple[str | None, str], RecordResult] = {}
        for i in order:
            received, outcome = items[i]
            key = (received.message_id, received.body_hash)
            if key in seen:
                first = seen[key]
                results[i] = RecordResult(first.filing_id, duplicate=True, pending=first.pending)
                continue
            row = s._run(
                _INSERT_FILING,
                (
                    received.message_id,
                    received.body_hash,
                    s._ts_in(received.received_at),
                    self.now,
                    received.content_type,
                    received.routing_key,
                    received.kind,
                    s._json_in(received.headers),
                    received.body,
                    outcome.status,
                    s._json_in(list(outcome.reasons)),
                ),
            ).fetchone()
            if row is None:  # already stored by an earlier batch, process or run
                filing_id = s._filing_id(received.message_id, received.body_hash)
                if filing_id is None:  # pragma: no cover - a conflict always leaves the row
                    raise RuntimeError("filing insert conflicted but no filing has that key")
                if self._revive(filing_id, received, outcome):
                    result = RecordResult(filing_id, duplicate=False, pending=tuple(outcome.outbound))
                else:
                    result = RecordResult(filing_id, duplicate=True, pending=s._pending_of(filing_id))
            else:
                result = RecordResult(int(row[0]), duplicate=False, pending=tuple(outcome.outbound))
            seen[key] = result
            results[i] = result
        return [r for r in results if r is not None]

    def _revive(self, filing_id: int, received: ReceivedMessage, outcome: FilingOutcome) -> bool:
        """A dead-lettered filing replayed from the dead-letter queue (`dlq replay`) after its
        cause was fixed (a schema that refused real traffic, a bug): it is no longer dead, so its
        stored row takes the new outcome and it is processed as the new filing it now is. The
        dead_letters row stays, as history."""
        if REPLAY_HEADER not in received.headers or outcome.status == DEAD_LETTERED:
            return False
        s = self.store
        row = s._run(
            "UPDATE filings SET status = ?, reasons = ?, recorded_at = ? WHERE id = ? AND status = ?"
            " RETURNING id",
            (outcome.status, s._json_in(list(outcome.reasons)), self.now, filing_id, DEAD_LETTERED),
        ).fetchone()
        return row is not None

    def add_decisions(self, filing_id: int, decisions: Sequence[DecisionRecord]) -> None:
        self._decisions.extend(self.store._decision_row(filing_id, d, self.now) for d in decisions)

    def add_outbound(self, filing_id: int, outbound: Sequence[OutboundMessage]) -> None:
        self._outbound.extend(self.store._outbound_row(filing_id, o) for o in outbound)

    def filing_body(self, filing_id: int) -> bytes | None:
        """The raw bytes of a stored filing (to read a house's current filing again)."""
        row = self.store._run("SELECT body FROM filings WHERE id = ?", (filing_id,)).fetchone()
        return bytes(row[0]) if row is not None else None

    # --- consignment state

    def lock_states(self, keys: Iterable[str]) -> dict[str, ConsignmentState]:
        """The state of each consignment that has one, locked until the transaction ends, and the
        keys without one locked too, so that two transactions creating the same consignment take
        turns (PostgreSQL advisory locks in one global order; SQLite's single writer)."""
        s = self.store
        wanted = sorted(set(keys) - set(self._states))
        if not wanted:
            return {}
        s._lock_keys(wanted)
        found: dict[str, ConsignmentState] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = s._run(f"SELECT key, state FROM consignments WHERE key IN ({marks})", chunk).fetchall()
            for key, state in rows:
                found[key] = state_from_json(s._json_out(state))
        return found

    def events(self, key: str) -> list[Event]:
        """Every event folded into a consignment's state, in the order recorded."""
        rows = self.store._run(
            "SELECT event FROM consignment_events WHERE consignment_key = ? ORDER BY arrival, id", (key,)
        ).fetchall()
        pending = [e for k, e in self._pending_events() if k == key]
        return [event_from_json(self.store._json_out(r[0])) for r in rows] + pending

    def _pending_events(self) -> list[tuple[str, Event]]:
        return [(row[0], row[-1]) for row in self._events]

    def add_event(self, key: str, event: Event) -> None:
        s = self.store
        kind = {"FilingEvent": "filing", "OfficerEvent": "officer", "DepartureEvent": "departure"}
        self._events.append(
            (
                key,
                event.event_id,
                s._ts_in(event.time),
                event.arrival,
                kind[type(event).__name__],
                s._json_in(event_to_json(event)),
                self.now,
                event,
            )
        )

    def put_state(self, state: ConsignmentState) -> None:
        self._states[state.key] = state

    def rekey(self, old: str, new: str) -> None:
        """Move a consignment's events, holds and actions to a new key (a house filed before its
        master is known by its house number alone; once linked, by AWB and house number)."""
        s = self.store
        for table in ("consignment_events", "officer_actions"):
            s._run(f"UPDATE {table} SET consignment_key = ? WHERE consignment_key = ?", (new, old))
        # Hold ids depend on the key: the replayed state under the new key writes them afresh.
        s._run("DELETE FROM holds WHERE consignment_key = ?", (old,))
        s._run("DELETE FROM consignments WHERE key = ?", (old,))
        self._events = [(new if row[0] == old else row[0], *row[1:]) for row in self._events]
        self._states.pop(old, None)

    # --- officer actions

    def add_action(
        self,
        command_id: str,
        officer: str,
        action: str,
        key: str,
        hold_ids: Sequence[str],
        kind: str | None,
        note: str,
        source: str,
        acted_at: datetime,
        result: dict[str, Any],
    ) -> None:
        s = self.store
        self._actions.append(
            (
                command_id,
                officer,
                action,
                key,
                s._json_in(list(hold_ids)),
                kind,
                note,
                source,
                s._ts_in(acted_at),
                s._json_in(result),
            )
        )

    # --- writing it all

    def flush(self) -> None:
        s = self.store
        if self._decisions:
            s._run_many(_INSERT_DECISION, self._decisions)
        if self._outbound:
            s._run_many(_INSERT_OUTBOUND, self._outbound)
        if self._events:
            s._run_many(
                "INSERT INTO consignment_events (consignment_key, event_id, event_time, arrival, kind, event,"
                " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [row[:-1] for row in self._events],
            )
        if self._states:
            s._run_many(_UPSERT_STATE, [self._state_row(st) for st in self._states.values()])
            holds = [self._hold_row(st, h) for st in self._states.values() for h in st.holds]
            if holds:
                s._run_many(_UPSERT_HOLD, holds)
        if self._actions:
            s._run_many(
                "INSERT INTO officer_actions (command_id, officer, action, consignment_key, hold_ids, kind,"
                " note, source, acted_at, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                self._actions,
            )

    def _state_row(self, st: ConsignmentState) -> tuple[Any, ...]:
        s = self.store
        strongest = st.strongest_open()
        return (
            st.key,
            st.awb,
            st.hawb,
            st.level,
            st.master_key,
            st.departed,
            strongest.value if strongest else None,
            st.last_status,
            st.current_filing_id,
            self.now,
            s._json_in(state_to_json(st)),
        )

    def _hold_row(self, st: ConsignmentState, h: Any) -> tuple[Any, ...]:
        s = self.store
        hold = hold_to_json(h)
        return (
            h.id,
            st.key,
            st.awb,
            st.hawb,
            h.kind.value,
            h.state,
            h.origin,
            s._json_in(list(h.rule_ids)),
            h.placed_by,
            s._ts_in(h.placed_at),
            h.removed_by,
            s._ts_in(h.removed_at) if h.removed_at else None,
            h.removal,
            st.departed,
            s._json_in(list(st.flights)),
            s._json_in(hold),
            self.now,
        )


_UPSERT_STATE = (
    "INSERT INTO consignments (key, awb, hawb, level, master_key, departed, strongest_hold, last_status,"
    " current_filing_id, updated_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET awb = excluded.awb, hawb = excluded.hawb, level = excluded.level,"
    " master_key = excluded.master_key, departed = excluded.departed,"
    " strongest_hold = excluded.strongest_hold, last_status = excluded.last_status,"
    " current_filing_id = excluded.current_filing_id, updated_at = excluded.updated_at,"
    " state = excluded.state"
)
_UPSERT_HOLD = (
    "INSERT INTO holds (id, consignment_key, awb, hawb, kind, state, origin, rule_ids, placed_by, placed_at,"
    " removed_by, removed_at, removal, departed, flights, hold, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET consignment_key = excluded.consignment_key, awb = excluded.awb,"
    " hawb = excluded.hawb, state = excluded.state, rule_ids = excluded.rule_ids,"
    " removed_by = excluded.removed_by, removed_at = excluded.removed_at, removal = excluded.removal,"
    " departed = excluded.departed, flights = excluded.flights, hold = excluded.hold,"
    " updated_at = excluded.updated_at"
)


def _now() -> datetime:
    return datetime.now(UTC)


def _check_time(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("received_at must be a timezone-aware datetime (UTC)")


def _check(received: ReceivedMessage, outcome: Outcome) -> None:
    """Refuse what would be stored wrongly: an unknown status or a naive time (bugs, not data errors)."""
    if outcome.status not in STATUSES:
        raise ValueError(f"unknown outcome status {outcome.status!r}; expected one of {sorted(STATUSES)}")
    _check_time(received.received_at)

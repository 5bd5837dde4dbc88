"""The audit store's records, its interface, and the SQL both backends share.

The store is the source of truth for idempotency across restarts: a filing is known by
(message_id, body_hash), and every outbound message it caused is kept until the broker confirms it.
The SQL is written once here with `?` placeholders and a few type names filled in per dialect, so
the SQLite and PostgreSQL backends differ only in connecting, transactions and value conversion.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol, Self

SCHEMA_VERSION = 1

ACCEPTED = "accepted"
REJECTED = "rejected"
DEAD_LETTERED = "dead_lettered"
STATUSES: frozenset[str] = frozenset({ACCEPTED, REJECTED, DEAD_LETTERED})


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """An inbound delivery as received: raw bytes and the AMQP metadata worth keeping."""

    message_id: str | None
    body_hash: str  # sha256 hex of the raw body
    body: bytes
    headers: dict[str, Any]  # JSON-able
    received_at: datetime  # UTC aware
    content_type: str | None = None
    routing_key: str | None = None
    kind: str | None = None  # XFWB, XFZB, ... when detected

    @classmethod
    def of(
        cls,
        body: bytes,
        *,
        message_id: str | None,
        headers: dict[str, Any] | None = None,
        received_at: datetime | None = None,
        content_type: str | None = None,
        routing_key: str | None = None,
        kind: str | None = None,
    ) -> ReceivedMessage:
        """A ReceivedMessage with its body hash computed and the time defaulting to now (UTC)."""
        return cls(
            message_id=message_id,
            body_hash=body_sha256(body),
            body=body,
            headers=dict(headers or {}),
            received_at=received_at or datetime.now(UTC),
            content_type=content_type,
            routing_key=routing_key,
            kind=kind,
        )


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """The decision on one consignment, with the rule ids and rules version that produced it."""

    consignment_key: str  # Consignment.key: AWB, or AWB/HAWB for a house
    awb: str | None
    hawb: str | None
    decision: str  # ASSESSMENT_COMPLETE, RFI, RFS, DNL, REJECTED, NOT_ASSESSED
    rule_ids: tuple[str, ...] = ()
    rules_version: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # JSON-able evidence
    decided_at: datetime | None = None  # set by the store when recorded; ignored on the way in


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message to publish (XFNM/XCSN to a carrier, a referral to targeting) with a stable id."""

    message_id: str
    exchange: str
    routing_key: str
    kind: str  # xfnm, xcsn, referral
    content_type: str
    body: bytes
    headers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What processing one filing produced: its status, reasons, decisions and outbound messages."""

    status: str  # accepted, rejected, dead_lettered
    reasons: tuple[dict[str, Any], ...] = ()  # code/path/line/detail/severity
    decisions: tuple[DecisionRecord, ...] = ()
    outbound: tuple[OutboundMessage, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The answer to record(): the filing's id, whether it was already stored, and what to publish.

    `pending` is the filing's outbound messages not yet marked published: for a new filing all of
    them, for a duplicate only those a crash left unconfirmed (publish them again, same ids)."""

    filing_id: int
    duplicate: bool
    pending: tuple[OutboundMessage, ...] = ()


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


def body_sha256(body: bytes) -> str:
    """The body hash the store keys filings by: sha256 of the raw bytes, lower-case hex."""
    return hashlib.sha256(body).hexdigest()


# --- interface ----------------------------------------------------------------------------------


class AuditStore(Protocol):
    """What the consumer needs from the store. One store object belongs to one thread at a time."""

    def record(self, received: ReceivedMessage, outcome: Outcome) -> RecordResult: ...

    def record_many(self, items: Sequence[tuple[ReceivedMessage, Outcome]]) -> list[RecordResult]: ...

    def find(self, message_id: str | None, body_hash: str) -> StoredFiling | None: ...

    def mark_published(self, outbound_message_ids: Sequence[str]) -> None: ...

    def pending_outbound(self, limit: int = 1000) -> list[OutboundMessage]: ...

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

# One schema for both dialects; {id}, {ts}, {json}, {blob} are the dialect's type names.
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


class SqlAuditStore(ABC):
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

    def _lock_schema(self) -> None:  # noqa: B027 - optional hook
        """Serialise schema creation between processes opening the same database at once."""

    # --- schema

    def _create_schema(self) -> None:
        """Create the tables if missing and check the schema version, in one transaction."""
        with self._tx():
            self._lock_schema()
            for statement in SCHEMA.format(**self.types).split(";"):
                if statement.strip():
                    self._run(statement)
            (found,) = self._run("SELECT MAX(version) FROM schema_version").fetchone()
            if found is None:
                self._run(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (SCHEMA_VERSION, self._ts_in(_now())),
                )
            elif found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the audit database has schema version {found}, newer than this code's {SCHEMA_VERSION}"
                )

    # --- writing

    def record(self, received: ReceivedMessage, outcome: Outcome) -> RecordResult:
        """Store a filing with its outcome, decisions and outbound messages, unless it is already stored."""
        return self.record_many([(received, outcome)])[0]

    def record_many(self, items: Sequence[tuple[ReceivedMessage, Outcome]]) -> list[RecordResult]:
        """record() for a batch in one transaction; a key repeated within the batch is a duplicate too."""
        for received, outcome in items:
            _check(received, outcome)
        now = self._ts_in(_now())
        results: list[RecordResult] = []
        in_batch: dict[tuple[str | None, str], RecordResult] = {}
        decisions: list[tuple[Any, ...]] = []
        outbound: list[tuple[Any, ...]] = []
        with self._tx():
            for received, outcome in items:
                key = (received.message_id, received.body_hash)
                if key in in_batch:
                    first = in_batch[key]
                    results.append(RecordResult(first.filing_id, duplicate=True, pending=first.pending))
                    continue
                row = self._run(
                    _INSERT_FILING,
                    (
                        received.message_id,
                        received.body_hash,
                        self._ts_in(received.received_at),
                        now,
                        received.content_type,
                        received.routing_key,
                        received.kind,
                        self._json_in(received.headers),
                        received.body,
                        outcome.status,
                        self._json_in(list(outcome.reasons)),
                    ),
                ).fetchone()
                if row is None:  # already stored by an earlier batch, process or run
                    filing_id = self._filing_id(received.message_id, received.body_hash)
                    if filing_id is None:  # pragma: no cover - a conflict always leaves the row
                        raise RuntimeError("filing insert conflicted but no filing has that key")
                    result = RecordResult(filing_id, duplicate=True, pending=self._pending_of(filing_id))
                else:
                    filing_id = row[0]
                    result = RecordResult(filing_id, duplicate=False, pending=tuple(outcome.outbound))
                    decisions.extend(self._decision_row(filing_id, d, now) for d in outcome.decisions)
                    outbound.extend(self._outbound_row(filing_id, o) for o in outcome.outbound)
                in_batch[key] = result
                results.append(result)
            if decisions:
                self._run_many(_INSERT_DECISION, decisions)
            if outbound:
                self._run_many(_INSERT_OUTBOUND, outbound)
        return results

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

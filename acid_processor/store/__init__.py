"""The audit store: every filing received, its outcome and decisions, and every outbound message.

`open_store(url)` picks the backend from the URL: `sqlite:///relative.sqlite3`, `sqlite:////abs/path.sqlite3`
or `sqlite:///:memory:` for SQLite; `postgresql://...` or `postgres://...` (with an optional
`?schema=NAME`) for PostgreSQL.
"""

from __future__ import annotations

from acid_processor.store.base import (
    ACCEPTED,
    DEAD_LETTERED,
    REJECTED,
    SCHEMA_VERSION,
    AuditStore,
    DecisionRecord,
    OutboundMessage,
    Outcome,
    ReceivedMessage,
    RecordResult,
    SqlAuditStore,
    StoredFiling,
    body_sha256,
)

__all__ = [
    "ACCEPTED",
    "DEAD_LETTERED",
    "REJECTED",
    "SCHEMA_VERSION",
    "AuditStore",
    "DecisionRecord",
    "OutboundMessage",
    "Outcome",
    "ReceivedMessage",
    "RecordResult",
    "SqlAuditStore",
    "StoredFiling",
    "body_sha256",
    "is_transient",
    "open_store",
    "shown_url",
]


def shown_url(url: str) -> str:
    """A store URL fit for a log line: the credentials left out."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() == "sqlite":
        return url  # a path: no credentials in it
    netloc, slash, tail = rest.partition("/")
    return f"{scheme}{sep}{netloc.rsplit('@', 1)[-1]}{slash}{tail}"


def open_store(url: str) -> SqlAuditStore:
    """Open the audit store a URL names, creating its tables if missing; ValueError for an unknown scheme."""
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if sep and scheme == "sqlite":
        if not rest.startswith("/") or not rest[1:]:
            raise ValueError(
                f"a SQLite URL is sqlite:///path/to/file.sqlite3 or sqlite:///:memory:, not {url!r}"
            )
        from acid_processor.store.sqlite import SQLiteAuditStore

        return SQLiteAuditStore(rest[1:])
    if sep and scheme in ("postgresql", "postgres"):
        from acid_processor.store.postgres import PostgresAuditStore

        return PostgresAuditStore(url)
    raise ValueError(
        f"unsupported audit store URL {shown_url(url)!r}: expected sqlite:///path/to/file.sqlite3, sqlite:///:memory:"
        " or postgresql://host:port/dbname"
    )


def is_transient(exc: BaseException) -> bool:
    """Whether a store error is the kind that goes away: a database that is down, restarting,
    failing over, unreachable or locked, a deadlock or serialisation conflict (the transaction is
    retried whole), a volume that is not there. A programming error (bad SQL, a constraint
    violated, a wrong value) is not: retrying it would only repeat it."""
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return not any(
            w in text for w in ("syntax error", "no such table", "no such column", "has no column")
        )
    if isinstance(exc, OSError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    if isinstance(
        exc, psycopg.errors.ProgrammingError | psycopg.errors.DataError | psycopg.errors.IntegrityError
    ):
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)

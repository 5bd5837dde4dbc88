"""The PostgreSQL audit store (psycopg 3): for production, where several consumers share one database.

Idempotency rests on the unique indexes and INSERT ... ON CONFLICT DO NOTHING RETURNING, so two
consumers racing on the same redelivered filing store it once. A `schema=NAME` query parameter in the
URL puts the tables in that schema (created if missing), which is how tests and tenants are kept apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from acid_processor.store.base import SqlAuditStore, dumps_json

# A JSON \u0000 escape that is not itself an escaped backslash followed by "u0000".
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _dumps_jsonb(value: Any) -> str:
    """JSON text jsonb accepts: jsonb cannot hold U+0000, so it is stored as U+FFFD."""
    text = dumps_json(value)
    return _JSON_NUL.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def _text(value: Any) -> Any:
    """A parameter PostgreSQL text accepts: NUL characters (possible in AMQP strings) become U+FFFD."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def split_schema(url: str) -> tuple[str, str | None]:
    """The connection URL without the `schema` query parameter, and that parameter's value."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema or None


class PostgresAuditStore(SqlAuditStore):
    """The audit store in PostgreSQL over one connection. Not shared across threads: one thread at a time."""

    types = {  # noqa: RUF012 - read-only by convention
        "id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "ts": "TIMESTAMPTZ",
        "json": "JSONB",
        "blob": "BYTEA",
    }

    def __init__(self, url: str, *, connect_timeout_s: int = 10) -> None:
        """Connect to `url` (postgresql://...[?schema=NAME]) and create the schema and tables if missing."""
        self._conninfo, self._schema = split_schema(url)
        self._connect_timeout_s = connect_timeout_s
        self._conn = self._open()
        try:
            self._create_schema()
        except BaseException:
            self._conn.close()
            raise

    def _open(self) -> psycopg.Connection[Any]:
        # autocommit: reads need no transaction; writes open one explicitly in _tx().
        conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=self._connect_timeout_s)
        try:
            if self._schema:
                exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self._schema,))
                if exists.fetchone() is None:
                    create = sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self._schema))
                    conn.execute(create)
                conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self._schema)))
        except BaseException:
            conn.close()
            raise
        return conn

    def reconnect(self) -> None:
        """A new connection (after a fail-over, a restart or a network cut of the database)."""
        with contextlib.suppress(Exception):
            self._conn.close()
        self._conn = self._open()

    def _run(self, statement: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self._conn.execute(statement.replace("?", "%s"), [_text(p) for p in params])  # type: ignore[arg-type]

    def _run_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(statement.replace("?", "%s"), [[_text(p) for p in row] for row in rows])  # type: ignore[arg-type]

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[None]:
        with self._conn.transaction():
            yield

    def _lock_schema(self) -> None:
        # Two processes creating the tables at once would collide in the catalogue; take turns.
        self._run(
            "SELECT pg_advisory_xact_lock("
            "hashtext(coalesce(current_schema(), '') || '.acid_processor_schema'))"
        )

    def _lock_keys(self, keys: Sequence[str]) -> None:
        # Transaction-scoped advisory locks on a 63-bit hash of each key, taken in ascending hash
        # order: every transaction locks in the same global order, so two consumers updating the
        # same consignments wait for each other instead of deadlocking, and a consignment that does
        # not exist yet is locked as well as one that does.
        ids = sorted({int.from_bytes(hashlib.sha256(k.encode()).digest()[:8], "big") >> 1 for k in keys})
        self._conn.execute(
            "SELECT count(pg_advisory_xact_lock(x))"
            " FROM (SELECT x FROM unnest(%s::bigint[]) AS x ORDER BY x) AS ordered",
            [ids],
        )

    def _has_table(self, name: str) -> bool:
        row = self._run("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()
        return bool(row[0])

    def _ts_in(self, value: datetime) -> datetime:
        return value

    def _ts_out(self, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def _json_in(self, value: Any) -> Jsonb:
        return Jsonb(value, dumps=_dumps_jsonb)

    def _json_out(self, value: Any) -> Any:
        return value  # psycopg loads jsonb into Python values

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

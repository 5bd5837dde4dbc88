"""The SQLite audit store: an embedded file for a developer machine or a single-node deployment.

WAL mode with synchronous=FULL: every commit is fsynced before record() returns, because the consumer
acks the broker right after; with NORMAL a power cut could lose the last commits after their ack, and
with them the filing and the knowledge that it was already answered. Batching (record_many) pays for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acid_processor.store.base import SqlAuditStore, dumps_json


class SQLiteAuditStore(SqlAuditStore):
    """The audit store in one SQLite file (or in memory). Not shared across threads: one thread at a time."""

    types = {  # noqa: RUF012 - read-only by convention
        "id": "INTEGER PRIMARY KEY AUTOINCREMENT",  # AUTOINCREMENT: ids of an audit log are never reused
        "ts": "TEXT",  # ISO 8601 in UTC, fixed width, so text order is time order
        "json": "TEXT",
        "blob": "BLOB",
    }

    def __init__(self, path: str, *, busy_timeout_s: float = 30.0) -> None:
        """Open (and create if missing) the database file at `path`, or ':memory:'."""
        self._path = path
        self._busy_timeout_s = busy_timeout_s
        self._conn = self._open()
        self._create_schema()

    def _open(self) -> sqlite3.Connection:
        self._lock_fd: int | None = None
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(f"{self._path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        # isolation_level=None: no implicit transactions; _tx() issues BEGIN/COMMIT itself.
        # check_same_thread=False: the store may be created on one thread and used on another,
        # but only ever by one thread at a time.
        conn = sqlite3.connect(
            self._path, isolation_level=None, check_same_thread=False, timeout=self._busy_timeout_s
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def reconnect(self) -> None:
        """Open the file again (after an I/O error, or a volume that came back)."""
        if self._path == ":memory:":
            return  # an in-memory database cannot come back: keep what there is
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._close_lock()
        self._conn = self._open()

    def _close_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None

    def _run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
        with self._writer_turn() if write else contextlib.nullcontext():
            self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _writer_turn(self) -> Iterator[None]:
        """Writers of one file (consumer processes, the CLI, the console) take turns on a lock file
        beside it before BEGIN IMMEDIATE. SQLite's own busy handler sleeps up to 100 ms between
        tries, so a waiting writer would sleep long after the lock is free; polling a lock file
        every millisecond or two hands the turn over at once. Bounded by the busy timeout, then
        "database is locked" (a transient error: the consumer retries it)."""
        fd = self._lock_fd
        if fd is None:
            yield
            return
        deadline = time.monotonic() + self._busy_timeout_s
        pause = 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked (writer lock file)") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _has_table(self, name: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return row.fetchone() is not None

    def _ts_in(self, value: datetime) -> str:
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def _ts_out(self, value: str) -> datetime:
        return datetime.fromisoformat(value)

    def _json_in(self, value: Any) -> str:
        return dumps_json(value)

    def _json_out(self, value: str) -> Any:
        return json.loads(value)

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite on the last close)."""
        self._conn.close()
        self._close_lock()

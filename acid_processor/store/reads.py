"""What the console reads from the audit store, written to stay cheap at a million stored filings.

Every query here is bounded: by a time window over an indexed time column, by the small set of
open holds or unconfirmed outbound messages (partial or leading-column indexes), or by LIMIT on a
primary key. None counts or scans a whole table per refresh, except where an index answers the
count by itself (filings by status). The indexes they rely on are migration 3 below
(`CONSOLE_INDEXES`), appended to `store/base.py`'s MIGRATIONS.

`ConsoleReads` is a mixin of `SqlAuditStore`: it uses the dialect hooks (`_run`, `_ts_in`,
`_json_out`, ...) and tells SQLite from PostgreSQL by the type names the dialect declares, for the
two things their SQL spells differently (a JSON field, a minute bucket). The console's own audit
(`record_console_action`) is the one write here: who replayed what, who tried a rule set, who
logged in; officer actions on holds are audited by the lifecycle in `officer_actions`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["CONSOLE_INDEXES", "KIND_ORDER", "ConsoleReads"]

# Version 3: indexes for the console's windows and lists, and the console's own audit table.
CONSOLE_INDEXES = """
CREATE INDEX IF NOT EXISTS filings_received ON filings (received_at);
CREATE INDEX IF NOT EXISTS filings_status_received ON filings (status, received_at);
CREATE INDEX IF NOT EXISTS decisions_decided ON decisions (decided_at, decision);
CREATE INDEX IF NOT EXISTS outbound_published_at ON outbound (published_at);
CREATE INDEX IF NOT EXISTS dead_letters_received ON dead_letters (received_at);
CREATE INDEX IF NOT EXISTS dead_letters_reason ON dead_letters (reason_code, received_at);
CREATE INDEX IF NOT EXISTS duplicates_seen ON duplicates (seen_at);
CREATE INDEX IF NOT EXISTS holds_departed_open ON holds (departed, state, placed_at);
CREATE TABLE IF NOT EXISTS console_actions (
    id {id},
    acted_at {ts} NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL,
    detail {json} NOT NULL
);
CREATE INDEX IF NOT EXISTS console_actions_time ON console_actions (acted_at)
"""

KIND_ORDER = ("DNL", "RFS", "RFI")  # the worklist's order: strongest hold first
_KIND_RANK = "CASE kind WHEN 'DNL' THEN 0 WHEN 'RFS' THEN 1 ELSE 2 END"
ASSESSED_KINDS = ("XFWB", "XFZB", "XFHL")  # what a rule set decides on (a manifest is not assessed)
LATENCY_SAMPLES = 5000  # the newest replies of the hour the percentiles are computed over


def _now() -> datetime:
    return datetime.now(UTC)


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) of sorted values, nearest rank; None for no values."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


class ConsoleReads:
    """Reads for the operations and targeting console, mixed into SqlAuditStore."""

    # Supplied by SqlAuditStore and its dialects.
    types: Any
    _run: Any
    _ts_in: Any
    _ts_out: Any
    _json_in: Any
    _json_out: Any
    _tx: Any

    # --- dialect

    def _postgres(self) -> bool:
        return self.types["ts"] == "TIMESTAMPTZ"

    def _first_reason_code(self) -> str:
        """SQL for the code of a filing's first reason (the dead-letter reason)."""
        return "(reasons->0->>'code')" if self._postgres() else "json_extract(reasons, '$[0].code')"

    def _minute(self, column: str) -> str:
        """SQL for a UTC timestamp column truncated to its minute, as text 'YYYY-MM-DDTHH:MM'."""
        if self._postgres():
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI')"
        return f"substr({column}, 1, 16)"

    def _flight_match(self) -> str:
        """SQL true when a hold's flights (a JSON list) contain the flight given as a parameter."""
        return (
            "flights @> jsonb_build_array(CAST(? AS text))"
            if self._postgres()
            else "EXISTS (SELECT 1 FROM json_each(flights) WHERE value = ?)"
        )

    # --- health

    def ping(self) -> None:
        """Raise unless the store answers a query (the console's readiness)."""
        self._run("SELECT 1").fetchone()

    # --- operations

    def operations(self, now: datetime | None = None) -> dict[str, Any]:
        """The operations page's figures: messages per minute and per hour by status, decisions
        by kind over 1 h and 24 h, reply latency percentiles, outbound messages not yet confirmed,
        dead letters by reason, duplicates, the latest decisions, and a per-minute series of the
        last hour for the chart."""
        now = now or _now()
        minute, hour, day = (self._ts_in(now - timedelta(seconds=s)) for s in (60, 3600, 86400))
        out: dict[str, Any] = {"now": now}
        with self._tx(write=False):
            out["messages"] = {"1m": self._messages_since(minute), "1h": self._messages_since(hour)}
            out["decisions"] = {
                name: dict(
                    self._run(
                        "SELECT decision, COUNT(*) FROM decisions WHERE decided_at >= ? GROUP BY decision",
                        (since,),
                    ).fetchall()
                )
                for name, since in (("1h", hour), ("24h", day))
            }
            out["latency"] = self._latency(hour)
            out["outbound_pending"] = self.outbound_pending(now)
            out["dead_letters"] = self.dead_letter_reasons(since=day)
            out["duplicates"] = {
                name: int(
                    self._run("SELECT COUNT(*) FROM duplicates WHERE seen_at >= ?", (since,)).fetchone()[0]
                )
                for name, since in (("1h", hour), ("24h", day))
            }
            out["latest_decisions"] = self.latest_decisions(10)
            out["series"] = self._series(now)
            out["holds"] = self.open_hold_figures(now)
        return out

    def _messages_since(self, since: Any) -> dict[str, int]:
        # No GROUP BY: grouping by status would let the planner walk the whole (status, received_at)
        # index in status order; counting by CASE keeps it to the window's range of received_at.
        row = self._run(
            "SELECT COUNT(*), SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN status = 'dead_lettered' THEN 1 ELSE 0 END)"
            " FROM filings WHERE received_at >= ?",
            (since,),
        ).fetchone()
        by_status = {"accepted": row[1] or 0, "rejected": row[2] or 0, "dead_lettered": row[3] or 0}
        extra_dead = int(
            self._run("SELECT COUNT(*) FROM dead_letters WHERE received_at >= ?", (since,)).fetchone()[0]
        )
        unanswered = int(
            self._run(
                "SELECT COUNT(DISTINCT o.filing_id) FROM outbound o JOIN filings f ON f.id = o.filing_id"
                " WHERE NOT o.published AND f.received_at >= ?",
                (since,),
            ).fetchone()[0]
        )
        stored = int(row[0] or 0)
        return {
            "received": stored + extra_dead,
            "acked": stored - unanswered + extra_dead,
            "accepted": int(by_status.get("accepted", 0)),
            "rejected": int(by_status.get("rejected", 0)),
            "dead_lettered": int(by_status.get("dead_lettered", 0)) + extra_dead,
        }

    def _latency(self, since: Any) -> dict[str, Any]:
        """Seconds from a filing's arrival to its acknowledgement (XFNM) confirmed by the broker."""
        rows = self._run(
            "SELECT f.received_at, o.published_at FROM outbound o JOIN filings f ON f.id = o.filing_id"
            " WHERE o.published_at >= ? AND o.kind = 'xfnm' ORDER BY o.published_at DESC LIMIT ?",
            (since, LATENCY_SAMPLES),
        ).fetchall()
        samples = sorted(
            max(0.0, (self._ts_out(p) - self._ts_out(r)).total_seconds()) for r, p in rows if p is not None
        )
        return {
            "count": len(samples),
            "p50": percentile(samples, 50),
            "p95": percentile(samples, 95),
            "p99": percentile(samples, 99),
        }

    def outbound_pending(self, now: datetime | None = None) -> dict[str, Any]:
        """Outbound messages stored and not yet confirmed by the broker, and the oldest one's age."""
        now = now or _now()
        count = int(self._run("SELECT COUNT(*) FROM outbound WHERE NOT published").fetchone()[0])
        oldest = self._run(
            "SELECT f.recorded_at FROM outbound o JOIN filings f ON f.id = o.filing_id"
            " WHERE NOT o.published ORDER BY o.id LIMIT 1"
        ).fetchone()
        age = (now - self._ts_out(oldest[0])).total_seconds() if oldest else None
        return {"count": count, "oldest_age_s": age}

    def dead_letter_reasons(self, since: Any = None) -> list[tuple[str, int]]:
        """Dead letters by reason code (received since `since`, a stored time value, or all),
        most frequent first."""
        window = "AND received_at >= ?" if since is not None else ""
        params = (since,) if since is not None else ()
        counts: dict[str, int] = {}
        code = self._first_reason_code()
        for reason, n in self._run(
            f"SELECT {code}, COUNT(*) FROM filings WHERE status = 'dead_lettered' {window} GROUP BY {code}",
            params,
        ).fetchall():
            counts[reason or "?"] = counts.get(reason or "?", 0) + int(n)
        where = "WHERE received_at >= ?" if since is not None else ""
        # Grouped by an expression, not the column: grouping by reason_code would let the planner
        # walk the whole (reason_code, received_at) index instead of the window's range of time.
        for reason, n in self._run(
            f"SELECT reason_code || '', COUNT(*) FROM dead_letters {where} GROUP BY reason_code || ''", params
        ).fetchall():
            counts[reason] = counts.get(reason, 0) + int(n)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def latest_decisions(self, limit: int = 10) -> list[dict[str, Any]]:
        """The newest consignment decisions (by primary key, newest first)."""
        rows = self._run(
            "SELECT id, consignment_key, decision, rule_ids, decided_at FROM decisions"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            {
                "id": int(r[0]),
                "consignment": r[1],
                "decision": r[2],
                "rule_ids": list(self._json_out(r[3])),
                "decided_at": self._ts_out(r[4]),
            }
            for r in rows
        ]

    def _series(self, now: datetime) -> list[dict[str, Any]]:
        """Per minute of the last hour: messages received and the median reply latency (seconds)."""
        since = self._ts_in(now - timedelta(minutes=60))
        minute = self._minute("received_at")
        received = dict(
            self._run(
                f"SELECT {minute}, COUNT(*) FROM filings WHERE received_at >= ? GROUP BY {minute}", (since,)
            ).fetchall()
        )
        latency: dict[str, list[float]] = {}
        for r, p in self._run(
            "SELECT f.received_at, o.published_at FROM outbound o JOIN filings f ON f.id = o.filing_id"
            " WHERE o.published_at >= ? AND o.kind = 'xfnm' ORDER BY o.published_at DESC LIMIT ?",
            (since, LATENCY_SAMPLES),
        ).fetchall():
            at = self._ts_out(r)
            key = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
            latency.setdefault(key, []).append(max(0.0, (self._ts_out(p) - at).total_seconds()))
        start = (now - timedelta(minutes=59)).astimezone(UTC).replace(second=0, microsecond=0)
        out = []
        for i in range(60):
            at = start + timedelta(minutes=i)
            key = at.strftime("%Y-%m-%dT%H:%M")
            values = sorted(latency.get(key, ()))
            out.append({"minute": at, "received": int(received.get(key, 0)), "p50": percentile(values, 50)})
        return out

    # --- holds

    def open_hold_figures(self, now: datetime | None = None) -> dict[str, dict[str, Any]]:
        """Per kind: open holds, the oldest one's age in seconds, and those on departed consignments."""
        now = now or _now()
        out: dict[str, dict[str, Any]] = {
            k: {"open": 0, "oldest_age_s": None, "departed": 0} for k in KIND_ORDER
        }
        for kind, n, oldest in self._run(
            "SELECT kind, COUNT(*), MIN(placed_at) FROM holds WHERE state = 'open' GROUP BY kind"
        ).fetchall():
            item = out.setdefault(kind, {"open": 0, "oldest_age_s": None, "departed": 0})
            item["open"] = int(n)
            item["oldest_age_s"] = (now - self._ts_out(oldest)).total_seconds() if oldest else None
        for kind, n in self._run(
            "SELECT kind, COUNT(*) FROM holds WHERE departed = TRUE AND state = 'open' GROUP BY kind"
        ).fetchall():
            out.setdefault(kind, {"open": 0, "oldest_age_s": None, "departed": 0})["departed"] = int(n)
        return out

    def worklist(
        self,
        *,
        kind: str | None = None,
        prefix: str | None = None,
        flight: str | None = None,
        min_age: timedelta | None = None,
        offset: int = 0,
        limit: int = 50,
        now: datetime | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Open holds for the referral worklist and how many match: departed consignments first,
        then DNL, RFS, RFI, then the oldest first. Filters: the hold's kind, the AWB's airline
        prefix, a flight the consignment is routed on, and a minimum age."""
        now = now or _now()
        where = ["state = 'open'"]
        params: list[Any] = []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if prefix:
            where.append("awb LIKE ?")
            params.append(f"{prefix}-%")
        if flight:
            where.append(self._flight_match())
            params.append(flight)
        if min_age is not None:
            where.append("placed_at <= ?")
            params.append(self._ts_in(now - min_age))
        clause = " AND ".join(where)
        total = int(self._run(f"SELECT COUNT(*) FROM holds WHERE {clause}", params).fetchone()[0])
        rows = self._run(
            "SELECT id, consignment_key, awb, hawb, kind, origin, rule_ids, placed_by, placed_at, departed,"
            f" flights, hold FROM holds WHERE {clause}"
            f" ORDER BY CASE WHEN departed THEN 0 ELSE 1 END, {_KIND_RANK}, placed_at, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        out = []
        for hid, key, awb, hawb, k, origin, rule_ids, placed_by, placed_at, departed, flights, hold in rows:
            placed = self._ts_out(placed_at)
            doc = self._json_out(hold)
            out.append(
                {
                    "hold_id": hid,
                    "consignment": key,
                    "awb": awb,
                    "hawb": hawb,
                    "kind": k,
                    "origin": origin,
                    "rule_ids": list(self._json_out(rule_ids)),
                    "placed_by": placed_by,
                    "placed_at": placed,
                    "age_s": (now - placed).total_seconds(),
                    "departed": bool(departed),
                    "flights": list(self._json_out(flights)),
                    "confirmed": bool(doc.get("confirmed_by")),
                    "answered": bool(doc.get("answered_by")),
                }
            )
        return out, total

    # --- dead letters

    def dead_letters(
        self, *, reason: str | None = None, offset: int = 0, limit: int = 50
    ) -> list[dict[str, Any]]:
        """Dead-lettered messages, newest first: filings stored with that status and messages kept
        by `record_dead_letter`, each with its reason code, detail, time and size (not the body)."""
        code = self._first_reason_code()
        filed_where = "status = 'dead_lettered'" + (f" AND {code} = ?" if reason else "")
        kept_where = "WHERE reason_code = ?" if reason else ""
        params = (reason,) if reason else ()
        window = offset + limit  # each source's newest `window` rows are enough to page through
        filed = self._run(
            f"SELECT id, message_id, received_at, content_type, kind, reasons, length(body) FROM filings"
            f" WHERE {filed_where} ORDER BY received_at DESC, id DESC LIMIT ?",
            (*params, window),
        ).fetchall()
        kept = self._run(
            f"SELECT id, message_id, received_at, content_type, kind, reason_code, detail, length(body)"
            f" FROM dead_letters {kept_where} ORDER BY received_at DESC, id DESC LIMIT ?",
            (*params, window),
        ).fetchall()
        rows = []
        for fid, mid, at, ctype, kind, reasons, size in filed:
            first = (self._json_out(reasons) or [{}])[0]
            rows.append(
                {
                    "source": "filing",
                    "id": int(fid),
                    "message_id": mid,
                    "received_at": self._ts_out(at),
                    "content_type": ctype,
                    "kind": kind,
                    "reason_code": first.get("code") or "?",
                    "detail": first.get("detail") or "",
                    "size": int(size or 0),
                }
            )
        for did, mid, at, ctype, kind, rcode, detail, size in kept:
            rows.append(
                {
                    "source": "dead_letter",
                    "id": int(did),
                    "message_id": mid,
                    "received_at": self._ts_out(at),
                    "content_type": ctype,
                    "kind": kind,
                    "reason_code": rcode,
                    "detail": detail,
                    "size": int(size or 0),
                }
            )
        rows.sort(key=lambda r: (r["received_at"], r["id"]), reverse=True)
        return rows[offset : offset + limit]

    def dead_letter_body(self, source: str, row_id: int) -> dict[str, Any] | None:
        """One dead letter with its raw bytes (`source` 'filing' or 'dead_letter'), or None."""
        if source == "filing":
            row = self._run(
                "SELECT message_id, body, content_type, received_at FROM filings"
                " WHERE id = ? AND status = 'dead_lettered'",
                (row_id,),
            ).fetchone()
        elif source == "dead_letter":
            row = self._run(
                "SELECT message_id, body, content_type, received_at FROM dead_letters WHERE id = ?", (row_id,)
            ).fetchone()
        else:
            return None
        if row is None:
            return None
        return {
            "message_id": row[0],
            "body": bytes(row[1]),
            "content_type": row[2],
            "received_at": self._ts_out(row[3]),
        }

    # --- filings

    def filing_raw(self, filing_id: int) -> dict[str, Any] | None:
        """A stored filing's raw bytes and what it was (kind, status, message id), or None."""
        row = self._run(
            "SELECT message_id, kind, status, content_type, received_at, body, reasons FROM filings"
            " WHERE id = ?",
            (filing_id,),
        ).fetchone()
        if row is None:
            return None
        return {
            "id": filing_id,
            "message_id": row[0],
            "kind": row[1],
            "status": row[2],
            "content_type": row[3],
            "received_at": self._ts_out(row[4]),
            "body": bytes(row[5]),
            "reasons": self._json_out(row[6]),
        }

    def recent_filings(self, last: int) -> Iterator[tuple[int, str | None, bytes]]:
        """The last `last` stored filings a rule set decides on (not dead-lettered, not officer
        commands, not flight manifests), oldest first: (id, message id, raw bytes)."""
        marks = ", ".join("?" * len(ASSESSED_KINDS))
        ids = [
            int(r[0])
            for r in self._run(
                f"SELECT id FROM filings WHERE kind IN ({marks}) AND status <> 'dead_lettered'"
                " ORDER BY id DESC LIMIT ?",
                (*ASSESSED_KINDS, last),
            ).fetchall()
        ]
        ids.reverse()
        for start in range(0, len(ids), 200):  # bodies in chunks: never all of them in memory
            chunk = ids[start : start + 200]
            rows = self._run(
                f"SELECT id, message_id, body FROM filings WHERE id IN ({', '.join('?' * len(chunk))})"
                " ORDER BY id",
                chunk,
            ).fetchall()
            for fid, mid, body in rows:
                yield int(fid), mid, bytes(body)

    def decisions_of_filings(self, filing_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """The decisions recorded for each of these filings, with their evidence."""
        out: dict[int, list[dict[str, Any]]] = {}
        for start in range(0, len(filing_ids), 500):
            chunk = list(filing_ids[start : start + 500])
            if not chunk:
                continue
            rows = self._run(
                "SELECT filing_id, consignment_key, decision, rule_ids, rules_version, detail, decided_at"
                f" FROM decisions WHERE filing_id IN ({', '.join('?' * len(chunk))}) ORDER BY id",
                chunk,
            ).fetchall()
            for fid, key, decision, rule_ids, version, detail, at in rows:
                out.setdefault(int(fid), []).append(
                    {
                        "consignment": key,
                        "decision": decision,
                        "rule_ids": list(self._json_out(rule_ids)),
                        "rules_version": version,
                        "detail": self._json_out(detail),
                        "decided_at": self._ts_out(at),
                    }
                )
        return out

    def outbound_body(self, message_id: str) -> dict[str, Any] | None:
        """An outbound message's body and routing (a reply sent), or None."""
        row = self._run(
            "SELECT kind, exchange, routing_key, content_type, body, published, published_at FROM outbound"
            " WHERE message_id = ?",
            (message_id,),
        ).fetchone()
        if row is None:
            return None
        return {
            "message_id": message_id,
            "kind": row[0],
            "exchange": row[1],
            "routing_key": row[2],
            "content_type": row[3],
            "body": bytes(row[4]),
            "published": bool(row[5]),
            "published_at": self._ts_out(row[6]) if row[6] is not None else None,
        }

    # --- the console's own audit

    def record_console_action(
        self,
        username: str,
        role: str,
        action: str,
        target: str | None,
        outcome: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Audit one console action (a login, a dead-letter replay, a rule-set trial) with its user."""
        with self._tx():
            self._run(
                "INSERT INTO console_actions (acted_at, username, role, action, target, outcome, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self._ts_in(_now()), username, role, action, target, outcome, self._json_in(detail or {})),
            )

    def console_actions(self, limit: int = 50, action: str | None = None) -> list[dict[str, Any]]:
        """The console's audit, newest first (optionally one action)."""
        where = "WHERE action = ?" if action else ""
        rows = self._run(
            "SELECT acted_at, username, role, action, target, outcome, detail FROM console_actions"
            f" {where} ORDER BY id DESC LIMIT ?",
            (*((action,) if action else ()), limit),
        ).fetchall()
        return [
            {
                "acted_at": self._ts_out(r[0]),
                "username": r[1],
                "role": r[2],
                "action": r[3],
                "target": r[4],
                "outcome": r[5],
                "detail": self._json_out(r[6]),
            }
            for r in rows
        ]

    def officer_actions_recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest officer actions on holds, from any source (console, command line, queue)."""
        rows = self._run(
            "SELECT acted_at, officer, action, consignment_key, hold_ids, kind, note, source, result"
            " FROM officer_actions ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            {
                "acted_at": self._ts_out(r[0]),
                "officer": r[1],
                "action": r[2],
                "consignment": r[3],
                "hold_ids": self._json_out(r[4]),
                "kind": r[5],
                "note": r[6],
                "source": r[7],
                "result": self._json_out(r[8]),
            }
            for r in rows
        ]

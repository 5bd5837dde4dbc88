"""The audit store's contract, run the same against SQLite (a temp file) and PostgreSQL (a throwaway schema).

PostgreSQL comes from ACID_TEST_DATABASE_URL (default postgresql://127.0.0.1:5432/test). When it cannot be
reached those tests skip on a developer machine and fail when CI is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from acid_processor.store import (
    DecisionRecord,
    OutboundMessage,
    Outcome,
    ReceivedMessage,
    SqlAuditStore,
    body_sha256,
    open_store,
    shown_url,
)

PG_URL = os.environ.get("ACID_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
T0 = datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def _postgres_schema() -> Iterator[str]:
    """A uniquely named schema on the test server, dropped afterwards; its store URL is yielded."""
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable and CI is set: {exc}")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable: {exc}")
    schema = f"acid_test_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}schema={schema}"
    finally:
        admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    else:
        yield from _postgres_schema()


@pytest.fixture
def store(store_url: str) -> Iterator[SqlAuditStore]:
    s = open_store(store_url)
    yield s
    s.close()


# --- builders -------------------------------------------------------------------------------------


def received(body: bytes = b"<rsm:Waybill/>", message_id: str | None = "MSG-1", **kw) -> ReceivedMessage:
    headers = kw.pop("headers", {"x-sender": "LHCARGO", "x-count": 3, "nested": {"a": [1, "b", None]}})
    return ReceivedMessage.of(
        body,
        message_id=message_id,
        headers=headers,
        received_at=kw.pop("received_at", T0),
        content_type="application/xml",
        routing_key="filings.xfwb",
        kind="XFWB",
        **kw,
    )


def outbound(mid: str, kind: str = "xfnm") -> OutboundMessage:
    return OutboundMessage(
        message_id=mid,
        exchange="acid.replies" if kind != "referral" else "acid.targeting",
        routing_key=f"carrier.{kind}",
        kind=kind,
        content_type="application/xml" if kind != "referral" else "application/json",
        body=f"<{kind} id='{mid}'/>".encode() + b"\x00\xff",
        headers={"correlation": mid},
    )


def decision(key: str = "020-12345675", decision: str = "ASSESSMENT_COMPLETE", **kw) -> DecisionRecord:
    awb, _, hawb = key.partition("/")
    return DecisionRecord(
        consignment_key=key,
        awb=awb,
        hawb=hawb or None,
        decision=decision,
        rule_ids=kw.pop("rule_ids", ("R-001", "R-017")),
        rules_version=kw.pop("rules_version", "2025.03"),
        detail=kw.pop("detail", {"hits": [{"list": "watch", "score": 0.93}]}),
    )


def accepted(*out: OutboundMessage, decisions: tuple[DecisionRecord, ...] = ()) -> Outcome:
    return Outcome(status="accepted", decisions=decisions or (decision(),), outbound=out)


def table_counts(store: SqlAuditStore) -> dict[str, int]:
    tables = ("filings", "decisions", "outbound", "dead_letters", "duplicates")
    return {t: store._run(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


# --- tests ----------------------------------------------------------------------------------------


def test_record_then_find_round_trips_bytes_and_headers(store: SqlAuditStore) -> None:
    body = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9\xff\xfe\x00\x80</a>"
    msg = received(body, headers={"x-sender": "LH", "unicode": "Zürich ✈", "list": [1, 2.5, True, None]})
    reasons = ({"code": "AWB_CHECK_DIGIT", "path": "/a", "line": 1, "detail": "d", "severity": "warning"},)
    outcome = Outcome("accepted", reasons, (decision(),), (outbound("OUT-1"), outbound("OUT-2", "referral")))

    result = store.record(msg, outcome)
    stored = store.find("MSG-1", msg.body_hash)

    assert not result.duplicate
    assert result.pending == outcome.outbound
    assert stored is not None
    assert stored.id == result.filing_id
    assert stored.received == msg
    assert stored.body_hash == body_sha256(body)
    assert stored.received_at == T0
    assert stored.status == "accepted"
    assert stored.reasons == reasons
    assert stored.outbound == ((outcome.outbound[0], False), (outcome.outbound[1], False))
    assert store.find("MSG-1", body_sha256(b"other")) is None
    assert store.find("MSG-2", msg.body_hash) is None


def test_same_message_again_is_a_duplicate_and_writes_nothing(store: SqlAuditStore) -> None:
    msg = received()
    first = store.record(msg, accepted(outbound("OUT-1")))
    before = table_counts(store)

    again = store.record(msg, accepted(outbound("OUT-1-again"), outbound("OUT-2-again")))

    assert again.duplicate
    assert again.filing_id == first.filing_id
    assert again.pending == (outbound("OUT-1"),)  # not confirmed yet: publish again, same id
    assert table_counts(store) == before
    assert store.count() == 1
    assert len(store.decisions_for("020-12345675")) == 1


def test_duplicate_after_confirmation_has_nothing_to_publish(store: SqlAuditStore) -> None:
    msg = received()
    store.record(msg, accepted(outbound("OUT-1"), outbound("REF-1", "referral")))
    store.mark_published(["OUT-1", "REF-1"])

    again = store.record(msg, accepted(outbound("OUT-9")))

    assert again.duplicate
    assert again.pending == ()


def test_same_message_id_with_another_body_is_not_a_duplicate(store: SqlAuditStore) -> None:
    a = store.record(received(b"<a/>"), accepted(outbound("OUT-A")))
    b = store.record(received(b"<b/>"), accepted(outbound("OUT-B")))

    assert not b.duplicate
    assert b.filing_id != a.filing_id
    assert store.count() == 2


def test_record_many_handles_duplicates_inside_and_outside_the_batch(store: SqlAuditStore) -> None:
    earlier = store.record(received(b"<old/>", "OLD"), accepted(outbound("OUT-OLD")))
    batch = [
        (received(b"<1/>", "M1"), accepted(outbound("OUT-1"))),
        (received(b"<2/>", "M2"), accepted(outbound("OUT-2"))),
        (received(b"<1/>", "M1"), accepted(outbound("OUT-1-dup"))),
        (received(b"<old/>", "OLD"), accepted(outbound("OUT-OLD-dup"))),
        (
            received(b"<3/>", None),
            Outcome("rejected", ({"code": "XML_MALFORMED"},), (), (outbound("OUT-3"),)),
        ),
    ]

    results = store.record_many(batch)

    assert [r.duplicate for r in results] == [False, False, True, True, False]
    assert results[2].filing_id == results[0].filing_id
    assert results[2].pending == (outbound("OUT-1"),)
    assert results[3].filing_id == earlier.filing_id
    assert results[3].pending == (outbound("OUT-OLD"),)
    assert store.count() == 4
    assert [o.message_id for o in store.pending_outbound()] == ["OUT-OLD", "OUT-1", "OUT-2", "OUT-3"]


def test_record_many_is_one_transaction(store: SqlAuditStore) -> None:
    store.record(received(b"<a/>", "A"), accepted(outbound("OUT-A")))
    before = table_counts(store)
    batch = [
        (received(b"<b/>", "B"), accepted(outbound("OUT-B"))),
        (received(b"<c/>", "C"), accepted(outbound("OUT-A"))),  # outbound id already taken: a bug
    ]

    with pytest.raises(Exception):  # noqa: B017 - each driver raises its own IntegrityError
        store.record_many(batch)

    assert table_counts(store) == before
    assert store.find("B", body_sha256(b"<b/>")) is None
    store.record(received(b"<d/>", "D"), accepted(outbound("OUT-D")))  # the store still works
    assert store.count() == 2


def test_pending_outbound_until_marked_published(store: SqlAuditStore) -> None:
    store.record(received(b"<1/>", "M1"), accepted(outbound("X1"), outbound("R1", "referral")))
    store.record(received(b"<2/>", "M2"), accepted(outbound("X2")))

    assert [o.message_id for o in store.pending_outbound()] == ["X1", "R1", "X2"]
    assert [o.message_id for o in store.pending_outbound(limit=2)] == ["X1", "R1"]
    assert store.pending_outbound()[1] == outbound("R1", "referral")

    store.mark_published(["X1", "X2", "UNKNOWN"])
    store.mark_published([])

    assert store.pending_outbound() == [outbound("R1", "referral")]
    assert store.outbound_for("M1", body_sha256(b"<1/>")) == [
        (outbound("X1"), True),
        (outbound("R1", "referral"), False),
    ]
    store.mark_published(["R1", "R1"])
    assert store.pending_outbound() == []
    assert store.stats()["outbound_published"] == 3


def test_decisions_for_newest_first_with_rule_ids(store: SqlAuditStore) -> None:
    key = "020-12345675/HAWB001"
    store.record(received(b"<1/>", "M1"), accepted(decisions=(decision(key, "RFI", rule_ids=("DQ-7",)),)))
    store.record(
        received(b"<2/>", "M2"),
        accepted(decisions=(decision(key, "DNL", rule_ids=("R-101", "WL-3")), decision("020-99999992"))),
    )

    found = store.decisions_for(key)

    assert [d.decision for d in found] == ["DNL", "RFI"]
    assert found[0].rule_ids == ("R-101", "WL-3")
    assert found[1].rule_ids == ("DQ-7",)
    assert found[0].awb == "020-12345675"
    assert found[0].hawb == "HAWB001"
    assert found[0].rules_version == "2025.03"
    assert found[0].detail == {"hits": [{"list": "watch", "score": 0.93}]}
    assert found[0].decided_at is not None
    assert found[0].decided_at >= found[1].decided_at
    assert store.decisions_for("000-00000000") == []


def test_dead_letters_are_kept_and_counted(store: SqlAuditStore) -> None:
    poison = received(b"\xff\xfe not xml", "BAD-1")
    store.record_dead_letter(poison, "XML_TOO_LARGE", "body over 10 MB")
    store.record_dead_letter(poison, "XML_TOO_LARGE", "body over 10 MB")  # redelivered: one row
    store.record_dead_letter(poison, "PIPELINE_ERROR", "KeyError: 'x'")
    store.record_dead_letter(received(b"?", None), "PIPELINE_ERROR", "boom")
    store.record(received(b"<x/>", "DL"), Outcome("dead_lettered", ({"code": "UNSUPPORTED"},)))

    assert store.count("dead_lettered") == 4
    assert store.count("accepted") == 0
    assert store.count() == 4
    assert table_counts(store)["dead_letters"] == 3


def test_stats_figures(store: SqlAuditStore) -> None:
    store.record(received(b"<1/>", "M1"), accepted(outbound("X1"), outbound("R1", "referral")))
    store.record(received(b"<2/>", "M2"), accepted(outbound("X2")))
    store.record(
        received(b"<3/>", "M3"), Outcome("rejected", ({"code": "MISSING_WEIGHT"},), (), (outbound("X3"),))
    )
    store.record_dead_letter(received(b"<4/>", "M4"), "PIPELINE_ERROR", "boom")
    store.mark_published(["X1", "X3"])
    store.note_duplicate("M1", body_sha256(b"<1/>"))
    store.note_duplicate("M1", body_sha256(b"<1/>"))
    store.note_duplicate("NEVER-SEEN", body_sha256(b"?"))

    assert store.stats() == {
        "received": 4,
        "accepted": 2,
        "rejected": 1,
        "dead_lettered": 1,
        "duplicates_seen": 3,
        "outbound_pending": 2,
        "outbound_published": 2,
    }
    assert store.count("rejected") == 1
    assert store.count("no-such-status") == 0


def test_reopening_keeps_everything(store_url: str) -> None:
    msg = received(b"<persist>\x00\xff</persist>", "KEEP")
    with open_store(store_url) as first:
        result = first.record(msg, accepted(outbound("X1"), outbound("R1", "referral")))
        first.mark_published(["X1"])
        first.note_duplicate("KEEP", msg.body_hash)
        first.record_dead_letter(received(b"<dl/>", "DL"), "PIPELINE_ERROR", "boom")
        stats = first.stats()
        stored = first.find("KEEP", msg.body_hash)

    with open_store(store_url) as second:  # a restart: the schema exists, nothing is lost
        assert second.find("KEEP", msg.body_hash) == stored
        assert second.stats() == stats
        assert second.pending_outbound() == [outbound("R1", "referral")]
        again = second.record(msg, accepted(outbound("X9")))
        assert again.duplicate
        assert again.filing_id == result.filing_id
        assert again.pending == (outbound("R1", "referral"),)
        assert [d.decision for d in second.decisions_for("020-12345675")] == ["ASSESSMENT_COMPLETE"]


def test_message_without_id_is_keyed_by_body_hash(store: SqlAuditStore) -> None:
    body = b"<anonymous/>"
    first = store.record(received(body, None), accepted(outbound("X1")))
    again = store.record(received(body, None), accepted(outbound("X2")))
    with_id = store.record(received(body, "NOW-WITH-ID"), accepted(outbound("X3")))

    assert not first.duplicate
    assert again.duplicate
    assert again.filing_id == first.filing_id
    assert not with_id.duplicate
    stored = store.find(None, body_sha256(body))
    assert stored is not None
    assert stored.message_id is None
    assert stored.id == first.filing_id
    assert [o.message_id for o, _ in store.outbound_for(None, body_sha256(body))] == ["X1"]
    store.note_duplicate(None, body_sha256(body))
    assert store.stats()["duplicates_seen"] == 1


def test_nul_characters_in_text_do_not_break_the_store(store: SqlAuditStore) -> None:
    # AMQP strings may carry NUL; PostgreSQL text cannot (stored as U+FFFD there), SQLite keeps it.
    msg = received(b"<a/>", "ID\x00NUL", headers={"x\x00": "v\x00", "detail": "a\\u0000b"})
    store.record(msg, accepted(outbound("X1")))

    assert store.record(msg, accepted()).duplicate
    stored = store.find("ID\x00NUL", msg.body_hash)
    assert stored is not None
    assert stored.received.body == b"<a/>"
    assert stored.received.headers["detail"] == "a\\u0000b"  # an escaped backslash is not a NUL
    store.record_dead_letter(msg, "PIPELINE_ERROR", "bad \x00 detail")
    assert store.count("dead_lettered") == 1


def test_naive_time_and_unknown_status_are_refused(store: SqlAuditStore) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record(received(received_at=datetime(2025, 1, 1)), accepted())
    with pytest.raises(ValueError, match="unknown outcome status"):
        store.record(received(), Outcome("acepted"))
    assert store.count() == 0


def test_received_at_in_another_zone_is_stored_as_the_same_instant(store: SqlAuditStore) -> None:
    from datetime import timezone

    local = T0.astimezone(timezone(timedelta(hours=5, minutes=30)))
    msg = received(received_at=local)
    store.record(msg, accepted())

    stored = store.find(msg.message_id, msg.body_hash)
    assert stored is not None
    assert stored.received_at == T0
    assert stored.received_at.utcoffset() == timedelta(0)


def test_open_store_refuses_unknown_urls() -> None:
    with pytest.raises(ValueError, match="unsupported audit store URL") as refused:
        open_store("mysql://user:secret@db/acid")
    assert "secret" not in str(refused.value) and "db/acid" in str(refused.value)
    with pytest.raises(ValueError, match="unsupported"):
        open_store("/just/a/path.sqlite3")
    with pytest.raises(ValueError, match="SQLite URL"):
        open_store("sqlite://relative-without-third-slash")


def test_store_urls_are_logged_without_credentials() -> None:
    assert shown_url("postgresql://acid:p@ss@db.internal:5432/acid?schema=a") == (
        "postgresql://db.internal:5432/acid?schema=a"
    )
    assert shown_url("sqlite:////var/lib/acid/store@2/audit.sqlite3") == (
        "sqlite:////var/lib/acid/store@2/audit.sqlite3"
    )


def test_open_store_sqlite_in_memory() -> None:
    with open_store("sqlite:///:memory:") as s:
        assert not s.record(received(), accepted()).duplicate
        assert s.record(received(), accepted()).duplicate


def test_sqlite_writers_of_one_file_take_turns_and_a_writer_kept_waiting_gets_a_transient_error(
    tmp_path,
) -> None:
    """Two stores on one file (two consumer processes): while one holds a write transaction the
    other waits its turn; kept waiting past its busy timeout it gets "database is locked", which
    the consumer treats as an outage (retried), not as a bug."""
    from acid_processor.store import is_transient
    from acid_processor.store.sqlite import SQLiteAuditStore

    path = str(tmp_path / "audit.sqlite3")
    first = SQLiteAuditStore(path)
    second = SQLiteAuditStore(path, busy_timeout_s=0.2)
    try:
        with first.batch() as batch:
            batch.insert_filings([(received(message_id="W-1"), accepted())])  # holds the writer's turn
            with pytest.raises(Exception) as waited, second.batch() as other:
                other.insert_filings([(received(message_id="W-2"), accepted())])
            assert is_transient(waited.value), waited.value
        with second.batch() as other:  # its turn now
            (r,) = other.insert_filings([(received(message_id="W-2"), accepted())])
        assert not r.duplicate and second.stats()["received"] == 2
    finally:
        first.close()
        second.close()

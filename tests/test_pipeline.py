"""The pure pipeline: one delivery to a stored outcome and its routed acknowledgement, or a dead
letter with a specific reason; and, through the lifecycle on an in-memory store, the status and
referral that follow. No broker: what the service will publish and store is decided here, so it
is proved here."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from acid_processor.assessment.engine import Assessor
from acid_processor.assessment.policy import Policy
from acid_processor.codes import WRONG_CONTENT_TYPE
from acid_processor.config import Topology
from acid_processor.lifecycle.runner import Lifecycle
from acid_processor.pipeline import DeadLetter, Delivery, Pipeline
from acid_processor.replies import load_profile
from acid_processor.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
WHEN = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    assessor = Assessor(Policy.load(FIXTURES / "policy-test"))
    return Pipeline(assessor, load_profile("pact"), Topology())


def deliver(pipeline: Pipeline, path: str, **kw):
    body = (FIXTURES / path).read_bytes() if "/" in path else path.encode()
    return pipeline.process(Delivery(body=body, received_at=WHEN, **{"message_id": "m-1", **kw}))


def answered(pipeline: Pipeline, processed) -> tuple:
    """Everything published for a processed delivery once the lifecycle applied it (fresh store)."""
    with open_store("sqlite:///:memory:") as store:
        (result,) = Lifecycle(pipeline).record(store, [processed])
    return result.pending


def test_house_with_a_hold_gets_xfnm_xcsn_to_its_airline_and_a_referral_to_targeting(pipeline):
    p = deliver(pipeline, "samples/xfzb3-house.xml", content_type="application/xml")
    assert p.dead_letter is None and p.outcome.status == "accepted"
    assert [m.kind for m in p.outcome.outbound] == ["xfnm"]  # the rest follows from the lifecycle
    outbound = answered(pipeline, p)
    routes = [(m.exchange, m.routing_key, m.kind) for m in outbound]
    assert routes == [
        ("acid.carriers", "888.xfnm", "xfnm"),
        ("acid.carriers", "888.xcsn", "xcsn"),
        ("acid.targeting", "referral.rfs", "referral"),
    ]
    (decision,) = p.outcome.decisions
    assert decision.decision == "RFS" and decision.consignment_key == "888-11111111/SEL22222222"
    assert "SEC-NO-STATUS-PAX" in decision.rule_ids
    referral = json.loads(outbound[2].body)
    assert referral["type"] == "rfs" and referral["hawb"] == "SEL22222222"
    assert referral["lifecycle"]["carrier_told"] == ["RFS:placed"]
    assert p.received.message_id == "m-1" and len(p.received.body_hash) == 64


def test_clean_direct_filing_gets_an_acknowledgement_and_assessment_complete_only(pipeline):
    p = deliver(pipeline, "assess/xfwb-direct-clean.xml")
    outbound = answered(pipeline, p)
    kinds = [m.kind for m in outbound]
    assert kinds == ["xfnm", "xcsn"]
    assert b"No Errors" in outbound[0].body
    assert b"<ram:StatusCode>CO</ram:StatusCode>" in outbound[1].body
    assert outbound[0].routing_key == "020.xfnm"


def test_schema_invalid_filing_is_answered_with_an_error_to_its_carrier(pipeline):
    raw = (
        (FIXTURES / "samples/xfwb3-example.xml")
        .read_bytes()
        .replace(b"<Name>SCHENKER FRANCE SAS</Name>", b"")
    )
    p = pipeline.process(Delivery(body=raw, message_id="bad-1", received_at=WHEN))
    assert p.dead_letter is None and p.outcome.status == "rejected"
    (xfnm,) = p.outcome.outbound
    assert xfnm.routing_key == "020.xfnm"
    assert b"<ram:ConditionCode>Error</ram:ConditionCode>" in xfnm.body
    assert b"MISSING_CNE_NAME" in xfnm.body
    assert b"<ram:ID>020-68548340</ram:ID>" in xfnm.body


@pytest.mark.parametrize(
    ("fixture", "code"),
    [
        ("hostile/billion-laughs.xml", "XML_DTD_FORBIDDEN"),
        ("hostile/empty.xml", "XML_EMPTY"),
        ("hostile/plain-text.xml", "XML_MALFORMED"),
        ("samples/xcsn1-rfi-house.xml", "INVALID_MESSAGE_TYPE"),
    ],
)
def test_messages_nobody_can_be_answered_for_are_dead_lettered_with_the_specific_reason(
    pipeline, fixture, code
):
    p = deliver(pipeline, fixture)
    assert p.dead_letter is not None and p.dead_letter.code == code
    assert p.outcome.status == "dead_lettered"
    assert p.outcome.reasons[0]["code"] == code
    assert p.received.body == (FIXTURES / fixture).read_bytes()  # the raw message is kept
    # Its only outbound message is the raw copy for the dead-letter queue, the reason in headers,
    # under an id derived from the message: a redelivered copy is dead-lettered once.
    (copy,) = p.outcome.outbound
    assert copy.kind == "dead-letter" and copy.body == p.received.body
    assert copy.exchange == pipeline.topology.dead_letter_exchange
    assert copy.headers["x-acid-reason-code"] == code
    assert copy.message_id == f"dlq|{p.received.message_id or ''}|{p.received.body_hash}"


def test_a_replayed_dead_message_gets_a_dead_letter_copy_of_its_own_per_replay(pipeline):
    first = deliver(pipeline, "hostile/billion-laughs.xml")
    r1 = deliver(pipeline, "hostile/billion-laughs.xml", headers={"x-acid-replay": b"aaa"})
    r2 = deliver(pipeline, "hostile/billion-laughs.xml", headers={"x-acid-replay": b"bbb"})
    ids = [p.outcome.outbound[0].message_id for p in (first, r1, r2)]
    assert len(set(ids)) == 3 and ids[1].endswith("|replay-aaa") and ids[2].endswith("|replay-bbb")
    assert {p.outcome.outbound[0].headers["x-acid-original-message-id"] for p in (first, r1, r2)} == {"m-1"}


def test_a_dead_letter_replayed_once_its_cause_is_fixed_is_answered_and_stays_answered(pipeline):
    """A bug crashed processing (PROCESSING_ERROR, dead-lettered); the bug fixed, `dlq replay`
    re-injects it: the stored filing is revived and answered like a new filing; a second replay
    is a plain duplicate. A replay of a message that is still dead stays dead."""
    clean = (FIXTURES / "assess" / "xfwb-direct-clean.xml").read_bytes()
    lifecycle = Lifecycle(pipeline)
    with open_store("sqlite:///:memory:") as store:
        crashed = pipeline.unprocessable(
            Delivery(body=clean, message_id="m-9", received_at=WHEN),
            DeadLetter("PROCESSING_ERROR", "KeyError('x')"),
        )
        (first,) = lifecycle.record(store, [crashed])
        assert [m.kind for m in first.pending] == ["dead-letter"]
        assert store.find("m-9", crashed.received.body_hash).status == "dead_lettered"

        replayed = pipeline.process(
            Delivery(body=clean, message_id="m-9", received_at=WHEN, headers={"x-acid-replay": b"t1"})
        )
        (revived,) = lifecycle.record(store, [replayed])
        assert not revived.duplicate and revived.filing_id == first.filing_id
        assert [m.kind for m in revived.pending] == ["xfnm", "xcsn"]
        assert store.find("m-9", crashed.received.body_hash).status == "accepted"

        again = pipeline.process(
            Delivery(body=clean, message_id="m-9", received_at=WHEN, headers={"x-acid-replay": b"t2"})
        )
        (dup,) = lifecycle.record(store, [again])
        assert dup.duplicate

        junk = deliver(pipeline, "hostile/billion-laughs.xml", message_id="m-10")
        lifecycle.record(store, [junk])
        still = deliver(
            pipeline, "hostile/billion-laughs.xml", message_id="m-10", headers={"x-acid-replay": "t"}
        )
        (dead,) = lifecycle.record(store, [still])
        assert dead.duplicate and store.find("m-10", junk.received.body_hash).status == "dead_lettered"


def test_an_unreadable_message_with_an_airline_header_is_answered_instead(pipeline):
    p = deliver(pipeline, "hostile/billion-laughs.xml", headers={"x-airline-prefix": b"176"})
    assert p.dead_letter is None
    (xfnm,) = p.outcome.outbound
    assert xfnm.routing_key == "176.xfnm" and b"XML_DTD_FORBIDDEN" in xfnm.body


def test_wrong_content_type_is_dead_lettered_without_parsing(pipeline):
    p = deliver(pipeline, "samples/xfzb3-house.xml", content_type="application/json")
    assert p.dead_letter is not None and p.dead_letter.code == WRONG_CONTENT_TYPE
    assert p.assessment is None


def test_text_xml_with_a_charset_is_accepted(pipeline):
    p = deliver(pipeline, "samples/xfzb3-house.xml", content_type="text/xml; charset=utf-8")
    assert p.dead_letter is None


def test_missing_message_id_falls_back_to_the_filing_header(pipeline):
    body = (FIXTURES / "samples/xfzb3-house.xml").read_bytes()
    p = pipeline.process(Delivery(body=body, received_at=WHEN))
    assert p.received.message_id == "SEL22222222_888-11111111_285472ed-0059-4004-9590-8a1fbab07421"


def test_same_delivery_gives_the_same_outbound_ids_and_a_changed_body_new_ones(pipeline):
    a = deliver(pipeline, "samples/xfzb3-house.xml")
    b = deliver(pipeline, "samples/xfzb3-house.xml")
    assert [m.message_id for m in a.outcome.outbound] == [m.message_id for m in b.outcome.outbound]
    body = (
        (FIXTURES / "samples/xfzb3-house.xml").read_bytes().replace(b"SPARE PART LTD.", b"SPARE PARTS LTD.")
    )
    c = pipeline.process(Delivery(body=body, message_id="m-1", received_at=WHEN))
    assert not {m.message_id for m in a.outcome.outbound} & {m.message_id for m in c.outcome.outbound}


def test_flight_manifest_is_acknowledged_not_assessed(pipeline):
    p = deliver(pipeline, "samples/xffm2-flight-manifest.xml", headers={"x-airline-prefix": "014"})
    assert [m.kind for m in p.outcome.outbound] == ["xfnm"]
    assert p.outcome.outbound[0].routing_key == "014.xfnm"
    assert [d.decision for d in p.outcome.decisions] == ["NOT_ASSESSED"]


def test_carrier_messages_carry_no_targeting_rationale(pipeline):
    raw = (
        (FIXTURES / "assess/xfwb-direct-clean.xml")
        .read_bytes()
        .replace(b"TEXTIL BOA VISTA INDUSTRIA E COMERCIO LTDA", b"Crimson Lantern Exports Ltd")
    )
    p = pipeline.process(Delivery(body=raw, message_id="wl-1", received_at=WHEN))
    (decision,) = p.outcome.decisions
    assert decision.decision == "DNL"
    outbound = answered(pipeline, p)
    carrier = b"".join(m.body for m in outbound if m.exchange == "acid.carriers")
    for secret in (b"WL-SCREEN", b"WL-T2", b"TEST-DENIED-PARTIES", b"Crimson", b"score"):
        assert secret not in carrier
    referral = next(m for m in outbound if m.kind == "referral")
    assert referral.routing_key == "referral.dnl" and b"WL-T2" in referral.body


def test_the_service_pipeline_reads_no_message_larger_than_its_max_bytes_setting() -> None:
    from acid_processor.config import Settings

    body = (FIXTURES / "assess" / "xfwb-direct-clean.xml").read_bytes()
    small = Pipeline.from_settings(Settings(max_bytes=len(body) - 1, rules_dir=str(FIXTURES / "policy-test")))
    p = small.process(Delivery(body=body, message_id="big", received_at=WHEN))
    assert p.dead_letter is not None and p.dead_letter.code == "XML_TOO_LARGE"
    roomy = Pipeline.from_settings(Settings(max_bytes=len(body), rules_dir=str(FIXTURES / "policy-test")))
    assert roomy.process(Delivery(body=body, message_id="fits", received_at=WHEN)).dead_letter is None

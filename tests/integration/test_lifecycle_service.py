"""The lifecycle through the running service: officer commands on the commands queue (applied when
authorised and well formed, dead-lettered with the reason otherwise), and two consumers on one
PostgreSQL store serialising per consignment, so that the final state is the state of processing
the same filings one by one in issue-time order."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pika.spec import BasicProperties

from acid_processor.lifecycle.runner import Lifecycle
from acid_processor.model import Outcome
from acid_processor.store import open_store
from acid_processor.testing.synthetic import random_awb

from .conftest import FIXTURES, Harness, Msg, publish_confirmed

pytestmark = pytest.mark.integration

CLEAN = (FIXTURES / "assess" / "xfwb-direct-clean.xml").read_text()
CONSIGNEE = "<Name>MAISON DUPRE PRET-A-PORTER SARL</Name>"
SHIPPER = "<Name>TEXTIL BOA VISTA INDUSTRIA E COMERCIO LTDA</Name>"
SPX = "<DescriptionCode>SPX</DescriptionCode>"


def filing(awb: str, n: int, variant: str, minute: int) -> bytes:
    """Amendment n of a direct AWB, issued at a minute of its own, with one kind of content."""
    text = CLEAN.replace("<ID>020-68548340_direct-clean-0001</ID>", f"<ID>{awb}_v{n}</ID>")
    text = text.replace("<ID>020-68548340</ID>", f"<ID>{awb}</ID>")
    text = text.replace(
        "2026-11-20T14:51:00+01:00", f"2026-11-20T{10 + minute // 60:02d}:{minute % 60:02d}:00+00:00"
    )
    edits = {
        "clean": (),
        "dnl": ((CONSIGNEE, "<Name>VELMORA TRADING FZE</Name>"),),
        "rfi": ((SHIPPER, "<Name>12345</Name>"),),
        "rfs": ((SPX, "<DescriptionCode>NSC</DescriptionCode>"),),
    }[variant]
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text.encode()


def command(cid: str, action: str, consignment: str, **more) -> bytes:
    return json.dumps(
        {"command_id": cid, "action": action, "consignment": consignment, "note": "test", **more}
    ).encode()


def publish_command(h: Harness, body: bytes, user: str | None, message_id: str) -> None:
    props = BasicProperties(
        content_type="application/json", message_id=message_id, user_id=user, delivery_mode=2
    )
    publish_confirmed(h.amqp_url, [(h.topology.commands_exchange, "command", body, props)])


def test_officer_commands_on_the_queue_are_applied_when_authorised_and_dead_lettered_otherwise(
    harness: Harness,
) -> None:
    h = harness
    h.declare()
    awb = random_awb(random.Random(5), "020")
    h.publish([Msg(filing(awb, 1, "dnl", 0), f"{awb}-1")])
    consumer = h.start_consumer(officer_accounts="guest")
    h.wait_processed(1, 60, consumer)
    h.replies()  # the DNL and its referral: not what this test is about

    publish_command(h, command("c-release", "release", awb), "guest", "c-release")
    publish_command(h, command("c-other", "release", awb), None, "c-nouser")  # no verified sender
    publish_command(h, b"{not json", "guest", "c-garbage")
    publish_command(h, command("c-unknown", "release", "176-99999996"), "guest", "c-unknown")
    publish_command(h, command("c-place", "place", awb), "guest", "c-nokind")  # place without a kind
    publish_command(h, command("c-release", "release", awb), "guest", "c-release")  # a repeat
    h.wait_until("the filing and five commands stored", lambda: h.stats()["received"] >= 6, 60, consumer)
    h.wait_until("nothing pending", lambda: h.stats()["outbound_pending"] == 0, 30, consumer)

    carriers, targeting = h.replies()
    codes = [
        r.body.split(b"<ram:StatusCode>")[1].split(b"<")[0]
        for r in carriers
        if r.routing_key.endswith("xcsn")
    ]
    assert codes == [b"CO", b"CO"]  # hold removed, then assessment complete; the repeat sends nothing
    assert [r.routing_key for r in targeting] == ["hold.removed.dnl"]
    event = json.loads(targeting[0].body)
    assert event["holds"][0]["removed_by"] == "officer guest" and event["holds"][0]["removal_note"] == "test"
    for r in carriers:  # the carrier hears the status, never the reason
        assert b"test" not in r.body and b"WL-SCREEN" not in r.body

    dead = {r.message_id: r.header("x-acid-reason-code") for r in h.drain(h.topology.dead_letter_queue)}
    assert dead == {
        "c-nouser": "COMMAND_UNAUTHORISED",
        "c-garbage": "COMMAND_MALFORMED",
        "c-unknown": "COMMAND_REFUSED",
        "c-nokind": "COMMAND_INVALID",
    }
    state = h.store.consignment(awb)
    assert state.strongest_open() is None and state.last_status == "ASSESSMENT_COMPLETE"
    (action,) = h.store.history(awb)["actions"]
    assert (action["officer"], action["action"], action["source"]) == ("guest", "release", "queue")
    assert consumer.alive()


def test_two_consumers_on_postgres_end_in_the_state_of_processing_in_issue_time_order(
    pg_harness: Harness, assessor, tmp_path: Path
) -> None:
    """40 consignments, 6 amendments each with holds placed, kept and removed, published in a
    shuffled order with 10% duplicates, taken by two consumers at once: every consignment's state
    (current filing, every hold and how it ended, what the carrier is held to) equals the state of
    processing the same filings one by one in issue-time order."""
    h = pg_harness
    h.declare()
    rng = random.Random(17)
    msgs: list[Msg] = []
    by_awb: dict[str, list[tuple[int, Msg]]] = {}
    for _ in range(40):
        awb = random_awb(rng, "020")
        minutes = sorted(rng.sample(range(0, 600), 6))
        for n, minute in enumerate(minutes, 1):
            variant = rng.choice(["clean", "clean", "dnl", "rfi", "rfs"])
            m = Msg(filing(awb, n, variant, minute), f"{awb}-v{n}")
            msgs.append(m)
            by_awb.setdefault(awb, []).append((minute, m))
    shuffled = msgs + rng.sample(msgs, len(msgs) // 10)
    rng.shuffle(shuffled)
    h.publish(shuffled)
    consumers = [h.start_consumer(prefetch=20, batch_size=10) for _ in range(2)]
    h.wait_processed(len(msgs), 180, consumers[0])
    assert all(c.alive() for c in consumers)
    log = "".join(c.log_path.read_text() for c in consumers)
    assert "deadlock" not in log.lower(), "the two consumers deadlocked on the store"

    pipeline = h.pipeline(assessor)
    lifecycle = Lifecycle(pipeline)
    with open_store(f"sqlite:///{tmp_path / 'sequential.sqlite3'}") as sequential:
        for versions in by_awb.values():
            for _, m in sorted(versions, key=lambda v: v[0]):
                lifecycle.record(sequential, [pipeline.process(m.delivery())])
        for awb in by_awb:
            want, got = sequential.consignment(awb), h.store.consignment(awb)
            assert got is not None, awb
            assert got.current == want.current, awb
            assert [(x.id, x.kind, x.rule_ids, x.state, x.removal, x.removed_by) for x in got.holds] == [
                (x.id, x.kind, x.rule_ids, x.state, x.removal, x.removed_by) for x in want.holds
            ], awb
            assert got.strongest_open() == want.strongest_open(), awb
    held = sum(1 for awb in by_awb if h.store.consignment(awb).strongest_open() is Outcome.DNL)
    assert held > 0, "no DNL survived: the test proved nothing about holds that last"

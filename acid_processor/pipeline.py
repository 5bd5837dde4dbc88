"""One inbound delivery to one outcome: pure, no broker and no database.

Bytes and delivery metadata in; out come the record to store (the raw message, its status, reasons
and decisions), the assessment, and the acknowledgement (XFNM) with its exchange and routing key,
or a dead-letter verdict with a reason. What the carrier and targeting are told about each
consignment depends on its history: the lifecycle (acid_processor.lifecycle) adds those messages.
The RabbitMQ service, the command line and the tests run the same code.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from acid_processor import codes
from acid_processor.assessment.engine import Assessor
from acid_processor.config import Settings, Topology
from acid_processor.model import (
    ACCEPTED,
    DEAD_LETTERED,
    REJECTED,
    REPLAY_HEADER,
    Assessment,
    Decision,
    DecisionRecord,
    OutboundMessage,
    ReceivedMessage,
    to_jsonable,
)
from acid_processor.model import FilingOutcome as StoredOutcome
from acid_processor.replies import OutboundReply, Profile, render_acknowledgement

# Content types a filing may arrive with; a missing one is accepted (many senders set none).
XML_CONTENT_TYPES = frozenset({"application/xml", "text/xml", "application/octet-stream", ""})
AIRLINE_PREFIX_HEADER = "x-airline-prefix"
REASON_CODE_HEADER = "x-acid-reason-code"
REASON_DETAIL_HEADER = "x-acid-reason"
ORIGINAL_MESSAGE_ID_HEADER = "x-acid-original-message-id"


@dataclass(frozen=True, slots=True)
class Delivery:
    """An inbound message as the broker handed it over."""

    body: bytes
    message_id: str | None = None
    content_type: str | None = None
    headers: dict[str, Any] = dataclasses.field(default_factory=dict)
    routing_key: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """Why a message goes to the dead-letter queue instead of being answered."""

    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class Processed:
    received: ReceivedMessage
    outcome: StoredOutcome
    assessment: Assessment | None
    dead_letter: DeadLetter | None = None


class Pipeline:
    """Built once at start: the assessor (schemas, policy, indexes), the regime profile and the
    topology names that decide where each outbound message goes."""

    def __init__(self, assessor: Assessor, profile: Profile, topology: Topology | None = None) -> None:
        self.assessor = assessor
        self.profile = profile
        self.topology = topology or Topology()

    @classmethod
    def from_settings(cls, settings: Settings) -> Pipeline:
        """The service's pipeline as its settings say: policy, test mode, profile, topology and the
        largest message it will read (`max_bytes`)."""
        from pathlib import Path

        from acid_processor.assessment.policy import Policy
        from acid_processor.check import Checker
        from acid_processor.formats.safe_xml import Limits
        from acid_processor.replies import load_profile

        policy = Policy.load(Path(settings.rules_dir) if settings.rules_dir else None)
        checker = Checker(limits=Limits(max_bytes=settings.max_bytes))
        assessor = Assessor(policy, checker, test_mode=settings.test_mode)
        return cls(assessor, load_profile(settings.profile), settings.topology)

    def process(self, delivery: Delivery) -> Processed:
        """The outcome of one delivery. Never raises for bad input."""
        received_at = (delivery.received_at or datetime.now(UTC)).astimezone(UTC)
        body_hash = hashlib.sha256(delivery.body).hexdigest()
        content_type = (delivery.content_type or "").split(";")[0].strip().lower()
        if content_type not in XML_CONTENT_TYPES:
            return self._dead(
                delivery,
                body_hash,
                received_at,
                None,
                DeadLetter(codes.WRONG_CONTENT_TYPE, f"content type {delivery.content_type!r} is not XML"),
            )

        assessment = self.assessor.assess(delivery.body, received_at=received_at)
        header_id = assessment.filing.header.message_id if assessment.filing else None
        message_id = delivery.message_id or header_id
        received = ReceivedMessage(
            message_id=message_id,
            body_hash=body_hash,
            body=delivery.body,
            headers=_jsonable_headers(delivery.headers),
            received_at=received_at,
            content_type=delivery.content_type,
            routing_key=delivery.routing_key,
            kind=assessment.kind,
        )
        xfnm = render_acknowledgement(
            assessment, profile=self.profile, now=received_at, source_key=f"{message_id}|{body_hash}"
        )
        prefix = xfnm.awb_prefix or _header_prefix(delivery.headers)
        if prefix is None and assessment.filing is None:
            # Nothing says who sent it: no reply can be routed. Keep it for an operator.
            # The specific reason (XML_DTD_FORBIDDEN, INVALID_MESSAGE_TYPE, ...) travels as the code.
            first = assessment.reasons[0] if assessment.reasons else None
            dead = (
                DeadLetter(first.code, first.detail)
                if first
                else DeadLetter(codes.UNREADABLE_MESSAGE, "unreadable")
            )
            return self._dead(delivery, body_hash, received_at, assessment, dead, received)

        outbound = (self.outbound(xfnm, prefix, message_id),)
        outcome = StoredOutcome(
            status=ACCEPTED if assessment.valid else REJECTED,
            reasons=tuple(_reason_json(r) for r in assessment.reasons),
            decisions=tuple(decision_record(d) for d in assessment.decisions),
            outbound=outbound,
        )
        return Processed(received, outcome, assessment)

    def unprocessable(self, delivery: Delivery, dead: DeadLetter) -> Processed:
        """The outcome of a delivery the pipeline failed on: kept raw and dead-lettered with the reason."""
        received_at = (delivery.received_at or datetime.now(UTC)).astimezone(UTC)
        return self._dead(delivery, hashlib.sha256(delivery.body).hexdigest(), received_at, None, dead)

    def outbound(
        self, reply: OutboundReply, fallback_prefix: str | None, source_id: str | None
    ) -> OutboundMessage:
        """A reply with its exchange and routing key: carriers by airline prefix, targeting by kind."""
        t = self.topology
        if reply.kind == "referral":
            exchange, key = t.targeting_exchange, f"referral.{reply.referral_type}"
        elif reply.kind == "lifecycle":
            exchange, key = t.targeting_exchange, reply.referral_type or "hold"
        else:
            exchange, key = (
                t.carriers_exchange,
                f"{reply.awb_prefix or fallback_prefix or 'unknown'}.{reply.kind}",
            )
        headers = {"x-acid-kind": reply.kind}
        if source_id:
            headers["x-acid-source-message-id"] = source_id
        if reply.consignment_key:
            headers["x-acid-consignment"] = reply.consignment_key
        return OutboundMessage(
            message_id=reply.message_id,
            exchange=exchange,
            routing_key=key,
            kind=reply.kind,
            content_type=reply.content_type,
            body=reply.body,
            headers=headers,
        )

    def _dead(
        self,
        delivery: Delivery,
        body_hash: str,
        received_at: datetime,
        assessment: Assessment | None,
        dead: DeadLetter,
        received: ReceivedMessage | None = None,
    ) -> Processed:
        received = received or ReceivedMessage(
            message_id=delivery.message_id,
            body_hash=body_hash,
            body=delivery.body,
            headers=_jsonable_headers(delivery.headers),
            received_at=received_at,
            content_type=delivery.content_type,
            routing_key=delivery.routing_key,
            kind=None,
        )
        reasons = tuple(_reason_json(r) for r in assessment.reasons) if assessment else ()
        if not reasons or reasons[0]["code"] != dead.code:
            first = {"code": dead.code, "path": None, "line": None, "detail": dead.detail}
            first["severity"] = "reject"
            reasons = (first, *reasons)
        copy = self._dead_letter_copy(delivery, received, dead)
        outcome = StoredOutcome(status=DEAD_LETTERED, reasons=reasons, outbound=(copy,))
        return Processed(received, outcome, assessment, dead)

    def _dead_letter_copy(
        self, delivery: Delivery, received: ReceivedMessage, dead: DeadLetter
    ) -> OutboundMessage:
        """The raw message for the dead-letter queue, the reason in its headers. Stored like any
        outbound message, so that a redelivered or repeated copy of the same message is
        dead-lettered once (the store knows it was confirmed) and a crash before the confirm
        publishes it again under the same id."""
        headers = dict(received.headers)
        headers.update(
            {
                REASON_CODE_HEADER: dead.code,
                REASON_DETAIL_HEADER: dead.detail[:1000],
                "x-acid-dead-lettered-at": received.received_at.isoformat(),
                "x-acid-original-routing-key": delivery.routing_key,
            }
        )
        if received.message_id is not None:
            headers[ORIGINAL_MESSAGE_ID_HEADER] = received.message_id
        replay = _text(received.headers.get(REPLAY_HEADER))
        suffix = f"|replay-{replay}" if replay else ""
        return OutboundMessage(
            message_id=f"dlq|{received.message_id or ''}|{received.body_hash}{suffix}",
            exchange=self.topology.dead_letter_exchange,
            routing_key=self.topology.filings_queue,
            kind="dead-letter",
            content_type=delivery.content_type or "application/octet-stream",
            body=delivery.body,
            headers=headers,
        )


def _text(value: Any) -> str | None:
    """A header value as text (AMQP headers arrive as bytes or str)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value if isinstance(value, str) and value else None


def _header_prefix(headers: dict[str, Any]) -> str | None:
    value = headers.get(AIRLINE_PREFIX_HEADER)
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str) and len(value) == 3 and value.isdigit():
        return value
    return None


def _jsonable_headers(headers: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in (headers or {}).items():
        if isinstance(v, bytes):
            v = v.decode("utf-8", "replace")
        elif isinstance(v, datetime):
            v = v.isoformat()
        elif not isinstance(v, str | int | float | bool | type(None) | list | dict):
            v = str(v)
        out[str(k)] = v
    return out


def _reason_json(r: Any) -> dict[str, Any]:
    return {"code": r.code, "path": r.path, "line": r.line, "detail": r.detail, "severity": r.severity.value}


def decision_record(d: Decision) -> DecisionRecord:
    """The stored form of a decision: rule ids and evidence."""
    return DecisionRecord(
        consignment_key=d.consignment_key,
        awb=d.awb,
        hawb=d.hawb,
        decision=d.outcome.value,
        rule_ids=d.rule_ids,
        rules_version=d.rules_version,
        detail={
            "level": d.level,
            "screening_methods": list(d.screening_methods),
            "hits": to_jsonable(d.hits),
        },
    )

"""Outbound replies to one inbound message: the XFNM to the sender, an XCSN per assessed
consignment to the carrier (per regime profile) and a referral per hold to targeting.

Pure and fast: an Assessment in, bytes out, with deterministic message ids so that processing the
same filing twice yields the same replies (downstream de-duplicates on the ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from acid_processor.model import Assessment, AwbNumber, Decision, Outcome
from acid_processor.replies.ids import reply_id
from acid_processor.replies.profiles import Profile, load_profile
from acid_processor.replies.referral import build_referral, needs_referral, referral_type
from acid_processor.replies.xcsn import common_parts, render_xcsn
from acid_processor.replies.xfnm import render_xfnm

__all__ = ["OutboundReply", "Profile", "Replies", "load_profile", "render_acknowledgement", "render_replies"]

XML = "application/xml"
JSON = "application/json"
_HOLD_TYPES = {Outcome.RFI: "rfi", Outcome.RFS: "rfs", Outcome.DNL: "dnl"}


@dataclass(frozen=True, slots=True)
class OutboundReply:
    """One message to publish: what it is, its id, its body and what routing needs to know."""

    kind: str  # "xfnm", "xcsn", "referral" or "lifecycle" (a hold event or an alert to targeting)
    message_id: str
    body: bytes
    content_type: str  # "application/xml" or "application/json"
    awb_prefix: str | None  # the 3-digit airline prefix, to route the carrier's reply
    referral_type: str | None  # "rfi", "rfs", "dnl", "review"; for lifecycle, the routing key
    consignment_key: str | None


@dataclass(frozen=True, slots=True)
class Replies:
    """Every reply one inbound message causes."""

    xfnm: OutboundReply
    xcsn: tuple[OutboundReply, ...]
    referrals: tuple[OutboundReply, ...]

    def __iter__(self) -> Iterator[OutboundReply]:
        """All replies, the XFNM first."""
        yield self.xfnm
        yield from self.xcsn
        yield from self.referrals


def render_acknowledgement(
    a: Assessment, *, profile: Profile, now: datetime, source_key: str
) -> OutboundReply:
    """The XFNM to the sender of one message: acknowledgement or error with the reason codes."""
    xfnm_id = reply_id(source_key, "xfnm")
    return OutboundReply(
        kind="xfnm",
        message_id=xfnm_id,
        body=render_xfnm(a, profile=profile, message_id=xfnm_id, now=now),
        content_type=XML,
        awb_prefix=_filing_prefix(a),
        referral_type=None,
        consignment_key=None,
    )


def render_replies(
    a: Assessment,
    *,
    profile: Profile,
    now: datetime,
    source_key: str,
    stages: Mapping[str, str] | None = None,
) -> Replies:
    """Render every reply to one assessed message. `source_key` identifies the inbound message
    (e.g. a hash of its body) and seeds the ids; `stages` gives the hold stage (placed, in_place,
    removed) per consignment key from the lifecycle, "placed" when absent."""
    xfnm = render_acknowledgement(a, profile=profile, now=now, source_key=source_key)
    if not a.valid or a.filing is None:
        return Replies(xfnm=xfnm, xcsn=(), referrals=())

    xcsn: list[OutboundReply] = []
    referrals: list[OutboundReply] = []
    source_message_id = a.filing.header.message_id
    common = common_parts(a, profile, now)
    by_key = {c.key: c for c in a.filing.consignments}
    for d in a.decisions:
        prefix = _decision_prefix(a, d)
        stage = (stages or {}).get(d.consignment_key, "placed")
        xcsn_id = reply_id(source_key, "xcsn", d.consignment_key)
        body = render_xcsn(
            a,
            d,
            profile=profile,
            message_id=xcsn_id,
            now=now,
            stage=stage,
            common=common,
            consignment=by_key.get(d.consignment_key),
        )
        if body is not None:
            hold = _HOLD_TYPES.get(d.outcome)
            xcsn.append(OutboundReply("xcsn", xcsn_id, body, XML, prefix, hold, d.consignment_key))
        if needs_referral(d):
            referral_id = reply_id(source_key, "referral", d.consignment_key)
            referral = build_referral(
                a, d, referral_id=referral_id, source_message_id=source_message_id, now=now
            )
            body = json.dumps(referral, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            rtype = referral_type(d)
            referrals.append(
                OutboundReply("referral", referral_id, body, JSON, prefix, rtype, d.consignment_key)
            )
    return Replies(xfnm=xfnm, xcsn=tuple(xcsn), referrals=tuple(referrals))


def _filing_prefix(a: Assessment) -> str | None:
    """The airline prefix of the filing's AWB (or of its document id when that is an AWB)."""
    envelope = a.about
    if envelope is None:
        return None
    if envelope.awb is not None:
        return envelope.awb.prefix
    awb = AwbNumber.parse(envelope.document_id)
    return awb.prefix if awb else None


def _decision_prefix(a: Assessment, d: Decision) -> str | None:
    awb = AwbNumber.parse(d.awb)
    return awb.prefix if awb else _filing_prefix(a)

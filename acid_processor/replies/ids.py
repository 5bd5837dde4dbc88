"""Deterministic outbound message ids: the same filing processed twice gets the same reply ids.

Redelivery is normal in RabbitMQ; downstream de-duplicates on these ids (design.md, "Idempotent by
design"). An id is a UUID version 5 over a fixed namespace and (kind, source key, consignment key).
"""

from __future__ import annotations

import uuid

__all__ = ["REPLY_NAMESPACE", "reply_id"]

# Fixed for ever: changing it changes every reply id and breaks de-duplication across a release.
REPLY_NAMESPACE = uuid.UUID("6f1d3c52-8a4e-5b7f-9c2d-0e8a1b4c6d3f")

_SEP = "\x1f"  # unit separator: cannot occur in a key, so ("a|b", "c") and ("a", "b|c") differ


def reply_id(source_key: str, kind: str, consignment_key: str = "") -> str:
    """The id of the `kind` reply (xfnm, xcsn, referral) to one inbound message, per consignment."""
    return str(uuid.uuid5(REPLY_NAMESPACE, _SEP.join((kind, source_key, consignment_key))))

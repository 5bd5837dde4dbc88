"""Deterministic outbound message ids: the same filing processed twice gets the same reply ids.

Redelivery is normal in RabbitMQ; downstream de-duplicates on these ids (docs/design.md, "Idempotent by
design"). An id is a UUID version 5 over a fixed namespace and (kind, source key, consignment key).
"""

from __future__ import annotations

import hashlib
import uuid

__all__ = ["REPLY_NAMESPACE", "reply_id"]

# Fixed for ever: changing it changes every reply id and breaks de-duplication across a release.
REPLY_NAMESPACE = uuid.UUID("6f1d3c52-8a4e-5b7f-9c2d-0e8a1b4c6d3f")
_NAMESPACE_BYTES = REPLY_NAMESPACE.bytes

_SEP = "\x1f"  # unit separator: cannot occur in a key, so ("a|b", "c") and ("a", "b|c") differ


def reply_id(source_key: str, kind: str, consignment_key: str = "") -> str:
    """The id of the `kind` reply (xfnm, xcsn, referral) to one inbound message, per consignment.

    Exactly uuid.uuid5(REPLY_NAMESPACE, name) as a string, written out directly: several ids per
    filing are made on the hot path and the UUID object costs more than the hash."""
    name = _SEP.join((kind, source_key, consignment_key)).encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


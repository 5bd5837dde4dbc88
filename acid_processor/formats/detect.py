"""Which message is this: kind and version from the root element's namespace, local name and
MessageHeaderDocument/VersionID, whatever prefixes the sender chose."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from acid_processor import codes
from acid_processor.model import Reason

RAM = "iata:datamodel:3"

# (root namespace, root local name) -> message kind
FILING_ROOTS: dict[tuple[str, str], str] = {
    ("iata:waybill:1", "Waybill"): "XFWB",
    ("iata:housewaybill:1", "HouseWaybill"): "XFZB",
    ("iata:housemanifest:1", "HouseManifest"): "XFHL",
    ("iata:flightmanifest:1", "FlightManifest"): "XFFM",
}
# Messages this processor sends, not receives: named so the refusal can say so.
RESPONSE_ROOTS: dict[tuple[str, str], str] = {
    ("iata:response:3", "Response"): "XFNM",
    ("iata:customsstatusnotification:1", "CustomsStatusNotification"): "XCSN",
}
SUPPORTED_VERSIONS: dict[str, tuple[str, ...]] = {
    "XFWB": ("3.00",),
    "XFZB": ("3.00",),
    "XFHL": ("2.00",),
    "XFFM": ("2.00", "3.00"),
}
# Short spellings real senders use for a version (a Singapore community system writes "3").
_VERSION_SPELLINGS = {"3": "3.00", "3.0": "3.00", "2": "2.00", "2.0": "2.00", "1": "1.00", "1.0": "1.00"}
_VERSION_TAG = f"{{{RAM}}}VersionID"


@dataclass(frozen=True, slots=True)
class MessageType:
    kind: str
    version: str
    namespace: str


def detect(root: etree._Element) -> tuple[MessageType | None, Reason | None]:
    """The supported kind and version of a parsed message, or an INVALID_MESSAGE_TYPE reason."""
    qname = etree.QName(root)
    namespace, local = qname.namespace or "", qname.localname
    kind = FILING_ROOTS.get((namespace, local))
    if kind is None:
        response = RESPONSE_ROOTS.get((namespace, local))
        if response is not None:
            detail = f"{response} is a message this processor sends, not a filing it accepts."
        else:
            shown = f"{local} (namespace {namespace})" if namespace else f"{local} (no namespace)"
            detail = (
                f"The root element {shown} is not a supported filing; expected XFWB (iata:waybill:1 "
                "Waybill), XFZB, XFHL or XFFM."
            )
        return None, Reason(codes.INVALID_MESSAGE_TYPE, detail, path=local, line=root.sourceline)
    filed = _version(root)
    version = _VERSION_SPELLINGS.get(filed or "", filed)
    if version not in SUPPORTED_VERSIONS[kind]:
        supported = " or ".join(f"{kind} {v}" for v in SUPPORTED_VERSIONS[kind])
        if filed is None:  # no header at all: say so where the header belongs
            where, detail = (
                f"{local}/MessageHeaderDocument",
                (
                    f"MessageHeaderDocument is missing: the message header with TypeCode and VersionID is "
                    f"required ({supported})."
                ),
            )
        elif not filed:
            where = f"{local}/MessageHeaderDocument/VersionID"
            state = (
                "is empty"
                if root.find(f"{{*}}MessageHeaderDocument/{_VERSION_TAG}") is not None
                else "is missing"
            )
            detail = f"MessageHeaderDocument/VersionID {state}: {supported} is supported."
        else:
            where = f"{local}/MessageHeaderDocument/VersionID"
            detail = f"MessageHeaderDocument/VersionID {filed!r} is not a supported version: {supported}."
        return None, Reason(codes.INVALID_MESSAGE_TYPE, detail, path=where, line=root.sourceline)
    return MessageType(kind, version, namespace), None


def _version(root: etree._Element) -> str | None:
    """The first MessageHeaderDocument/VersionID (the header in any namespace or none), stripped;
    "" when the header has none, None when there is no header."""
    for child in root:
        tag = child.tag
        if isinstance(tag, str) and tag.rpartition("}")[2] == "MessageHeaderDocument":
            for field in child:
                if field.tag == _VERSION_TAG:
                    return (field.text or "").strip()
            return ""
    return None

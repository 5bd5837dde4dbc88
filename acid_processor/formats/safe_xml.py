"""Hardened XML reading for untrusted filings.

One parser configuration for every message: no DTD loading or validation, no entity expansion, no
network, no huge-tree mode, comments and indentation dropped. Bounds are applied before anything
else sees the tree: a byte-size limit before parsing, then a depth and an element-count bound.
Any DOCTYPE, processing instruction or XInclude element is refused with its own reason: Cargo-XML
needs none of them, and each is the carrier of a known attack (entity bombs, XXE, stylesheet and
include tricks).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lxml import etree

from acid_processor import codes
from acid_processor.model import Reason

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"


LIBXML2_MAX_DEPTH = 256


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one message. Real XFWBs are 5–20 KB with about 300 elements at depth 10.

    Depth: libxml2 itself stops parsing past 256 levels (huge_tree is off), so that bound costs
    nothing; a lower `max_depth` adds a check of the parsed tree."""

    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = LIBXML2_MAX_DEPTH
    max_elements: int = 100_000


# Built once: the checks that need the parsed tree, each a single pass in libxml2.
_COUNT_ELEMENTS = etree.XPath("count(//*)")
_HAS_PI = etree.XPath("boolean(//processing-instruction())")
_XINCLUDE_ANY = "{%s}*" % XINCLUDE_NS  # noqa: UP031 - braces of a Clark name
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_BYTE_SCAN_ENCODINGS = frozenset({"UTF-8", "UTF8", "US-ASCII", "ASCII"})

_SYNTAX_CODES = {
    "ERR_INVALID_ENCODING": codes.XML_ENCODING,
    "ERR_INVALID_CHAR": codes.XML_ENCODING,
    "ERR_UNSUPPORTED_ENCODING": codes.XML_ENCODING,
    "ERR_UNKNOWN_ENCODING": codes.XML_ENCODING,
    "ERR_UNDECLARED_ENTITY": codes.XML_ENTITY_FORBIDDEN,
    "WAR_UNDECLARED_ENTITY": codes.XML_ENTITY_FORBIDDEN,
    "ERR_ENTITY_LOOP": codes.XML_ENTITY_FORBIDDEN,
    "ERR_RESOURCE_LIMIT": codes.XML_TOO_DEEP,
}


class SafeXmlReader:
    """Parses untrusted bytes into an lxml tree, or explains in one Reason why it will not.

    lxml parser objects must not be shared between threads, so each thread gets its own."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._local = threading.local()
        # An element path /*/*/... one step deeper than allowed: true means too deep. Only needed
        # below libxml2's own limit.
        self._too_deep = (
            etree.XPath("boolean(" + "/*" * (self.limits.max_depth + 1) + ")")
            if self.limits.max_depth < LIBXML2_MAX_DEPTH
            else None
        )

    def _parser(self) -> etree.XMLParser:
        parser = getattr(self._local, "parser", None)
        if parser is None:
            parser = etree.XMLParser(
                resolve_entities=False,
                load_dtd=False,
                dtd_validation=False,
                no_network=True,
                huge_tree=False,
                remove_comments=True,
                # Indentation between elements is dropped while parsing: Cargo-XML has no mixed
                # content, and a tree without those text nodes validates and is read ~8% faster.
                # libxml2 keeps blanks that are an element's only content (<Name> </Name>).
                remove_blank_text=True,
                # collect_ids stays at its default: lxml turns collect_ids=False into libxml2's
                # XML_SKIP_IDS flag in ctxt->loadsubset, which libxml2 reads as "load the external
                # subset", so an external DTD or parameter entity would be fetched despite load_dtd.
                recover=False,
            )
            self._local.parser = parser
        return parser

    def parse(self, raw: bytes) -> tuple[etree._Element | None, Reason | None]:
        """The root element of a safe, bounded document, or None and the reason it was refused."""
        if not raw or raw.isspace():  # isspace: same blanks as strip(), without copying the body
            return None, Reason(codes.XML_EMPTY, "The message body is empty.")
        if len(raw) > self.limits.max_bytes:
            return None, Reason(
                codes.XML_TOO_LARGE,
                f"The message is {len(raw):,} bytes; the limit is {self.limits.max_bytes:,} bytes.",
            )
        try:
            root = etree.fromstring(raw, self._parser())
        except etree.XMLSyntaxError as exc:
            if _declares_doctype(raw):
                return None, _DTD_REASON
            return None, _syntax_reason(exc)
        except ValueError as exc:  # e.g. a str with an encoding declaration; bytes never get here
            return None, Reason(codes.XML_MALFORMED, f"The message is not XML: {exc}.")

        tree = root.getroottree()
        docinfo = tree.docinfo
        if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
            return None, _DTD_REASON
        if self._too_deep is not None and self._too_deep(tree):
            return None, Reason(
                codes.XML_TOO_DEEP,
                f"Elements are nested deeper than {self.limits.max_depth} levels.",
            )
        # Element count and XInclude elements are checked on the tree: one libxml2 pass each, a few
        # microseconds, exact whatever the encoding or character references. Processing
        # instructions are rare enough for a byte scan to rule them out first, but only where '<'
        # and '?' are those bytes: UTF-8 and ASCII (UTF-7, for one, writes '<' as '+ADw-').
        count = int(_COUNT_ELEMENTS(tree))
        if count > self.limits.max_elements:
            return None, Reason(
                codes.XML_TOO_MANY_ELEMENTS,
                f"The message has {count:,} elements; the limit is {self.limits.max_elements:,}.",
            )
        plain = (
            not raw.startswith(_UTF16_32_BOMS)
            and b"\x00" not in raw[:4]
            and (docinfo.encoding or "").upper() in _BYTE_SCAN_ENCODINGS
        )
        if (not plain or _has_pi_bytes(raw)) and _HAS_PI(tree):
            return None, Reason(
                codes.XML_PROCESSING_INSTRUCTION,
                "The message contains a processing instruction (<?...?>) other than the XML "
                "declaration; none is accepted.",
            )
        if next(root.iter(_XINCLUDE_ANY), None) is not None:
            return None, Reason(
                codes.XML_XINCLUDE_FORBIDDEN,
                "The message contains XInclude elements; they are not accepted and never processed.",
            )
        return root, None


def _has_pi_bytes(raw: bytes) -> bool:
    """Whether '<?' occurs anywhere but in the XML declaration at the start. Scans for '?', which
    is rare in XML, rather than '<', which is everywhere."""
    start = 0
    # '<?xml' and a blank: a PI whose target merely starts with xml (xml-stylesheet) is not it.
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<?xml ", b"<?xml\t", b"<?xml\r", b"<?xml\n")):
        start = raw.find(b"?>") + 2
        if start == 1:
            return True  # an unterminated declaration: let the tree check decide
    at = raw.find(b"?", start)
    while at != -1:
        if raw[at - 1 : at] == b"<":
            return True
        at = raw.find(b"?", at + 1)
    return False


_DTD_REASON = Reason(
    codes.XML_DTD_FORBIDDEN,
    "The message has a DOCTYPE declaration; document type definitions and entities "
    "are not accepted in Cargo-XML filings.",
    line=1,
)


class _PrologSeen(Exception):
    """Raised by the prolog probe to stop parsing: the DOCTYPE (or the root element) was reached."""


class _PrologProbe:
    """A parser target that stops at the first DOCTYPE or start tag and says which came first."""

    def doctype(self, name, pubid, system) -> None:
        raise _PrologSeen(True)

    def start(self, tag, attrib, nsmap=None) -> None:
        raise _PrologSeen(False)

    def close(self) -> None:
        return None


def _declares_doctype(raw: bytes) -> bool:
    """Whether a message that failed to parse declared a DOCTYPE before its root, so an entity bomb
    or a broken internal subset is named as the DTD it is. The parser itself reads the prolog (any
    encoding, no byte scan), with the same protections, and stops at the DOCTYPE or the root."""
    probe = etree.XMLParser(
        target=_PrologProbe(), resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
    )
    try:
        etree.fromstring(raw, probe)
    except _PrologSeen as seen:
        return bool(seen.args[0])
    except (etree.XMLSyntaxError, ValueError):
        return False
    return False


def _syntax_reason(exc: etree.XMLSyntaxError) -> Reason:
    """A Reason for a parser error, naming the libxml2 error in plain words."""
    entry = exc.error_log.last_error if exc.error_log else None
    type_name = entry.type_name if entry is not None else ""
    code = _SYNTAX_CODES.get(type_name, codes.XML_MALFORMED)
    message = (entry.message if entry is not None else str(exc)).strip()
    line = entry.line if entry is not None else getattr(exc, "lineno", None)
    if type_name == "ERR_DOCUMENT_EMPTY" or (line == 1 and message.startswith("Start tag expected")):
        detail = "The message is not XML: it does not start with an element."
    elif code == codes.XML_ENCODING:
        detail = f"The message has bytes that are not valid in its encoding: {message}."
    elif code == codes.XML_ENTITY_FORBIDDEN:
        detail = f"The message uses an entity that is not one of XML's five predefined ones: {message}."
    elif code == codes.XML_TOO_DEEP:
        # libxml2 says "use XML_PARSE_HUGE option", which no sender can act on: say the limit instead.
        detail = "Elements are nested too deeply, or one text is too large, for the parser's limits."
    else:
        detail = f"The message is not well-formed XML: {message}."
    return Reason(code, detail, line=line)

"""Code lists of the trade that the readers and checks share: reason codes, security statuses,
screening methods, exemptions and weight units. Pure data, no behaviour beyond look-ups."""

from __future__ import annotations

from decimal import Decimal

# --- reason codes -------------------------------------------------------------------------------
# PACT vocabulary for the 7+1 data set (docs/domain.md §5.3).
MISSING_WBL_LINE = "MISSING_WBL_LINE"
BAD_WBL_FORMAT = "BAD_WBL_FORMAT"
MISSING_HOUSE_BILL_NBR = "MISSING_HOUSE_BILL_NBR"
INVALID_HOUSE_BILL_NBR = "INVALID_HOUSE_BILL_NBR"
MISSING_SHP_NAME = "MISSING_SHP_NAME"
MISSING_SHP_ADDR = "MISSING_SHP_ADDR"
MISSING_SHP_CTRY = "MISSING_SHP_CTRY"
MISSING_CNE_NAME = "MISSING_CNE_NAME"
MISSING_CNE_ADDR = "MISSING_CNE_ADDR"
MISSING_CNE_CTRY = "MISSING_CNE_CTRY"
MISSING_WEIGHT = "MISSING_WEIGHT"
INVALID_WEIGHT = "INVALID_WEIGHT"
MISSING_WT_UNITS = "MISSING_WT_UNITS"
MISSING_BILL_QTY = "MISSING_BILL_QTY"
INVALID_BILL_QTY = "INVALID_BILL_QTY"
MISSING_CARGO_DESC = "MISSING_CARGO_DESC"
INVALID_MESSAGE_TYPE = "INVALID_MESSAGE_TYPE"
INVALID_ROUTING = "INVALID_ROUTING"
MISSING_CONSOL_INDI = "MISSING_CONSOL_INDI"

# The project's own codes for what PACT has no word for.
XML_EMPTY = "XML_EMPTY"  # an empty body
XML_TOO_LARGE = "XML_TOO_LARGE"  # over the byte-size limit
XML_MALFORMED = "XML_MALFORMED"  # not well-formed XML, or not XML at all
XML_ENCODING = "XML_ENCODING"  # bytes that are not valid in the declared encoding
XML_DTD_FORBIDDEN = "XML_DTD_FORBIDDEN"  # any DOCTYPE: internal subset, entities, external DTD
XML_ENTITY_FORBIDDEN = "XML_ENTITY_FORBIDDEN"  # an entity reference that is not one of the five predefined
XML_TOO_DEEP = "XML_TOO_DEEP"  # nesting deeper than the bound
XML_TOO_MANY_ELEMENTS = "XML_TOO_MANY_ELEMENTS"  # more elements than the bound
XML_PROCESSING_INSTRUCTION = "XML_PROCESSING_INSTRUCTION"  # <?...?> other than the XML declaration
XML_XINCLUDE_FORBIDDEN = "XML_XINCLUDE_FORBIDDEN"  # XInclude elements
SCHEMA_VIOLATION = "SCHEMA_VIOLATION"  # an XSD error no row of formats/schema_reasons.FIELDS covers (rare)
# Schema failures outside the 7+1 data and the routing, by the part of the message they are in.
INVALID_HEADER = "INVALID_HEADER"  # message header: ids, names, dates, purpose, parties, signatures
INVALID_CHARGES = "INVALID_CHARGES"  # prepaid/collect indicators, amounts, currencies, rating, other charges
INVALID_HANDLING = "INVALID_HANDLING"  # SPH/SSR/OSI lines (SPH carries the security status)
INVALID_CUSTOMS_INFO = "INVALID_CUSTOMS_INFO"  # OCI lines (the e-CSD) and customs procedure codes
INVALID_PARTY = "INVALID_PARTY"  # forwarder, notify and other parties; any party's ids and contacts
INVALID_CARGO_DETAIL = "INVALID_CARGO_DETAIL"  # volumes, packages, HS codes, ULDs, item numbers, ...
UNEXPECTED_CONTENT = "UNEXPECTED_CONTENT"  # an unknown, misplaced or repeated element or attribute
AWB_CHECK_DIGIT = "AWB_CHECK_DIGIT"  # the mod-7 check digit does not hold (a warning, see README)
UNSUPPORTED_PURPOSE = "UNSUPPORTED_PURPOSE"  # a deletion: PACT has no cancellations
INVALID_DESCRIPTION = "INVALID_DESCRIPTION"  # a description made of junk (digits only, ...)
INVALID_SHP_NAME = "INVALID_SHP_NAME"
INVALID_SHP_ADDR = "INVALID_SHP_ADDR"
INVALID_CNE_NAME = "INVALID_CNE_NAME"
INVALID_CNE_ADDR = "INVALID_CNE_ADDR"
SECURITY_TEXT_CLAIM = "SECURITY_TEXT_CLAIM"  # a security claim in free text (SSR/OSI): kept and flagged
SECURITY_STATUS_CONFLICT = "SECURITY_STATUS_CONFLICT"  # several statuses filed: the weakest is read
UNKNOWN_SCREENING_METHOD = "UNKNOWN_SCREENING_METHOD"  # a method code not in the list: it counts for nothing
UNKNOWN_EXEMPTION = "UNKNOWN_EXEMPTION"  # an exemption code not in the list: it backs nothing
AWB_NORMALISED = "AWB_NORMALISED"  # an AWB filed as 11 digits without the hyphen: read, and said so
UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"  # a Cargo-IMP text message: not accepted (yet)

# Why a delivery went to the dead-letter queue when no reason above applies.
WRONG_CONTENT_TYPE = "WRONG_CONTENT_TYPE"  # the AMQP content type is not XML
UNREADABLE_MESSAGE = "UNREADABLE_MESSAGE"  # nothing could be read and no reason was found
PROCESSING_ERROR = "PROCESSING_ERROR"  # the processor failed on the message (a bug): kept for an operator
MESSAGE_REJECTED = "MESSAGE_REJECTED"  # an XFNM error without any reason code (should not happen)

# Why an officer command from the commands queue was dead-lettered instead of applied.
COMMAND_MALFORMED = "COMMAND_MALFORMED"  # not JSON
COMMAND_INVALID = "COMMAND_INVALID"  # JSON, but not a command of schemas/command.schema.json
COMMAND_TOO_LARGE = "COMMAND_TOO_LARGE"
COMMAND_UNAUTHORISED = "COMMAND_UNAUTHORISED"  # the AMQP user is not a configured officer account
COMMAND_REFUSED = "COMMAND_REFUSED"  # unknown consignment or hold, or nothing to release or confirm

# --- security -----------------------------------------------------------------------------------
# Security status special-handling codes, strongest claim first.
SECURITY_STATUSES: tuple[str, ...] = ("SHR", "SPX", "SCO", "NSC")

# Screening methods: the current list, and the older Cargo-IMP codes mapped onto it.
SCREENING_METHODS: dict[str, str] = {
    "PHS": "physical/hand search",
    "VCK": "visual check",
    "XRY": "X-ray",
    "EDS": "explosive detection system",
    "EDD": "explosive detection dogs",
    "ETD": "explosive trace detection",
    "CMD": "cargo metal detection",
    "AOM": "other means",
}
LEGACY_SCREENING_METHODS: dict[str, str] = {
    "FRD": "EDD",
    "PRT": "ETD",
    "MDE": "CMD",
    "VPT": "ETD",  # vapour trace
    "RES": "EDD",  # remote explosive scent tracing
    "SIM": "AOM",  # simulation chamber
}
EXEMPTIONS: frozenset[str] = frozenset({"SMUS", "MAIL", "BIOM", "DIPL", "LFSM", "NUCL", "TRNS"})


def normalise_screening_method(code: str) -> str | None:
    """The current code for a filed screening method, or None when the code is not a method."""
    c = code.strip().upper()
    if c in SCREENING_METHODS:
        return c
    return LEGACY_SCREENING_METHODS.get(c)


# --- units --------------------------------------------------------------------------------------
KG_PER_UNIT: dict[str, Decimal] = {
    "KGM": Decimal(1),
    "K": Decimal(1),
    "LBR": Decimal("0.45359237"),
    "L": Decimal("0.45359237"),
}

# --- message kinds ------------------------------------------------------------------------------
MASTER_DIRECT = "740"
MASTER_CONSOLIDATION = "741"
HOUSE_WAYBILL = "703"

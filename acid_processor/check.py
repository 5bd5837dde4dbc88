"""Reading one message end to end: safe parse, detect, validate, extract, data quality.

Pure and reusable: bytes in, a CheckResult out. The command line, the assessment and the RabbitMQ
service all call the same Checker, built once at start (schemas compiled, parser configured).
"""

from __future__ import annotations

from dataclasses import dataclass

from acid_processor.formats.cargo_imp import sniff, unsupported
from acid_processor.formats.cargo_xml import read_envelope, read_filing
from acid_processor.formats.detect import detect
from acid_processor.formats.safe_xml import Limits, SafeXmlReader
from acid_processor.formats.validate import SchemaRegistry, explain
from acid_processor.model import Envelope, Filing, Reason, Severity
from acid_processor.quality import check_filing


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What reading a message found. `valid` is False when any reason rejects the filing."""

    kind: str | None
    version: str | None
    valid: bool
    reasons: tuple[Reason, ...]
    filing: Filing | None
    envelope: Envelope | None = None  # set whenever the kind was detected, valid or not

    @property
    def rejections(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.severity is Severity.REJECT)


class Checker:
    """Holds what is built once (the hardened parser, the compiled schemas) and checks messages."""

    def __init__(self, registry: SchemaRegistry | None = None, limits: Limits | None = None) -> None:
        self.registry = registry or SchemaRegistry()
        self.reader = SafeXmlReader(limits)

    def check(self, raw: bytes) -> CheckResult:
        """Read one message. Never raises for bad input: every problem is a reason."""
        root, problem = self.reader.parse(raw)
        if problem is not None and (imp := sniff(raw)) is not None:
            reason, envelope = unsupported(imp)  # a Cargo-IMP text message, not broken XML
            return CheckResult(None, None, False, (reason,), None, envelope)
        if problem is not None or root is None:
            return CheckResult(None, None, False, (problem,) if problem else (), None)
        mtype, problem = detect(root)
        if problem is not None or mtype is None:
            return CheckResult(None, None, False, (problem,) if problem else (), None)
        schema_reasons = self.registry.validate(root, mtype.kind, mtype.version)
        if schema_reasons:
            envelope = read_envelope(root, mtype.kind)
            return CheckResult(mtype.kind, mtype.version, False, tuple(schema_reasons), None, envelope)
        filing = read_filing(root, mtype.kind)
        reasons = tuple(check_filing(filing))
        valid = not any(r.severity is Severity.REJECT for r in reasons)
        envelope = Envelope(filing.header, filing.document_id, filing.awb)
        return CheckResult(mtype.kind, mtype.version, valid, reasons, filing, envelope)

    def explain(self, raw: bytes, result: CheckResult) -> list[Reason]:
        """The raw words behind a schema failure, for those who want them (slow; on request only):
        libxml2's own messages, then the xmlschema library's second opinion. The reasons of the
        result itself stay plain sentences; these follow them, with the same codes."""
        if result.kind is None or result.version is None or result.filing is not None:
            return []
        root, _ = self.reader.parse(raw)
        said = self.registry.libxml2_says(root, result.kind, result.version) if root is not None else []
        return said + explain(raw, self.registry.path(result.kind, result.version), result.reasons)

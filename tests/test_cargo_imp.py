"""Cargo-IMP text is recognised, not mistaken for broken XML: each filing gets UNSUPPORTED_FORMAT
naming the Cargo-XML message to send instead, and an FWB or FHL that names its AWB is answered to
its carrier with an XFNM error; responses are refused as responses."""

from __future__ import annotations

from pathlib import Path

import pytest

from acid_processor import codes
from acid_processor.assessment.engine import Assessor
from acid_processor.check import Checker
from acid_processor.formats.cargo_imp import sniff
from acid_processor.pipeline import Delivery, Pipeline
from acid_processor.replies import load_profile

IMP = Path(__file__).resolve().parents[1] / "fixtures" / "cargo-imp"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


@pytest.mark.parametrize(
    ("name", "instead", "awb"),
    [
        ("fwb16.txt", "send XFWB 3.00", "000-12345623"),
        ("fhl5.txt", "send XFHL 2.00", "123-45678902"),
        ("ffm8.txt", "send XFFM 3.00", None),
        ("per-error.txt", "a response or status message", None),
        ("psn-ack.txt", "a response or status message", None),
    ],
)
def test_each_cargo_imp_sample_gets_its_own_reason(checker, name, instead, awb):
    r = checker.check((IMP / name).read_bytes())
    assert not r.valid and r.filing is None
    (reason,) = r.reasons
    assert reason.code == codes.UNSUPPORTED_FORMAT and instead in reason.detail
    assert (r.envelope.awb.number if r.envelope else None) == awb


def test_type_b_envelope_lines_before_the_identifier_are_skipped():
    raw = b"QK YULCUAC\n.HDQFMAC 291105\nFWB/16\n176-12345675FRAYUL/T2K35\n"
    found = sniff(raw)
    assert (found.type, found.version, found.awb.number) == ("FWB", "16", "176-12345675")


@pytest.mark.parametrize(
    "raw",
    [b"", b"<?xml version='1.0'?><x/>", b"hello world", b"ABC/1\n", b"FWBX/16\n", b'{"json": true}'],
)
def test_other_bodies_are_not_taken_for_cargo_imp(raw):
    assert sniff(raw) is None


def test_plain_text_is_still_malformed_xml(checker):
    (reason,) = checker.check(b"this is not a filing at all").reasons
    assert reason.code == codes.XML_MALFORMED


def test_the_carrier_of_a_cargo_imp_fwb_gets_an_xfnm_error_not_a_dead_letter():
    pipeline = Pipeline(Assessor(), load_profile("pact"))
    p = pipeline.process(Delivery(body=(IMP / "fwb16.txt").read_bytes(), message_id="imp-1"))
    assert p.dead_letter is None
    (xfnm,) = p.outcome.outbound
    assert xfnm.routing_key == "000.xfnm" and b"<ram:Reason>UNSUPPORTED_FORMAT</ram:Reason>" in xfnm.body
    unnamed = pipeline.process(Delivery(body=(IMP / "ffm8.txt").read_bytes(), message_id="imp-2"))
    assert unnamed.dead_letter is not None and unnamed.dead_letter.code == codes.UNSUPPORTED_FORMAT

"""The command line as a user runs it: `check` and `assess` output, JSON keys and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from acid_processor.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_valid_files_exit_0_with_kind_and_version(capsys):
    code, out, _ = run(
        capsys,
        "check",
        str(FIXTURES / "samples/xfwb3-example.xml"),
        str(FIXTURES / "samples/xfzb3-house.xml"),
    )
    assert code == 0
    assert "XFWB 3.00  valid" in out and "XFZB 3.00  valid" in out


def test_check_json_has_the_documented_keys_and_the_record(capsys):
    code, out, _ = run(capsys, "check", "--json", str(FIXTURES / "samples/xfzb3-house.xml"))
    assert code == 0
    (line,) = out.splitlines()
    obj = json.loads(line)
    assert {"file", "kind", "version", "valid", "reasons", "record"} <= set(obj)
    assert obj["valid"] is True and obj["kind"] == "XFZB"
    house = obj["record"]["consignments"][0]
    assert house["hawb"] == "SEL22222222" and house["awb"]["number"] == "888-11111111"
    assert house["gross_weight"]["kg"] == 134.0 and house["shipper"]["name"] == "SPARE PART LTD."


def test_check_directory_reports_every_xml_file_and_exits_1_when_one_is_invalid(capsys):
    code, out, _ = run(capsys, "check", "--json", str(FIXTURES / "samples"))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert len(rows) == len(list((FIXTURES / "samples").glob("*.xml")))
    invalid = {Path(r["file"]).name: r for r in rows if not r["valid"]}
    assert set(invalid) == {
        "xcsn1-rfi-house.xml",
        "xcsn1-rfi-master.xml",
        "xfnm3-acknowledgement.xml",
        "xfnm3-error.xml",
    }
    for r in invalid.values():
        assert r["record"] is None
        assert r["reasons"][0]["code"] == "INVALID_MESSAGE_TYPE"
        assert {"code", "path", "line", "detail"} <= set(r["reasons"][0])


def test_check_invalid_reports_code_path_and_line(capsys, tmp_path):
    bad = tmp_path / "xfwb-missing-consignee-name.xml"
    bad.write_bytes(
        (FIXTURES / "samples/xfwb3-example.xml")
        .read_bytes()
        .replace(b"<Name>SCHENKER FRANCE SAS</Name>", b"")
    )
    code, out, _ = run(capsys, "check", "--json", str(bad))
    assert code == 1
    reason = json.loads(out)["reasons"][0]
    assert reason["code"] == "MISSING_CNE_NAME"
    assert reason["path"].startswith("Waybill/MasterConsignment/ConsigneeParty")
    assert reason["line"] == 68


def test_check_explain_adds_the_xmlschema_explanation(capsys, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(
        (FIXTURES / "samples/xfwb3-example.xml")
        .read_bytes()
        .replace(b"<ID>020-68548340</ID>", b"<ID>020-6854834</ID>")
    )
    code, out, _ = run(capsys, "check", "--json", "--explain", str(bad))
    reasons = json.loads(out)["reasons"]
    assert code == 1 and len(reasons) >= 2
    assert reasons[0]["code"] == "BAD_WBL_FORMAT"
    assert any("020-6854834" in r["detail"] for r in reasons[1:])


def test_check_missing_file_is_a_usage_error(capsys):
    code, _, err = run(capsys, "check", "no/such/file.xml")
    assert code == 2 and "no such file" in err


def test_usage_errors_exit_2():
    for argv in ([], ["check"], ["bogus"]):
        r = subprocess.run([sys.executable, "-m", "acid_processor", *argv], capture_output=True, check=False)
        assert r.returncode == 2, argv


def test_assess_json_one_object_per_consignment(capsys):
    code, out, _ = run(
        capsys,
        "assess",
        "--json",
        "--rules",
        str(FIXTURES / "policy-test"),
        str(FIXTURES / "valid/xfhl-two-houses.xml"),
        str(FIXTURES / "samples/xfzb3-house.xml"),
    )
    rows = [json.loads(line) for line in out.splitlines()]
    # Two manifest lines (not assessed), the manifest's master (told its status), the house.
    assert code == 0 and len(rows) == 4
    for r in rows:
        assert {"file", "kind", "awb", "hawb", "decision", "reasons", "screening_methods"} <= set(r)
        assert {"carrier", "targeting"} <= set(r)
        assert all({"code", "rule", "detail"} <= set(x) for x in r["reasons"])
    assert [r["decision"] for r in rows[:2]] == ["NOT_ASSESSED", "NOT_ASSESSED"]
    assert (rows[2]["awb"], rows[2]["hawb"], rows[2]["carrier"]) == ("123-45678902", None, ["CO"])
    house = rows[3]
    assert house["carrier"] == ["RS"] and house["targeting"] == ["referral.rfs"]
    assert house["decision"] == "RFS" and house["hawb"] == "SEL22222222"
    assert {"DESC-GENERIC", "SEC-NO-STATUS-PAX"} <= {x["rule"] for x in house["reasons"]}
    assert len(house["screening_methods"]) >= 2


def test_assess_out_writes_replies_and_the_table_reads_at_a_glance(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "assess",
        "--rules",
        str(FIXTURES / "policy-test"),
        "--profile",
        "camir",
        "--out",
        str(tmp_path),
        str(FIXTURES / "samples/xfzb3-house.xml"),
    )
    assert code == 0
    assert out.splitlines()[0].split() == [
        "FILE",
        "KIND",
        "AWB",
        "HAWB",
        "DECISION",
        "CARRIER",
        "TARGETING",
        "SCREENING",
        "RULES",
    ]
    assert "RFS" in out.splitlines()[1]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "xfzb3-house.888-11111111_SEL22222222.referral.json",
        "xfzb3-house.888-11111111_SEL22222222.xcsn.xml",
        "xfzb3-house.xfnm.xml",
    ]
    assert b"<ram:StatusCode>8H</ram:StatusCode>" in (tmp_path / names[1]).read_bytes()


def test_assess_test_mode_triggers(capsys, tmp_path):
    raw = (
        (FIXTURES / "assess/xfwb-direct-clean.xml")
        .read_bytes()
        .replace(b"MEN'S COTTON T-SHIRTS, KNITTED", b"DNL SHIPMENT PLEASE")
    )
    f = tmp_path / "xfwb-test-trigger-dnl.xml"
    f.write_bytes(raw)
    _, out, _ = run(capsys, "assess", "--json", "--rules", str(FIXTURES / "policy-test"), str(f))
    assert json.loads(out)["decision"] == "ASSESSMENT_COMPLETE"
    _, out, _ = run(
        capsys, "assess", "--json", "--test-mode", "--rules", str(FIXTURES / "policy-test"), str(f)
    )
    assert json.loads(out)["decision"] == "DNL"


def test_assess_with_a_broken_policy_exits_2_with_the_file_named(capsys, tmp_path):
    (tmp_path / "rules.toml").write_text(
        'version = "x"\n[[rules]]\nid = "A"\ntype = "nope"\noutcome = "RFI"\n'
    )
    code, _, err = run(capsys, "assess", "--rules", str(tmp_path), str(FIXTURES / "samples/xfzb3-house.xml"))
    assert code == 2 and "rules.toml" in err and "unknown type 'nope'" in err

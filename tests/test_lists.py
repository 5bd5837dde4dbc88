"""The one reader every policy list goes through: the same comment, quoting and header rules for
watch lists, intelligence, locations and freighters, and mistakes named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.lists import csv_rows, text_lines


def write(tmp_path: Path, text: str | bytes, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_comments_blank_lines_and_a_bom_are_skipped_before_and_after_the_header(tmp_path):
    path = write(tmp_path, "\ufeff# a comment\n\ncode,reason\n# XHR,commented out\nXHR, demo \n\n")
    assert list(csv_rows(path, ("code", "reason"))) == [(5, {"code": "XHR", "reason": "demo"})]


def test_a_quoted_field_may_hold_commas_and_line_breaks(tmp_path):
    path = write(tmp_path, 'id,address\nA1,"Plot 7, Jebel Ali\nDubai"\nA2,x\n')
    rows = list(csv_rows(path, ("id", "address")))
    assert rows == [
        (3, {"id": "A1", "address": "Plot 7, Jebel Ali\nDubai"}),
        (4, {"id": "A2", "address": "x"}),
    ]


def test_columns_in_any_order_and_case_and_optional_columns_default_to_empty(tmp_path):
    path = write(tmp_path, "Reason,CODE\nwhy,XHR\n")
    assert list(csv_rows(path, ("code",), ("reason", "note"))) == [
        (2, {"code": "XHR", "reason": "why", "note": ""})
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code\nX\n", "list.csv line 1: missing column(s): reason"),
        ("code,reason,resaon\nX,y,z\n", "list.csv line 1: unknown column(s): resaon"),
        ("code,reason,code\n", "list.csv line 1: a column is named twice"),
        ("code,reason\nX,y\nX\n", "list.csv line 3: 1 fields where the header has 2"),
        ("# nothing\n", "list.csv: empty list file"),
        (b"code,reason\nX,\xff\n", "list.csv line 2: not UTF-8"),
    ],
)
def test_mistakes_name_the_file_and_line(tmp_path, text, message):
    with pytest.raises(PolicyError) as err:
        list(csv_rows(write(tmp_path, text), ("code", "reason")))
    assert message in str(err.value)


def test_text_lists_skip_comments_and_a_missing_file_is_named(tmp_path):
    path = write(tmp_path, "# generic terms\nPARTS\n\n  GIFTS  \n", "terms.txt")
    assert list(text_lines(path)) == [(2, "PARTS"), (4, "GIFTS")]
    with pytest.raises(PolicyError, match=r"nope\.txt: list file not found"):
        list(text_lines(tmp_path / "nope.txt"))

"""Golden cases: each ``tests/cases/<name>/`` holds a page and the reading we expect of it."""

from __future__ import annotations

import json

import pytest

from scholarkg.errors import InputError
from scholarkg.parse import parse_file

from conftest import AS_OF, CASES

CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "page.txt").exists())


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_reads_as_expected(name, monkeypatch):
    monkeypatch.chdir(CASES / name)
    expected = json.loads((CASES / name / "expected.json").read_text(encoding="utf-8"))
    if "error" in expected:
        with pytest.raises(InputError) as info:
            parse_file("page.txt", as_of=AS_OF)
        assert str(info.value) == expected["error"]
        return
    page = parse_file("page.txt", as_of=AS_OF)
    assert page.to_json_dict() == expected


def test_every_case_has_an_expectation():
    for name in CASE_NAMES:
        assert (CASES / name / "expected.json").exists(), name
    assert len(CASE_NAMES) >= 8

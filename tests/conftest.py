"""Shared fixtures: a fixed as-of date (tests never depend on today), the samples, a runner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

AS_OF = dt.date(2026, 11, 24)
TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "cases"
SAMPLES = REPO.parent / "shared" / "samples"
EXAMPLES = REPO / "examples" / "pages"


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not beside this checkout")
    return SAMPLES

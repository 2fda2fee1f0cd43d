"""Fixtures for the eval tests: the tiny data under tests/eval/fixtures and the real benchmark folder."""

from __future__ import annotations

from pathlib import Path

import pytest

EVAL_FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return EVAL_FIXTURES


@pytest.fixture
def bench() -> Path:
    """A miniature benchmarks folder (same layout as ../shared/benchmarks, a few rows each)."""
    return EVAL_FIXTURES / "benchmarks"


@pytest.fixture
def real_bench() -> Path:
    """../shared/benchmarks when present; the test is skipped otherwise."""
    from eval.datasets import benchmarks_root

    root = benchmarks_root()
    if not (root / "INDEX.md").is_file():
        pytest.skip(f"benchmark data not present at {root}")
    return root

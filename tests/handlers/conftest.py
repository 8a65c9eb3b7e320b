"""Fixtures of the use-case tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cdht.scoring.departments import use_departments


@pytest.fixture
def packaged_departments_list() -> Iterator[None]:
    """The packaged departments list, whatever a test (or CDHT_DEPARTMENTS_FILE) set before; restored after."""
    previous = use_departments(None)
    yield
    use_departments(previous)

"""The `golden` fixture: the golden transcript of the requesting test (see `conversation_harness.Golden`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conversation_harness import Golden

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """tests/conversations/golden/<module without test_golden_ or test_>/<test without test_>.txt"""
    module = request.path.stem.removeprefix("test_golden_").removeprefix("test_")
    test = request.node.name.removeprefix("test_")
    return Golden(GOLDEN / module / f"{test}.txt", update=bool(request.config.getoption("update_golden")))

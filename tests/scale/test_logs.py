"""An error in the log costs milliseconds and carries no local variables (people's messages, phone numbers):
while the database is away every loop logs one per turn, on the event loop that also answers the webhook."""

from __future__ import annotations

import time

import pytest
import structlog

from cdht.logs import configure_logging

pytestmark = pytest.mark.slow  # every scale test; `make unit-fast` leaves them out


def test_a_logged_error_is_quick_and_shows_no_local_values(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging()
    try:
        log = structlog.get_logger("cdht.test")
        payload = {"phone": "+84902000001", "text": "Số hộ: 250"}
        try:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        except ConnectionRefusedError:
            started = time.perf_counter()
            log.exception("inbox step failed", inbox_id=7)
            took = time.perf_counter() - started
        output = capsys.readouterr().err  # logs go to standard error; standard output is the commands' own
        assert "inbox step failed" in output and "inbox_id=7" in output
        assert "Traceback" in output and "ConnectionRefusedError" in output
        assert payload["phone"] not in output and "Số hộ" not in output
        assert took < 0.2  # rich's default with locals: about 1.7 s
    finally:
        structlog.reset_defaults()

"""How the bot logs: one plain line per event, plain tracebacks.

structlog's default draws each traceback with rich, local variables included: about 1.7 s and 100 KB per
logged error, with people's messages and phone numbers among the locals. While the database is away every
loop logs an error on each turn, so the default stalled the event loop (webhook answers included) for
seconds at a time and filled the log with personal data."""

from __future__ import annotations

import logging
import sys

import structlog


class _CurrentStderr:
    """Whatever `sys.stderr` is when a line is written, not when logging was configured: a test runner (or a
    daemon) may replace and close the stream it had at that moment."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO") -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S", utc=False),
            structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), 20)
        ),
        logger_factory=structlog.PrintLoggerFactory(_CurrentStderr()),  # type: ignore[arg-type]  # stdout is the commands' output
    )

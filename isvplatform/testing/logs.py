"""Capture what the real log handler writes, at DEBUG on every logger, for tests that
assert what a log line may (a request id) and may not (a secret, a body) carry."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog


class CapturedLogs:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        """Each line as the JSON object it is (the test settings' LOG_FORMAT)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


def real_formatter() -> logging.Formatter:
    """The formatter of the handler LOGGING put on the root logger."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter):
            return handler.formatter
    raise AssertionError("no structlog handler on the root logger: LOGGING was not applied")


@contextmanager
def captured_logs() -> Iterator[CapturedLogs]:
    """Every record of every logger, DEBUG and up, through the real formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(real_formatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    loggers = [
        root,
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        if lg.level > logging.DEBUG:
            lg.setLevel(logging.DEBUG)
        lg.disabled = False
    root.addHandler(handler)
    try:
        yield CapturedLogs(stream)
    finally:
        root.removeHandler(handler)
        for lg, level, disabled in saved:
            lg.setLevel(level)
            lg.disabled = disabled

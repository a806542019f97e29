"""Log set-up: one line per record, facts passed in ``extra`` shown as fields."""

from __future__ import annotations

import logging
import sys

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class FieldsFormatter(logging.Formatter):
    """``time level logger message key=value ...``, extras sorted by key."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {
            k: v
            for k, v in record.__dict__.items()
            if k not in _STANDARD and not k.startswith("_")
        }
        if fields:
            line += " " + " ".join(f"{k}={_show(v)}" for k, v in sorted(fields.items()))
        return line


def _show(value: object) -> str:
    text = str(value)
    return repr(text) if (" " in text or not text) else text


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        FieldsFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Libraries that narrate every query or frame at INFO.
    for noisy in ("tortoise", "aiohttp.access", "saq"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))

"""Log set-up: plain key=value lines on stderr, one line per record.

The same configuration is applied in every process that serves: `todochat serve`
hands `logging_config()` to uvicorn, which applies it in the main process and again
in each worker it spawns (a spawned worker starts with no logging configured, and
libraries such as the MCP SDK would otherwise install their own handler there).
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

FORMAT = "%(asctime)s level=%(levelname)s pid=%(process)d logger=%(name)s %(message)s"
# SQL echo and per-request chatter of libraries stay quiet unless asked for.
QUIET_LOGGERS = ("sqlalchemy.engine", "httpx", "httpcore", "uvicorn.access")


class OneLineFormatter(logging.Formatter):
    """Formats a record as one line: a traceback or a message with line breaks keeps
    its breaks as the two characters `\\n`, so that every record is one line in the
    output and log collectors never split a record in pieces."""

    def format(self, record: logging.LogRecord) -> str:
        """The record on one line."""
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """The `logging.config.dictConfig` configuration of a todochat process: one
    handler on the root logger, writing one line per record to stderr."""
    return {
        "version": 1,
        # Loggers created at import time (uvicorn's, the SDKs') keep working.
        "disable_existing_loggers": False,
        "formatters": {"todochat": {"()": "todochat.logs.OneLineFormatter", "format": FORMAT}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "todochat",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            # uvicorn's own loggers go through the root handler, not handlers of their own.
            **{name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error")},
            **{name: {"level": "WARNING"} for name in QUIET_LOGGERS},
        },
    }


def configure_logging(level: str = "INFO") -> None:
    """Send todochat's and the libraries' logs to stderr, one line each."""
    logging.config.dictConfig(logging_config(level))


def ensure_logging(level: str = "INFO") -> None:
    """Configure logging unless this process already has it configured.

    An app built in a process where nobody configured logging (a uvicorn worker
    started without todochat's `log_config`, `uvicorn --factory` run by hand) would
    otherwise lose its INFO records (the access log), and the MCP SDK would install
    its own Rich handler on the empty root logger. Where a handler is present (the
    command line configured it, a test runner captures logs) it is left alone.
    """
    if not logging.getLogger().handlers:
        configure_logging(level)

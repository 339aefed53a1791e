"""Logging in every worker: with `--workers 2` each request gets one access line, and
every record, tracebacks included, is one line of todochat's format."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import httpx

from tests.support import ServerProcess
from todochat.logs import FORMAT, OneLineFormatter

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} level=[A-Z]+ pid=\d+ logger=\S+ ")


def test_two_workers_write_one_access_line_per_request(tmp_path: Path, database_url: str) -> None:
    server = ServerProcess(tmp_path, database_url, TODOCHAT_WORKERS="2")
    request_ids = [f"worker-log-{n}" for n in range(12)]
    with server:
        for request_id in request_ids:
            # A fresh connection each time, so that either worker may accept it.
            response = httpx.get(
                f"{server.base_url}/api/me/tasks", headers={"X-Request-ID": request_id}
            )
            assert response.status_code == 401
        # Stopping flushes and ends both workers: the log is complete afterwards.
        server.stop()
    output = server.output()

    access = [line for line in output.splitlines() if "logger=todochat.access" in line]
    for request_id in request_ids:
        lines = [line for line in access if line.endswith(f" request_id={request_id}")]
        assert len(lines) == 1, (request_id, output[-3000:])
        assert "route=/api/{user_id}/tasks status=401" in lines[0]
    # Both workers started (a worker the supervisor found unresponsive may be restarted).
    assert output.count("Started server process") >= 2, output[-3000:]


def test_every_output_line_of_two_workers_is_a_todochat_log_record(
    tmp_path: Path, database_url: str
) -> None:
    server = ServerProcess(tmp_path, database_url, TODOCHAT_WORKERS="2")
    with server:
        assert httpx.get(f"{server.base_url}/healthz").status_code == 200
        server.stop()
    lines = [line for line in server.output().splitlines() if line.strip()]

    assert lines
    # No Rich boxes or bare print-outs: the MCP SDK did not install its own handler.
    assert [line for line in lines if not LOG_LINE.match(line)] == []


def test_a_traceback_is_one_line_of_its_record() -> None:
    formatter = OneLineFormatter(FORMAT)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        record = logging.LogRecord(
            "todochat.test", logging.ERROR, __file__, 1, "failed\nbadly", None, sys.exc_info()
        )

    formatted = formatter.format(record)

    assert "\n" not in formatted
    assert "failed\\nbadly" in formatted
    assert "Traceback (most recent call last):\\n" in formatted
    assert "ZeroDivisionError: boom" in formatted

"""The OpenAPI schema tells the truth. Schemathesis over the whole schema of a real
`todochat serve`, signed in: no server error, and every response (status, content type,
headers, body) is one the schema documents. Deterministic: a fixed seed, a bounded
number of examples per operation, one worker, no example database carried between
runs. Quick in-process checks of the same promises come first."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import PASSWORD, ServerProcess, sqlite_url

SEED = 20261123
# Per operation and phase; the coverage phase adds its own bounded set on top.
MAX_EXAMPLES = 10
PHASES = "examples,coverage,fuzzing,stateful"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    # A method the path does not have: 405 with the path's methods in `Allow`.
    "unsupported_method",
    "allow_header_conformance",
)
EMAIL = "fuzz@example.com"

# `{user_id}` is the caller's own (`me`), or every call would be a 403. The token comes
# from logging in, again whenever a call gets a 401: the schema has /api/auth/logout,
# which revokes every token the user holds. A run that ended up unauthenticated,
# rate limited or pointed at the wrong server fails on its warning.
CONFIG = f"""
[parameters]
"path.user_id" = "me"

[auth.dynamic.openapi.OAuth2PasswordBearer]
path = "/api/auth/login"
payload = {{ email = "{EMAIL}", password = "{PASSWORD}" }}
extract_selector = "/access_token"

[warnings]
fail-on = ["missing_auth", "unused_openapi_auth", "rate_limited", "base_url_mismatch"]
"""


HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
Operations = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture
async def operations(client: httpx.AsyncClient) -> Operations:
    """Every operation of the schema, by (method, path)."""
    paths = (await client.get("/openapi.json")).json()["paths"]
    return {
        (method, path): operation
        for path, item in paths.items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def documented(operation: dict[str, Any]) -> set[str]:
    """The statuses an operation documents."""
    return set(operation["responses"])


async def test_every_operation_with_a_body_documents_400_and_413(
    operations: Operations,
) -> None:
    with_body = {key: op for key, op in operations.items() if "requestBody" in op}
    assert len(with_body) > 10
    for key, operation in with_body.items():
        assert {"400", "413"} <= documented(operation), key


async def test_every_api_operation_documents_503_with_retry_after(
    operations: Operations,
) -> None:
    for (method, path), operation in operations.items():
        if not path.startswith("/api/"):
            continue
        responses = operation["responses"]
        assert "503" in responses, (method, path)
        assert "Retry-After" in responses["503"]["headers"], (method, path)


async def test_creating_posts_with_an_idempotency_key_document_409(
    operations: Operations,
) -> None:
    keyed = [
        key
        for key, op in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
    ]
    assert len(keyed) >= 4
    for key in keyed:
        assert "409" in documented(operations[key]), key


async def test_a_405_allows_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/me/tasks/1")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, PATCH, PUT"
    assert response.json()["error"]["code"] == "method_not_allowed"


def schemathesis_command(*args: str) -> list[str]:
    """The `st` script installed beside this interpreter."""
    return [str(Path(sys.executable).with_name("st")), *args]


def test_schemathesis_finds_no_server_error_and_no_undocumented_response(
    tmp_path: Path,
) -> None:
    server = ServerProcess(
        tmp_path,
        sqlite_url(tmp_path / "fuzz.db"),
        # The fuzzer sends hundreds of chat turns and logins within a minute.
        TODOCHAT_CHAT_REQUESTS_PER_MINUTE="1000000",
        TODOCHAT_LOGIN_ATTEMPTS_PER_ACCOUNT="1000000",
        TODOCHAT_LOGIN_ATTEMPTS_PER_ADDRESS="1000000",
    )
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    with server, httpx.Client(base_url=server.base_url, timeout=30) as http:
        registered = http.post("/api/auth/register", json={"email": EMAIL, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        run = subprocess.run(
            schemathesis_command(
                "--config-file",
                str(config),
                "run",
                f"{server.base_url}/openapi.json",
                "--seed",
                str(SEED),
                "--max-examples",
                str(MAX_EXAMPLES),
                "--phases",
                PHASES,
                "--checks",
                ",".join(CHECKS),
                "--workers",
                "1",
                "--generation-database",
                "none",
                "--request-timeout",
                "30",
                "--no-color",
                "--output-truncate",
                "true",
            ),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    output = run.stdout + run.stderr
    # Shown with `pytest -rP`: how much was tested, and how long it took.
    print(output[output.rfind("Test cases:") :])
    assert run.returncode == 0, output[-20_000:]
    # A 500 is a failed check already; this catches one the fuzzer never saw (a stream).
    assert "unhandled error" not in server.output(), server.output()[-5000:]
    tested = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", output)
    assert tested is not None, output[-5000:]
    assert int(tested[1]) == int(tested[2]) == int(tested[3]) > 20, tested[0]
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases is not None, output[-5000:]
    assert int(cases[1]) == int(cases[2]) > 0, cases[0]

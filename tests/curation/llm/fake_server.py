"""A real OpenAI-compatible HTTP server on loopback (stdlib ``http.server`` in a thread), for the tests.

It serves ``POST /v1/chat/completions``. The last user message says how to answer: ``mode:<name> ...``
with ``<name>`` one of ``valid``, ``annotation``, ``fenced``, ``invalid_then_valid``, ``always_invalid``,
``500_then_valid``, ``500_always``, ``slow``, ``brief`` (valid after 50 ms), ``length``, ``loop``;
any other mode gets HTTP 400. It records every request (body and lower-cased
headers) and counts requests per message text; it answers 503 after ``max_requests`` requests.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VALID = {"passages": ["Le patient présente une hypertension artérielle."]}
ANNOTATION = {"edu": 7, "cont": 6, "writ": 8, "term": 9, "content_type": "clinical_guidance"}


class FakeOpenAIServer:
    """Start with ``start()`` (returns the base URL), stop with ``stop()``; see the module docstring."""

    def __init__(self, slow_s: float = 1.0, max_requests: int = 500):
        self.slow_s = slow_s
        self.max_requests = max_requests
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.per_text: Counter = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        """Serve on 127.0.0.1 on an ephemeral port; return the ``/v1`` base URL."""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                """No access log."""

            def do_POST(self):
                """Answer one chat completion according to its mode."""
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                status, payload = outer.answer(self.path, body, {k.lower(): v for k, v in self.headers.items()})
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def answer(self, path: str, body: dict, headers: dict) -> tuple[int, dict]:
        """(HTTP status, JSON body) for one request."""
        text = body["messages"][-1]["content"]
        if isinstance(text, list):
            text = " ".join(part.get("text", "") for part in text if part.get("type") == "text")
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            nth = self.per_text[text]
            self.per_text[text] += 1
            total = len(self.requests)
        if path != "/v1/chat/completions":
            return 404, {"error": {"message": f"no route {path}"}}
        if total > self.max_requests:
            return 503, {"error": {"message": "request budget of the test server exhausted"}}
        mode = text.split()[0].removeprefix("mode:")
        if mode == "valid":
            return 200, completion(json.dumps(VALID))
        if mode == "annotation":
            return 200, completion(json.dumps(ANNOTATION))
        if mode == "fenced":
            return 200, completion("Voici le résultat :\n```json\n" + json.dumps(VALID) + "\n```")
        if mode == "invalid_then_valid":
            return 200, completion('{"passages": [' if nth == 0 else json.dumps(VALID))
        if mode == "always_invalid":
            return 200, completion("Je ne peux pas répondre en JSON.")
        if mode == "500_then_valid":
            return (500, {"error": {"message": "boom"}}) if nth == 0 else (200, completion(json.dumps(VALID)))
        if mode == "500_always":
            return 500, {"error": {"message": "boom"}}
        if mode == "slow":
            time.sleep(self.slow_s)
            return 200, completion(json.dumps(VALID))
        if mode == "brief":
            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            time.sleep(0.05)
            with self._lock:
                self.in_flight -= 1
            return 200, completion(json.dumps(VALID))
        if mode == "length":
            return 200, completion('{"passages": ["Le patient présente', finish="length")
        if mode == "loop":
            return 200, completion('{"passages": ["' + "et le patient et le patient " * 40, finish="length")
        return 400, {"error": {"message": f"unknown mode {mode!r}"}}


def completion(content: str, finish: str = "stop") -> dict:
    """An OpenAI chat.completion body."""
    return {"id": "cmpl-test", "object": "chat.completion", "created": 0, "model": "test-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

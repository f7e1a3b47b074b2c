"""A small web service: counts visits in a file on the data volume.

Standard library only, so it builds without a package index. GET / counts a visit, GET /healthz answers
the container healthcheck.
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT = int(os.environ.get("PORT", "8000"))
DATA = Path(os.environ.get("DATA_DIR", "/home/app/data"))


class Handler(BaseHTTPRequestHandler):
    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/healthz":
            self._send(200, {"status": "ok"})
        elif self.path == "/":
            counter = DATA / "visits"
            visits = int(counter.read_text()) + 1 if counter.exists() else 1
            counter.write_text(str(visits))
            self._send(200, {"visits": visits})
        else:
            self._send(404, {"error": "not found"})

    def log_message(self, format: str, *args: object) -> None:
        print(f"{self.address_string()} {format % args}", flush=True)


if __name__ == "__main__":
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"listening on :{PORT}, data in {DATA}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()

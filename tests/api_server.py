"""A loopback stand-in for Hugging Face's daily-papers API, answering with recorded responses.

`served(folder, statuses)` serves `GET /api/daily_papers?date=YYYY-MM-DD&limit=N&p=K` from
`folder/YYYY-MM-DD.json` (real responses: ../shared/corpus/api, tests/fixtures/api_days), page
by page as the API does; a day with no file answers `[]`; a day in `statuses` answers that
HTTP status instead (429: rate limited). Every request's query is kept in `requests`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


@dataclass
class Api:
    url: str
    """The endpoint to give as HF_ENDPOINT."""
    requests: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def served(folder: Path, statuses: dict[str, int] | None = None) -> Iterator[Api]:
    statuses = statuses or {}
    api_holder: list[Api] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            parsed = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
            api_holder[0].requests.append(query)
            if parsed.path != "/api/daily_papers":
                return self._answer(404, {"error": "not found"})
            day = query.get("date", "")
            if day in statuses:
                return self._answer(statuses[day], {"error": "recorded status"})
            path = folder / f"{day}.json"
            items = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
            limit, page = int(query.get("limit", 50)), int(query.get("p", 0))
            return self._answer(200, items[page * limit:(page + 1) * limit])

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api_holder.append(Api(f"http://127.0.0.1:{server.server_address[1]}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api_holder[0]
    finally:
        server.shutdown()
        server.server_close()

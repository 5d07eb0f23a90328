"""Upload files as an editor in a process of its own, and report what each got and what it cost.

    python upload_process.py CONFIG_JSON EMAIL PASSWORD FILE...

Prints one JSON line per file (name, status, seconds, the page's text), then one with the process's
peak memory in MB (ru_maxrss: the most it ever held, so it covers every upload before it).
"""

from __future__ import annotations

import json
import re
import sys
import time
from html import unescape
from pathlib import Path

from trefpunt import create_app


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: Linux keeps the parent's high-water
    mark across fork and exec, so under a large pytest process it reported pytest's peak, not ours."""
    with open("/proc/self/status", encoding="ascii") as status:
        kilobytes = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kilobytes / 1024


def main() -> None:
    config, email, password, *files = sys.argv[1:]
    app = create_app(json.loads(config))
    client = app.test_client()
    assert client.post("/auth/inloggen", data={"email": email, "password": password}).status_code == 302
    print(json.dumps({"before_mb": peak_mb()}), flush=True)
    for name in files:
        path = Path(name)
        with path.open("rb") as upload:
            start = time.perf_counter()
            response = client.post(
                "/beheer/import", data={"bestand": (upload, path.name)}, content_type="multipart/form-data"
            )
            seconds = time.perf_counter() - start
        page = text_of(response.get_data(as_text=True))
        print(
            json.dumps({"file": path.name, "status": response.status_code, "seconds": seconds, "text": page})
        )
    print(json.dumps({"peak_mb": peak_mb()}), flush=True)


if __name__ == "__main__":
    main()

"""A private Virtuoso instance on loopback ports, from a copy of Debian's config."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from triplehelix.graph.store.backend import free_port

DEBIAN_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
USER, PASSWORD = "th_test", "th_test_pw"


def available() -> bool:
    return bool(shutil.which("virtuoso-t") and shutil.which("isql-vt") and DEBIAN_INI.exists())


class VirtuosoServer:
    """``virtuoso-t`` on 127.0.0.1 with its own database folder and a user with update rights.

    Args:
        folder: the database folder (created).
        max_rows: ``ResultSetMaxRows``: Virtuoso silently cuts longer answers to this.
        max_sorted: ``MaxSortedTopRows``: Virtuoso refuses ``ORDER BY`` windows (``LIMIT``
            + ``OFFSET``) past this with an error (SR353).
    """

    def __init__(self, folder: Path, *, max_rows: int = 10000, max_sorted: int = 10000) -> None:
        self.folder = folder.resolve()
        self.http_port, self.sql_port = free_port(), free_port()
        self.max_rows = max_rows
        self.max_sorted = max_sorted
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = DEBIAN_INI.read_text(encoding="utf-8")
        subs = [
            (r"/var/lib/virtuoso-opensource-7/db/", f"{self.folder}/"),
            (r"(?m)^ServerPort(\s*)= 1111", rf"ServerPort\g<1>= 127.0.0.1:{self.sql_port}"),
            (r"(?m)^ServerPort(\s*)= 8890", rf"ServerPort\g<1>= 127.0.0.1:{self.http_port}"),
            (
                r"(?m)^DefaultHost(\s*)= localhost:8890",
                rf"DefaultHost\g<1>= localhost:{self.http_port}",
            ),
            (r"(?m)^DirsAllowed(\s*)= .*", rf"DirsAllowed\g<1>= ., {self.folder}"),
            (r"(?m)^ResultSetMaxRows(\s*)= .*", rf"ResultSetMaxRows\g<1>= {self.max_rows}"),
            (r"(?m)^\[Parameters\]\n", f"[Parameters]\nMaxSortedTopRows = {self.max_sorted}\n"),
        ]
        for pattern, repl in subs:
            ini = re.sub(pattern, repl, ini)
        (self.folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "virtuoso exited at start"
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.http_port), timeout=1).close()
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("virtuoso did not start within 60 s")
        self.sql(
            f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}');\n"
            f'GRANT SPARQL_SELECT TO "{USER}";\nGRANT SPARQL_UPDATE TO "{USER}";\n'
            "checkpoint;\n"
        )

    def sql(self, text: str) -> str:
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=text.encode(),
            capture_output=True,
            timeout=60,
            check=True,
        )
        return done.stdout.decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(subprocess.SubprocessError):
            subprocess.run(
                ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", "-K"],
                capture_output=True,
                timeout=30,
            )
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

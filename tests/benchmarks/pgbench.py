"""pgbench on the test database: the same-run baseline the throughput benchmarks compare the HTTP
endpoints against (the endpoint's own statements, replayed without the framework)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from django.db import connection


def pgbench_tps(script: str, path: Path, *, clients: int, seconds: int) -> float:
    """Transactions per second of `script` (pgbench's script language) written to `path`, run by
    `clients` connections for `seconds` against the database the tests use. Any failed
    transaction fails the benchmark: the replay must be as valid as the endpoint's work."""
    pgbench = shutil.which("pgbench") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    assert pgbench, "pgbench not found (Debian: postgresql-contrib / postgresql-client)"
    path.write_text(script)
    settings = connection.settings_dict
    result = subprocess.run(
        [
            pgbench,
            "-n",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            str(path),
            "-h",
            settings["HOST"],
            "-p",
            str(settings["PORT"]),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "failed" not in result.stdout or "number of failed transactions: 0" in result.stdout
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    assert match, result.stdout
    return float(match.group(1))

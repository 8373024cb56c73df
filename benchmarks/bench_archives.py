"""Peak memory and time of refusing zip and gzip bombs (issue 15, acceptance 3).

Run: ``python benchmarks/bench_archives.py``. Builds a 1 GiB-of-zeros E4 zip and a 1 GiB
CSV.gz in a temporary folder, reads each in a fresh interpreter and prints the time to
refusal and the peak resident memory (MB) of that interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "io"))

from test_io_archives import _e4_bomb, _gzip_bomb

CODE = """
import json, resource, sys, time
import lacrima
from lacrima.io.errors import ArchiveTooLargeError
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
try:
    lacrima.read(sys.argv[1])
    outcome = "read"
except ArchiveTooLargeError as exc:
    outcome = str(exc)
print(json.dumps({"s": time.perf_counter() - start, "outcome": outcome, "import_mb": base,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    """Build the bombs, read each in a subprocess, print the measurements."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, build in (("e4_bomb.zip", _e4_bomb), ("session.csv.gz", _gzip_bomb)):
            path = build(folder / name)
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", CODE, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            wall = time.perf_counter() - started
            sys.stdout.write(
                f"{name}: {path.stat().st_size / 1e6:.2f} MB packed; refused in "
                f"{result['s']:.2f} s (process {wall:.1f} s); peak RSS {result['peak_mb']:.0f} MB "
                f"(after imports {result['import_mb']:.0f} MB)\n  {result['outcome']}\n"
            )


if __name__ == "__main__":
    main()

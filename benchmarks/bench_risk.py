"""Speed of the risk-language detector on notes of the sizes a client writes.

Times :func:`lacrima.care.risk.find_risk_language` on a typical one-line note, a long
note, and a note at the form's 20 KB limit (the slowest text a web request can carry),
after one warm-up call that loads and compiles the bundled lists.

Usage::

    .venv/bin/python benchmarks/bench_risk.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import logging
import time

from lacrima.care.risk import find_risk_language

log = logging.getLogger("bench_risk")

_SENTENCE = "Cried on the bus home, then talked to my sister and felt a bit lighter. "


def _time(text: str, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        find_risk_language(text)
    return (time.perf_counter() - start) / repeat


def main() -> None:
    """Run the benchmark and log milliseconds per call for each note size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="calls per size (default 50)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    find_risk_language("warm up")
    sizes = {"one line": 1, "long note (2 KB)": 28, "form limit (20 KB)": 280}
    for name, copies in sizes.items():
        text = _SENTENCE * copies
        repeat = max(1, args.repeat // copies) if copies > 1 else args.repeat
        log.info("%-20s %8.2f ms per call", name, 1000 * _time(text, repeat))


if __name__ == "__main__":
    main()

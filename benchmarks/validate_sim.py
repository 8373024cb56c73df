"""Accuracy of the S-P model on simulated sessions with known phase boundaries.

Runs many simulated sessions (varied seeds, lengths 20-90 min, noise levels and channel
subsets; half of them calm) through :func:`lacrima.analyze` and prints:

* the median absolute error (s) of S onset, peak and P onset over the simulated cycles
  that were found (a true cycle is matched by the detected cycle whose peak lies
  within 120 s of it), per channel subset and overall;
* the share of true cycles found, and the share of complete / unresolved cycles
  classified as such;
* the share of calm sessions in which any cycle was reported (false positives).

The simulator is a test aid, not the validation of the model: real recordings are
(``benchmarks/validate_stress_predict.py``).

Usage::

    .venv/bin/python benchmarks/validate_sim.py [--sessions 60] [--fs 100] [--seed 0]
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass, field

import numpy as np

import lacrima
from lacrima.sim import simulate_session

SUBSETS: tuple[tuple[str, ...], ...] = (
    ("ecg", "eda", "resp"),
    ("ppg", "eda", "resp"),
    ("ecg", "eda"),
    ("ppg", "eda"),
    ("ecg", "resp"),
    ("ecg",),
    ("eda",),
)
MATCH_S = 120.0


@dataclass
class Tally:
    """Errors and counts of one group of sessions."""

    onset: list[float] = field(default_factory=list)
    onset_signed: list[float] = field(default_factory=list)
    peak: list[float] = field(default_factory=list)
    p_onset: list[float] = field(default_factory=list)
    n_true: int = 0
    n_found: int = 0
    n_kind_ok: int = 0
    n_kind_scored: int = 0
    n_calm: int = 0
    n_calm_fp: int = 0
    n_extra: int = 0

    def add(self, other: Tally) -> None:
        """Merge another tally into this one."""
        for name in ("onset", "onset_signed", "peak", "p_onset"):
            getattr(self, name).extend(getattr(other, name))
        for name in (
            "n_true",
            "n_found",
            "n_kind_ok",
            "n_kind_scored",
            "n_calm",
            "n_calm_fp",
            "n_extra",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def score_session(truth: object, analysis: object) -> Tally:
    """Match detected to true cycles and collect the timing errors of one session."""
    tally = Tally()
    true_cycles = list(truth.cycles)  # type: ignore[attr-defined]
    found = list(analysis.cycles)  # type: ignore[attr-defined]
    if not true_cycles:
        tally.n_calm = 1
        tally.n_calm_fp = int(bool(found))
        return tally
    used: set[int] = set()
    for tc in true_cycles:
        tally.n_true += 1
        best, best_d = None, MATCH_S
        for j, dc in enumerate(found):
            d = abs(dc.peak_s - tc.peak_s)
            if j not in used and d <= best_d:
                best, best_d = j, d
        if best is None:
            continue
        used.add(best)
        dc = found[best]
        tally.n_found += 1
        tally.onset.append(abs(dc.s_onset_s - tc.s_onset_s))
        tally.onset_signed.append(dc.s_onset_s - tc.s_onset_s)
        tally.peak.append(abs(dc.peak_s - tc.peak_s))
        if tc.p_onset_s is not None and dc.p_onset_s is not None:
            tally.p_onset.append(abs(dc.p_onset_s - tc.p_onset_s))
        if dc.kind != "undetermined":
            tally.n_kind_scored += 1
            tally.n_kind_ok += int(dc.kind == tc.kind)
    tally.n_extra = len(found) - len(used)
    return tally


def run(
    n_sessions: int, fs: float, seed: int, progress: bool = True
) -> dict[tuple[str, ...], Tally]:
    """Simulate and analyse ``n_sessions`` sessions; return tallies per channel subset."""
    rng = np.random.default_rng(seed)
    out: dict[tuple[str, ...], Tally] = {s: Tally() for s in SUBSETS}
    for i in range(n_sessions):
        subset = SUBSETS[i % len(SUBSETS)]
        calm = i % 2 == 1
        duration = float(rng.uniform(20, 90) * 60)
        noise = float(rng.uniform(0.5, 1.5))
        sess = simulate_session(
            duration,
            fs=fs,
            channels=subset,
            n_cycles=0 if calm else None,
            noise=noise,
            seed=int(rng.integers(1 << 31)),
            mark_tears=False,
        )
        a = lacrima.analyze(sess.recording)
        out[subset].add(score_session(sess.truth, a))
        if progress:
            print(
                f"  session {i + 1}/{n_sessions} {'+'.join(subset)} {duration / 60:.0f} min "
                f"{'calm' if calm else f'{len(sess.truth.cycles)} cycles'} -> "
                f"{len(a.cycles)} found",
                flush=True,
            )
    return out


def _med(x: list[float]) -> str:
    return f"{np.median(x):5.1f}" if x else "    —"


def _mean(x: list[float]) -> str:
    return f"{np.mean(x):+5.1f}" if x else "    —"


def table(tallies: dict[tuple[str, ...], Tally]) -> str:
    """Markdown table of the results."""
    lines = [
        "| channels | cycles | found | kind right | MAE S onset (s) | mean signed S onset (s) | "
        "MAE peak (s) | MAE P onset (s) | calm sessions | calm with a cycle |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    total = Tally()
    for subset, t in [*tallies.items(), (("all",), None)]:
        if t is None:
            t = total
        else:
            total.add(t)
        kind = f"{t.n_kind_ok}/{t.n_kind_scored}" if t.n_kind_scored else "—"
        fp = f"{t.n_calm_fp} ({100 * t.n_calm_fp / t.n_calm:.0f} %)" if t.n_calm else "—"
        lines.append(
            f"| {'+'.join(subset)} | {t.n_true} | {t.n_found} | {kind} | {_med(t.onset)} | "
            f"{_mean(t.onset_signed)} | {_med(t.peak)} | {_med(t.p_onset)} | {t.n_calm} | {fp} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=70)
    ap.add_argument("--fs", type=float, default=100.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    t0 = time.perf_counter()
    tallies = run(args.sessions, args.fs, args.seed, progress=not args.quiet)
    print()
    print(table(tallies))
    print(
        f"\n{args.sessions} sessions at {args.fs:g} Hz, seed {args.seed}, "
        f"{time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()

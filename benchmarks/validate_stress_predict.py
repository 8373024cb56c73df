"""Validate the S-P indices on real stress and relaxation recordings (Stress-Predict).

Data: Empatica E4 wrist recordings (BVP 64 Hz, EDA 4 Hz, IBI) of participants doing a
Stroop test, an interview and hyperventilation with relaxation between, labelled per
second (1 = stress task, 0 = baseline/relax) in
``Processed_data/Improved_All_Combined_hr_rsp_binary.csv``. Cite: Iqbal T. et al.
(2022) "Stress Monitoring Using Wearable Sensors: A Pilot Study and Stress-Predict
Dataset", Sensors 22(21):8135, doi:10.3390/s22218135 (MIT licence).

Each subject's raw folder is read with :func:`lacrima.read` and analysed with
:func:`lacrima.analyze` at its defaults (baseline = the first 5 min; nothing is tuned
per subject). On the index grid, windows within 30 s of a label change are left out
(their windows straddle two conditions). Reported per subject:

* **AUROC** of the sympathetic index, stress windows against rest windows (the
  probability that a random stress window scores higher than a random rest window);
* **P rise** per stressor: how far the parasympathetic index rises, within the 5 min
  after the stressor ends, above its level during the stressor: the highest level it
  holds for 30 s (the same "held for 30 s" rule the model uses for a P-phase) minus its
  median during the stressor. Positive = it rose above its stress level. Stressors with
  fewer than 5 usable windows before or after are reported as not assessable.
* **Δ median** per stressor, a stricter companion: the median over the 5 min after
  minus the median during the stressor.
* **Device RMSSD** per stressor, a check that does not depend on Lacrima: RMSSD (ms)
  of Empatica's own beat intervals (``IBI.csv``, successive intervals only) over the
  stressor and over the 5 min after it (from +30 s), and the P-rise rule above applied
  to the device's RMSSD in 30-s windows (at least 10 successive differences each).
  Where it does not rise either, the recording itself shows no vagal rebound on the
  measure the parasympathetic index is built from.

Usage::

    .venv/bin/python benchmarks/validate_stress_predict.py [--subjects S04 S07] [--data DIR]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import lacrima

DATA = Path(os.environ.get("LACRIMA_SHARED_DATA", "/work/shared/data")) / "stress-predict"
LABELS = "Processed_data/Improved_All_Combined_hr_rsp_binary.csv"
TRANSITION_S = 30.0
AFTER_S = 300.0
HOLD_S = 30.0
AUROC_MIN = 0.8


@dataclass(frozen=True)
class SubjectResult:
    """Validation numbers of one subject."""

    subject: str
    auroc: float
    n_stress: int
    n_rest: int
    rebounds: tuple[float, ...]
    median_deltas: tuple[float, ...]
    seconds: float
    device_rmssd: tuple[tuple[float, float, float], ...] = ()
    """Per stressor, from the device's own intervals: RMSSD over the stressor and over
    the 5 min after (ms), and the P-rise rule on 30-s window RMSSD (ms; NaN: too few)."""

    @property
    def rebound_ok(self) -> bool:
        """True when the parasympathetic index rose after every assessable stressor."""
        done = [r for r in self.rebounds if np.isfinite(r)]
        return bool(done) and all(r > 0 for r in done)


def auroc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U / n_pos n_neg, ties count half)."""
    pos, neg = pos[np.isfinite(pos)], neg[np.isfinite(neg)]
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(allv.size)
    sorted_v = allv[order]
    # average ranks for ties
    i = 0
    while i < allv.size:
        j = i
        while j + 1 < allv.size and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        ranks[order[i : j + 1]] = 0.5 * (i + j) + 1.0
        i = j + 1
    u = ranks[: pos.size].sum() - pos.size * (pos.size + 1) / 2.0
    return float(u / (pos.size * neg.size))


def load_labels(data: Path, subject: str) -> tuple[np.ndarray, np.ndarray]:
    """Unix times (s) and 0/1 labels of one subject (``"S04"`` -> participant 4)."""
    import pandas as pd

    df = pd.read_csv(data / LABELS, usecols=["Participant", "Time(sec)", "Label"])
    rows = df[df["Participant"] == int(subject.lstrip("Ss"))]
    return rows["Time(sec)"].to_numpy(float), rows["Label"].to_numpy(int)


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(label, start index, stop index) of each constant run."""
    edges = np.flatnonzero(np.diff(labels)) + 1
    bounds = [0, *edges.tolist(), len(labels)]
    return [(int(labels[a]), a, b) for a, b in itertools.pairwise(bounds)]


def _held(x: np.ndarray, n: int) -> np.ndarray:
    """The level ``x`` holds for ``n`` consecutive windows (centred running minimum)."""
    from scipy.ndimage import minimum_filter1d

    filled = np.where(np.isfinite(x), x, np.inf)
    out = minimum_filter1d(filled, size=max(n, 1), mode="nearest")
    return np.where(np.isfinite(out), out, np.nan)


MIN_DEVICE_PAIRS = 20
"""Fewest successive differences for a device RMSSD over a whole period (else NaN)."""
MIN_DEVICE_WINDOW_PAIRS = 10
"""Fewest successive differences for a device RMSSD in one 30-s window (else NaN)."""
DEVICE_WINDOW_S = 30.0


def device_rmssd(
    beat_t_s: np.ndarray,
    ibi_ms: np.ndarray,
    start: float,
    end: float,
    min_pairs: int = MIN_DEVICE_PAIRS,
) -> tuple[float, int]:
    """RMSSD (ms) of a device's beat intervals between two times, and its pair count.

    Empatica lists only the beats it accepted; two intervals are successive when the
    second one's beat time follows the first by that interval (within 10 % or 50 ms).
    """
    inside = (beat_t_s >= start) & (beat_t_s <= end) & np.isfinite(ibi_ms)
    t, ibi = beat_t_s[inside], ibi_ms[inside]
    if t.size < 2:
        return float("nan"), 0
    step_ms = np.diff(t) * 1000.0
    successive = np.abs(step_ms - ibi[1:]) <= np.maximum(0.1 * ibi[1:], 50.0)
    diffs = np.diff(ibi)[successive]
    if diffs.size < min_pairs:
        return float("nan"), int(diffs.size)
    return float(np.sqrt(np.mean(diffs**2))), int(diffs.size)


def validate_subject(data: Path, subject: str) -> SubjectResult:
    """Analyse one subject's E4 folder and score its indices against the labels."""
    t0 = time.perf_counter()
    rec = lacrima.read(data / "Raw_data" / subject)
    a = lacrima.analyze(rec)
    if rec.start_time is None:
        raise RuntimeError(f"{subject}: the recording has no start time to align labels")
    unix0 = rec.start_time.timestamp()
    lab_t, lab = load_labels(data, subject)
    lab_rel = lab_t - unix0
    ix = a.indices
    t = ix.t_s
    k = np.clip(np.searchsorted(lab_rel, t), 0, len(lab) - 1)
    near = np.abs(lab_rel[k] - t) <= 1.0
    win_lab = np.where(near, lab[k], -1)
    change_t = lab_rel[np.flatnonzero(np.diff(lab)) + 1]
    if change_t.size:
        dist = np.min(np.abs(t[:, None] - change_t[None, :]), axis=1)
        win_lab = np.where(dist < TRANSITION_S, -1, win_lab)
    s = ix.sympathetic
    score = auroc(s[win_lab == 1], s[win_lab == 0])
    p = ix.parasympathetic
    held = _held(p, round(HOLD_S / a.options.step_s))
    rebounds, deltas, device = [], [], []
    ibi = rec.channels.get("ibi")
    dev_windows = None
    if ibi is not None and ibi.times_s is not None:
        bt, iv = np.asarray(ibi.times_s, float), np.asarray(ibi.samples, float)
        half = DEVICE_WINDOW_S / 2.0
        dev = np.array(
            [device_rmssd(bt, iv, c - half, c + half, MIN_DEVICE_WINDOW_PAIRS)[0] for c in t]
        )
        dev_windows = (bt, iv, dev)
    for value, i0, i1 in _runs(lab):
        if value != 1:
            continue
        start, end = lab_rel[i0], lab_rel[i1 - 1]
        if dev_windows is not None:
            bt, iv, dev = dev_windows
            dev_held = _held(dev, round(HOLD_S / a.options.step_s))
            during_w = (t >= start + TRANSITION_S) & (t <= end) & np.isfinite(dev)
            after_w = (t >= end + TRANSITION_S) & (t <= end + AFTER_S) & (win_lab == 0)
            after_w &= np.isfinite(dev_held)
            rise = float("nan")
            if during_w.sum() >= 5 and after_w.sum() >= 5:
                rise = float(np.max(dev_held[after_w]) - np.median(dev[during_w]))
            device.append(
                (
                    device_rmssd(bt, iv, start + TRANSITION_S, end)[0],
                    device_rmssd(bt, iv, end + TRANSITION_S, end + AFTER_S)[0],
                    rise,
                )
            )
        during = (t >= start + TRANSITION_S) & (t <= end) & np.isfinite(p)
        after = (t >= end + TRANSITION_S) & (t <= end + AFTER_S) & (win_lab == 0) & np.isfinite(p)
        if during.sum() >= 5 and after.sum() >= 5:
            level = float(np.median(p[during]))
            rebounds.append(float(np.nanmax(held[after])) - level)
            deltas.append(float(np.median(p[after])) - level)
        else:
            rebounds.append(float("nan"))
            deltas.append(float("nan"))
    return SubjectResult(
        subject=subject,
        auroc=score,
        n_stress=int(np.sum((win_lab == 1) & np.isfinite(s))),
        n_rest=int(np.sum((win_lab == 0) & np.isfinite(s))),
        rebounds=tuple(rebounds),
        median_deltas=tuple(deltas),
        seconds=time.perf_counter() - t0,
        device_rmssd=tuple(device),
    )


def subjects_in(data: Path) -> list[str]:
    """The subject folders present under ``Raw_data``."""
    return sorted(p.name for p in (data / "Raw_data").iterdir() if p.is_dir())


def table(results: list[SubjectResult]) -> str:
    """Markdown table of the per-subject results and the median."""
    lines = [
        "| subject | AUROC sympathetic (stress vs rest) | stress / rest windows | "
        "P rise after each stressor (z) | rose after all | Δ median after − during (z) |",
        "|---|---|---|---|---|---|",
    ]

    def fmt(xs: tuple[float, ...]) -> str:
        return ", ".join("n/a" if not np.isfinite(x) else f"{x:+.2f}" for x in xs) or "—"

    for r in results:
        lines.append(
            f"| {r.subject} | {r.auroc:.3f} | {r.n_stress} / {r.n_rest} | {fmt(r.rebounds)} | "
            f"{'yes' if r.rebound_ok else 'no'} | {fmt(r.median_deltas)} |"
        )
    med = float(np.nanmedian([r.auroc for r in results])) if results else float("nan")
    reb = [x for r in results for x in r.rebounds if np.isfinite(x)]
    dl = [x for r in results for x in r.median_deltas if np.isfinite(x)]
    lines.append(
        f"| **median** | **{med:.3f}** | | {sum(x > 0 for x in reb)}/{len(reb)} rose | | "
        f"{sum(x > 0 for x in dl)}/{len(dl)} positive |"
    )
    return "\n".join(lines)


def device_table(results: list[SubjectResult]) -> str:
    """Markdown table of the device RMSSD during and after each stressor."""
    names = ("Stroop", "interview", "hyperventilation")
    lines = [
        "| subject | "
        + " | ".join(f"{n}: RMSSD during → after (ms); P-rise rule (ms)" for n in names)
        + " |",
        "|---|---|---|---|",
    ]

    def cell(d: tuple[float, float, float]) -> str:
        during, after, rise = d
        period = "n/a"
        if np.isfinite(during) and np.isfinite(after):
            period = f"{during:.1f} → {after:.1f} {'rose' if after > during else 'fell'}"
        rule = "n/a" if not np.isfinite(rise) else f"{rise:+.1f} {'rose' if rise > 0 else 'fell'}"
        return f"{period}; {rule}"

    for r in results:
        cells = [cell(d) for d in r.device_rmssd] + ["—"] * (len(names) - len(r.device_rmssd))
        lines.append(f"| {r.subject} | " + " | ".join(cells[: len(names)]) + " |")
    rules = [d[2] for r in results for d in r.device_rmssd if np.isfinite(d[2])]
    periods = [d for r in results for d in r.device_rmssd if np.isfinite(d[0] + d[1])]
    lines.append(
        f"| **rose** | over the periods: {sum(d[1] > d[0] for d in periods)}/{len(periods)}; "
        f"by the P-rise rule: {sum(x > 0 for x in rules)}/{len(rules)} | | |"
    )
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--subjects", nargs="*")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    subjects = args.subjects or subjects_in(args.data)
    results = [validate_subject(args.data, s) for s in subjects]
    print(table(results))
    print("\nEmpatica's own beat intervals (no Lacrima processing): RMSSD during and after")
    print(device_table(results))
    med = float(np.nanmedian([r.auroc for r in results]))
    ok = med >= AUROC_MIN and all(r.rebound_ok for r in results)
    print(
        f"\nmedian AUROC {med:.3f} (threshold {AUROC_MIN}); P rebound after every stressor: "
        f"{all(r.rebound_ok for r in results)}; {'PASS' if ok else 'FAIL'}"
    )


if __name__ == "__main__":
    main()

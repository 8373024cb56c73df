"""Seeded synthetic ECG and PPG with known beat times (test helper, not the package).

The ECG is a sum of Gaussian waves per beat (P, Q, R, S, T), in the spirit of McSharry
et al. (2003), with the QT interval following Bazett's rate correction. The PPG is a
pulse per beat with a fast systolic upstroke, a slower decline and a diastolic wave.
Both have respiratory sinus arrhythmia plus random beat-to-beat variation, and optional
white noise, baseline wander, mains interference and polarity inversion.

McSharry, P. E., Clifford, G. D., Tarassenko, L. & Smith, L. A. "A dynamical model for
generating synthetic electrocardiogram signals". IEEE Trans Biomed Eng 50:289-294, 2003.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# (amplitude in mV, offset from the R-peak in s at RR = 1 s, width (SD) in s)
_ECG_WAVES = (
    (0.12, -0.20, 0.025),  # P
    (-0.12, -0.035, 0.010),  # Q
    (1.00, 0.0, 0.011),  # R
    (-0.25, 0.035, 0.010),  # S
    (0.30, 0.28, 0.050),  # T (offset scales with sqrt(RR), Bazett)
)


@dataclass(frozen=True)
class Synthetic:
    """A synthetic signal and its ground truth."""

    signal: np.ndarray
    fs: float
    beat_times_s: np.ndarray  # R-peak (ECG) or systolic-peak (PPG) times

    @property
    def mean_hr_bpm(self) -> float:
        """Mean heart rate over the true beats, from first to last beat."""
        t = self.beat_times_s
        return 60.0 * (t.size - 1) / (t[-1] - t[0])


def beat_times(
    duration_s: float, hr_bpm: float, rng: np.random.Generator, hrv: float = 0.03
) -> np.ndarray:
    """Beat times with respiratory sinus arrhythmia (0.25 Hz) and random variation.

    Parameters
    ----------
    duration_s : float
        Length of the recording in s; beats start 0.3 s in and stop 0.3 s before the end.
    hr_bpm : float
        Mean heart rate in beats per minute.
    rng : numpy.random.Generator
        Source of randomness.
    hrv : float
        Relative size of the RR modulation (0.03 = 3 % of the mean RR).
    """
    rr0 = 60.0 / hr_bpm
    t = [0.3 + rng.uniform(0.0, rr0)]
    phase = rng.uniform(0.0, 2 * np.pi)
    while True:
        rsa = hrv * np.sin(2 * np.pi * 0.25 * t[-1] + phase)
        rr = rr0 * (1.0 + rsa + hrv * 0.3 * rng.standard_normal())
        nxt = t[-1] + rr
        if nxt > duration_s - 0.3:
            break
        t.append(nxt)
    return np.asarray(t)


def _add_noise(
    x: np.ndarray,
    fs: float,
    rng: np.random.Generator,
    noise: float,
    wander: float,
    mains: float,
) -> np.ndarray:
    t = np.arange(x.size) / fs
    out = x + noise * rng.standard_normal(x.size)
    if wander:
        for f in (0.05, 0.15, 0.33):
            out += wander / 3 * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    if mains and fs > 100:
        out += mains * np.sin(2 * np.pi * 50.0 * t)
    return out


def ecg(
    duration_s: float = 60.0,
    fs: float = 250.0,
    hr_bpm: float = 70.0,
    *,
    noise: float = 0.0,
    wander: float = 0.0,
    mains: float = 0.0,
    invert: bool = False,
    seed: int = 0,
) -> Synthetic:
    """Synthetic ECG in mV (R amplitude 1 mV).

    Parameters
    ----------
    duration_s, fs, hr_bpm : float
        Length in s, sampling rate in Hz, mean heart rate in bpm.
    noise : float
        SD of white noise in mV.
    wander : float
        Peak-to-peak-ish amplitude of baseline wander (0.05-0.33 Hz) in mV.
    mains : float
        Amplitude of 50 Hz interference in mV (only when fs > 100 Hz).
    invert : bool
        Flip the polarity (an inverted lead).
    seed : int
        Random seed.
    """
    rng = np.random.default_rng(seed)
    times = beat_times(duration_s, hr_bpm, rng)
    n = round(duration_s * fs)
    t = np.arange(n) / fs
    x = np.zeros(n)
    rr = np.diff(times, prepend=times[0] - 60.0 / hr_bpm)
    for tb, r in zip(times, rr, strict=True):
        for k, (amp, off, width) in enumerate(_ECG_WAVES):
            if k == 4:
                off *= np.sqrt(r)
                width *= np.sqrt(r)
            centre = tb + off
            lo = np.searchsorted(t, centre - 5 * width)
            hi = np.searchsorted(t, centre + 5 * width)
            x[lo:hi] += amp * np.exp(-0.5 * ((t[lo:hi] - centre) / width) ** 2)
    x = _add_noise(x, fs, rng, noise, wander, mains)
    return Synthetic(-x if invert else x, float(fs), times)


def ppg(
    duration_s: float = 60.0,
    fs: float = 64.0,
    hr_bpm: float = 70.0,
    *,
    noise: float = 0.0,
    wander: float = 0.0,
    invert: bool = False,
    seed: int = 0,
) -> Synthetic:
    """Synthetic PPG in arbitrary units (pulse amplitude about 1).

    The returned beat times are the systolic peaks. Parameters as :func:`ecg`.
    """
    rng = np.random.default_rng(seed)
    feet = beat_times(duration_s, hr_bpm, rng)
    n = round(duration_s * fs)
    t = np.arange(n) / fs
    x = np.zeros(n)
    peaks = []
    for tb in feet:
        rr = 60.0 / hr_bpm
        s = min(1.0, rr / 0.8)  # pulses narrow at high rates
        t_sys = tb + 0.15 * s
        peaks.append(t_sys)
        lo = np.searchsorted(t, tb - 0.2)
        hi = np.searchsorted(t, tb + 1.2 * s)
        tt = t[lo:hi]
        rise = 0.06 * s
        fall = 0.16 * s
        sigma = np.where(tt < t_sys, rise, fall)
        x[lo:hi] += np.exp(-0.5 * ((tt - t_sys) / sigma) ** 2)
        x[lo:hi] += 0.35 * np.exp(-0.5 * ((tt - (tb + 0.45 * s)) / (0.08 * s)) ** 2)
    x = _add_noise(x, fs, rng, noise, wander, 0.0)
    return Synthetic(-x if invert else x, float(fs), np.asarray(peaks))

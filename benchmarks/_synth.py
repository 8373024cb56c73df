"""Seeded synthetic ECG, EDA and respiration for the speed benchmark (not the package).

One coupled session: breathing with breath-to-breath variation drives respiratory
sinus arrhythmia in the heart period, which also has a 0.1 Hz (Mayer-wave) component
and a slow trend; the ECG is a sum of Gaussian waves per beat (P, Q, R, S, T) after
McSharry et al. (2003) with baseline wander, 50 Hz mains and white noise; EDA is a
drifting tonic level plus skin-conductance responses shaped by a Bateman function
(as in Benedek & Kaernbach 2010) and sensor noise. Everything is vectorised, so an
hour at 700 Hz takes about a second to make.

McSharry, P. E. et al. IEEE Trans Biomed Eng 50:289-294, 2003.
Benedek, M. & Kaernbach, C. J Neurosci Methods 190:80-91, 2010.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal as sps

# (amplitude mV, offset from R at RR = 1 s, SD s); T offset scales with sqrt(RR).
_WAVES = (
    (0.12, -0.20, 0.025),
    (-0.12, -0.035, 0.010),
    (1.00, 0.0, 0.011),
    (-0.25, 0.035, 0.010),
    (0.30, 0.28, 0.050),
)


@dataclass(frozen=True)
class Session:
    """Synthetic channels at ``fs`` and their ground truth."""

    fs: float
    ecg_mv: np.ndarray
    eda_us: np.ndarray
    resp: np.ndarray
    beat_times_s: np.ndarray
    breath_onset_s: np.ndarray
    scr_onset_s: np.ndarray
    scr_amplitude_us: np.ndarray


def _breaths(duration_s: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    periods = np.clip(rng.normal(4.0, 0.5, int(duration_s / 2) + 10), 2.0, 8.0)
    onsets = np.concatenate(([0.0], np.cumsum(periods)))
    onsets = onsets[onsets < duration_s + 10.0]
    amplitudes = np.clip(rng.normal(1.0, 0.12, onsets.size), 0.4, 1.6)
    return onsets, amplitudes


def _resp_phase(t: np.ndarray, onsets: np.ndarray) -> np.ndarray:
    """Breathing phase in cycles (integer part = breath index)."""
    return np.interp(t, onsets, np.arange(onsets.size, dtype=np.float64))


def _beats(duration_s: float, onsets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    t = [0.4]
    base = 0.82
    while t[-1] < duration_s - 1.0:
        now = t[-1]
        phase = np.interp(now, onsets, np.arange(onsets.size, dtype=np.float64)) % 1.0
        rsa = -0.045 * np.cos(2 * np.pi * phase)  # shorter in inspiration
        mayer = 0.02 * np.sin(2 * np.pi * 0.1 * now)
        trend = 0.05 * np.sin(2 * np.pi * now / 1800.0)
        rr = base + rsa + mayer + trend + 0.01 * rng.standard_normal()
        t.append(now + rr)
    return np.asarray(t[:-1])


def _ecg(t: np.ndarray, beats: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    rr = np.diff(beats, append=beats[-1] + (beats[-1] - beats[-2]))
    idx = np.clip(np.searchsorted(beats, t) - 1, 0, beats.size - 1)
    out = np.zeros_like(t)
    for shift in (0, 1):  # the beat before and the beat after each sample
        k = np.clip(idx + shift, 0, beats.size - 1)
        dt = t - beats[k]
        scale = np.sqrt(rr[k])
        for amp, offset, sd in _WAVES:
            off = offset * scale if offset > 0.1 else offset
            out += amp * np.exp(-0.5 * ((dt - off) / sd) ** 2)
    out += 0.15 * np.sin(2 * np.pi * 0.15 * t + rng.uniform(0, 6.28))  # baseline wander
    out += 0.02 * np.sin(2 * np.pi * 50.0 * t)  # mains
    out += 0.02 * rng.standard_normal(t.size)
    return out


def _eda(
    t: np.ndarray, fs: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    duration = t[-1]
    n_scr = rng.poisson(duration / 20.0)
    onsets = np.sort(rng.uniform(5.0, duration - 30.0, n_scr))
    amps = np.clip(rng.lognormal(np.log(0.15), 0.8, n_scr), 0.02, 2.0)
    kernel_t = np.arange(0, 30.0, 1 / fs)
    bateman = np.exp(-kernel_t / 2.0) - np.exp(-kernel_t / 0.75)
    bateman /= bateman.max()
    impulses = np.zeros(t.size)
    np.add.at(impulses, np.rint(onsets * fs).astype(np.int64), amps)
    phasic = sps.oaconvolve(impulses, bateman)[: t.size]
    tonic = 2.0 + 0.8 * np.sin(2 * np.pi * t / 2400.0) + 0.3 * t / duration
    noise = 0.004 * rng.standard_normal(t.size)
    return tonic + phasic + noise, onsets, amps


def make_session(duration_s: float = 3600.0, fs: float = 700.0, seed: int = 7) -> Session:
    """Make one synthetic session.

    Parameters
    ----------
    duration_s : float
        Length, s.
    fs : float
        Sampling rate of all three channels, Hz.
    seed : int
        Seed of the random generator.

    Returns
    -------
    Session
        ECG (mV), EDA (µS), respiration (a.u.) and the true beats, breaths and SCRs.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(round(duration_s * fs)) / fs
    onsets, amps = _breaths(duration_s, rng)
    phase = _resp_phase(t, onsets)
    k = np.minimum(phase.astype(np.int64), amps.size - 1)
    frac = phase - np.floor(phase)
    resp = amps[k] * 0.5 * (1 - np.cos(2 * np.pi * frac)) + 0.03 * rng.standard_normal(t.size)
    resp += 0.2 * np.sin(2 * np.pi * t / 300.0)  # slow belt drift
    beats = _beats(duration_s, onsets, rng)
    ecg = _ecg(t, beats, rng)
    eda, scr_onsets, scr_amps = _eda(t, fs, rng)
    return Session(
        fs=fs,
        ecg_mv=ecg,
        eda_us=eda,
        resp=resp,
        beat_times_s=beats,
        breath_onset_s=onsets[onsets < duration_s],
        scr_onset_s=scr_onsets,
        scr_amplitude_us=scr_amps,
    )

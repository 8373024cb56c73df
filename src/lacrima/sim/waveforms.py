"""Sensor waveforms (ECG, PPG, EDA, respiration) driven by the autonomic drives.

The physiology, in one paragraph per channel (gains are per unit of drive; see
``docs/sp-model.md`` for the sources):

* **Breathing** — rate ``RR0 + 5 s - 4 max(p, 0)`` breaths/min (faster with arousal,
  slower at the vagal rebound; Hendriks et al. 2007 report slower breathing at crying
  onset), depth growing with arousal and with the rebound, and breath-to-breath
  irregularity plus convulsive inspiratory jerks while sobbing. Inspiration takes
  40 % of a breath.
* **Heart** — mean rate ``HR0 + 15 s - 6 p`` bpm (Gross et al. 1994: heart rate rises in
  crying). Beats come from integral pulse-frequency modulation of an RR interval that
  carries respiratory sinus arrhythmia (RSA), a 0.1 Hz Mayer wave and beat jitter. RSA
  amplitude grows with vagal drive and with slower, deeper breathing (Grossman & Taylor
  2007), so a slow sob can push RSA below the 0.15 Hz HF band.
* **ECG** — each beat is a sum of Gaussian P, Q, R, S and T waves (the morphology idea of
  McSharry et al. 2003), with baseline wander from breathing, mains hum and white noise.
* **PPG** — a systolic and a diastolic Gaussian per beat after a pulse transit time that
  shortens with arousal; pulse amplitude falls with sympathetic vasoconstriction.
* **EDA** — tonic level ``SCL0 exp(0.45 s)`` reached with asymmetric first-order
  dynamics (rise 8 s, recovery 60 s: EDA recovers slowly) after a 2 s latency, plus
  skin-conductance responses (SCRs) as a Poisson process whose rate grows from about
  1.5/min at rest with arousal (Boucsein 2012), each a bi-exponential (Bateman) shape with
  time constants 0.75 s and 2 s (Alexander et al. 2005).
* **Movement artefacts** — at random, more often while sobbing (wiping tears, shaking),
  1-5 s bursts of large low-frequency disturbance on every channel.

References
----------
McSharry, P. E., Clifford, G. D., Tarassenko, L., Smith, L. A. A dynamical model for
generating synthetic electrocardiogram signals. IEEE Trans Biomed Eng 50:289-294, 2003.
Grossman, P., Taylor, E. W. Toward understanding respiratory sinus arrhythmia.
Biol Psychol 74:263-285, 2007.
Alexander, D. M. et al. Separating individual skin conductance responses in a short
interstimulus-interval paradigm. J Neurosci Methods 146:116-123, 2005.
Boucsein, W. *Electrodermal Activity*, 2nd ed. Springer, 2012.
Gross, J. J., Fredrickson, B. L., Levenson, R. W. The psychophysiology of crying.
Psychophysiology 31:460-468, 1994.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lacrima.sim.drives import DRIVE_FS_HZ, Drives

__all__ = ["Body", "make_body", "render_ecg", "render_eda", "render_ppg", "render_resp"]

_FINE_HZ = 50.0  # grid for breathing phase and heart-beat integration


@dataclass(frozen=True, eq=False)
class Body:
    """Person-level constants and the derived beat and breath series."""

    hr0_bpm: float
    rr0_bpm: float
    scl0_us: float
    beat_times_s: np.ndarray
    breath_onsets_s: np.ndarray
    breath_amplitudes: np.ndarray
    fine_t_s: np.ndarray
    resp_volume: np.ndarray
    """breathing volume (a.u.) on the 50 Hz fine grid, 0..~2"""
    artefacts: tuple[tuple[float, float], ...]
    """(start_s, duration_s) of each movement artefact"""


def _on_fine(drives: Drives, x: np.ndarray, fine_t: np.ndarray) -> np.ndarray:
    return np.interp(fine_t, drives.t_s, x)


def _breaths(
    drives: Drives, rng: np.random.Generator, rr0: float, duration_s: float
) -> tuple[np.ndarray, np.ndarray]:
    s, p, sob = drives.sympathetic, drives.parasympathetic, drives.sob
    rate = np.clip(rr0 + 5.0 * s - 4.0 * np.clip(p, 0.0, None), 4.0, 40.0)
    depth = 1.0 + 0.4 * np.clip(s, 0.0, None) + 0.5 * np.clip(p, 0.0, None) + 0.4 * sob
    onsets, amps = [], []
    t = -rng.uniform(0.0, 60.0 / rr0)
    while t < duration_s + 15.0:
        i = min(max(int(t * DRIVE_FS_HZ), 0), len(rate) - 1)
        cv = 0.08 + 0.3 * sob[i]
        period = 60.0 / rate[i] * float(np.exp(cv * rng.standard_normal()))
        onsets.append(t)
        amps.append(depth[i] * float(np.exp(0.12 * rng.standard_normal())))
        t += float(np.clip(period, 1.2, 15.0))
    return np.asarray(onsets), np.asarray(amps)


def _volume(fine_t: np.ndarray, onsets: np.ndarray, amps: np.ndarray) -> tuple[np.ndarray, ...]:
    k = np.interp(fine_t, onsets, np.arange(len(onsets), dtype=float))
    idx = np.clip(k.astype(np.int64), 0, len(amps) - 1)
    phase = k - np.floor(k)
    insp = phase < 0.4
    shape = np.where(
        insp,
        0.5 * (1.0 - np.cos(np.pi * phase / 0.4)),
        0.5 * (1.0 + np.cos(np.pi * (phase - 0.4) / 0.6)),
    )
    return amps[idx] * shape, phase, insp


def _artefacts(
    drives: Drives, rng: np.random.Generator, noise: float
) -> tuple[tuple[float, float], ...]:
    if noise <= 0:
        return ()
    rate = noise * (1.0 / 300.0 + drives.sob / 45.0)  # per second
    hits = rng.random(len(rate)) < rate / DRIVE_FS_HZ
    starts = drives.t_s[hits]
    return tuple((float(t0), float(rng.uniform(1.0, 5.0))) for t0 in starts)


def make_body(drives: Drives, rng: np.random.Generator, duration_s: float, noise: float) -> Body:
    """Draw the person's constants and generate breaths and heart beats.

    Parameters
    ----------
    drives : Drives
        Autonomic drives of the session.
    rng : numpy.random.Generator
        Source of randomness.
    duration_s : float
        Session length, s.
    noise : float
        Artefact rate scale (0 = no movement artefacts).

    Returns
    -------
    Body
    """
    hr0 = rng.uniform(60.0, 80.0)
    rr0 = rng.uniform(10.0, 16.0)
    scl0 = float(np.exp(rng.uniform(np.log(1.5), np.log(10.0))))
    onsets, amps = _breaths(drives, rng, rr0, duration_s)
    fine_t = np.arange(0.0, duration_s + 5.0, 1.0 / _FINE_HZ)
    volume, phase, _ = _volume(fine_t, onsets, amps)
    s = _on_fine(drives, drives.sympathetic, fine_t)
    p = _on_fine(drives, drives.parasympathetic, fine_t)
    period = np.interp(fine_t, onsets[:-1], np.diff(onsets))
    depth = np.interp(fine_t, onsets, amps)
    hr = np.clip(hr0 + 15.0 * s - 6.0 * p, 35.0, 190.0)
    # RSA: relative amplitude ~4 % at rest, larger with vagal drive and slow deep breaths
    rsa = 0.04 * np.exp(0.5 * p) * np.sqrt(np.clip(period, 1.5, 15.0) / 5.0) * np.sqrt(depth)
    mayer = 0.015 * np.sin(2 * np.pi * 0.1 * fine_t + rng.uniform(0, 2 * np.pi))
    rr_s = 60.0 / hr * (1.0 - np.clip(rsa, 0, 0.25) * np.sin(2 * np.pi * phase)) * (1 + mayer)
    cycles = np.cumsum(1.0 / rr_s) / _FINE_HZ
    n_beats = int(cycles[-1])
    beat_times = np.interp(np.arange(1, n_beats + 1), cycles, fine_t)
    beat_times = np.sort(beat_times + rng.normal(0.0, 0.003, n_beats))
    return Body(
        hr0_bpm=float(hr0),
        rr0_bpm=float(rr0),
        scl0_us=scl0,
        beat_times_s=beat_times[beat_times < duration_s],
        breath_onsets_s=onsets,
        breath_amplitudes=amps,
        fine_t_s=fine_t,
        resp_volume=volume,
        artefacts=_artefacts(drives, rng, noise),
    )


def _smooth_noise(rng: np.random.Generator, n: int, fs: float, cutoff_hz: float) -> np.ndarray:
    """Unit-variance noise low-passed by a moving average of 1/cutoff seconds."""
    w = max(int(fs / cutoff_hz), 1)
    x = np.convolve(rng.standard_normal(n + w), np.ones(w) / np.sqrt(w), mode="valid")
    return x[:n]


def _add_artefacts(
    x: np.ndarray, fs: float, body: Body, rng: np.random.Generator, scale: float, cutoff: float
) -> None:
    for t0, dur in body.artefacts:
        if rng.random() > 0.7:
            continue
        i0, i1 = int(t0 * fs), min(int((t0 + dur) * fs), len(x))
        if i1 - i0 < 2:
            continue
        bump = _smooth_noise(rng, i1 - i0, fs, cutoff) * scale
        x[i0:i1] += bump * np.hanning(i1 - i0)


def _place(n: int, centres: np.ndarray, offsets: np.ndarray, values: np.ndarray) -> np.ndarray:
    idx = centres[:, None] + offsets[None, :]
    ok = (idx >= 0) & (idx < n)
    return np.bincount(idx[ok], weights=values[ok], minlength=n)[:n]


def render_ecg(body: Body, fs: float, n: int, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Synthetic ECG in mV at ``fs`` Hz, ``n`` samples."""
    beats = body.beat_times_s
    rr = np.diff(beats, prepend=beats[0] - 60.0 / body.hr0_bpm)
    centres = np.round(beats * fs).astype(np.int64)
    offsets = np.arange(-int(0.3 * fs), int(0.6 * fs) + 1)
    tau = offsets / fs
    # (centre s, amplitude mV, width s); T-wave centre scales with sqrt(RR) (Bazett)
    waves = [(-0.17, 0.12, 0.025), (-0.03, -0.12, 0.010), (0.0, 1.1, 0.010), (0.03, -0.25, 0.010)]
    out = np.zeros(n)
    for c, a, w in waves:
        vals = a * np.exp(-0.5 * ((tau[None, :] - c) / w) ** 2) * np.ones((len(beats), 1))
        out += _place(n, centres, offsets, vals)
    tc = 0.27 * np.sqrt(np.clip(rr, 0.3, 2.0))[:, None]
    out += _place(n, centres, offsets, 0.3 * np.exp(-0.5 * ((tau[None, :] - tc) / 0.05) ** 2))
    t = np.arange(n) / fs
    out += 0.08 * np.interp(t, body.fine_t_s, body.resp_volume)
    out += 0.004 * np.sin(2 * np.pi * 50.0 * t)
    out += noise * 0.015 * rng.standard_normal(n)
    _add_artefacts(out, fs, body, rng, 0.8 * noise, 3.0)
    return out


def render_ppg(
    body: Body, drives: Drives, fs: float, n: int, rng: np.random.Generator, noise: float
) -> np.ndarray:
    """Synthetic photoplethysmogram (a.u.) at ``fs`` Hz, ``n`` samples."""
    beats = body.beat_times_s
    s_at = np.interp(beats, drives.t_s, drives.sympathetic)
    ptt = 0.25 - 0.03 * np.clip(s_at, 0, 1.5)
    amp = np.exp(-0.3 * np.clip(s_at, 0, None))
    centres = np.round((beats + ptt) * fs).astype(np.int64)
    offsets = np.arange(0, int(0.9 * fs) + 1)
    tau = offsets / fs
    shape = np.exp(-0.5 * ((tau - 0.12) / 0.05) ** 2) + 0.35 * np.exp(
        -0.5 * ((tau - 0.36) / 0.08) ** 2
    )
    out = _place(n, centres, offsets, amp[:, None] * shape[None, :])
    t = np.arange(n) / fs
    out += 0.1 * np.interp(t, body.fine_t_s, body.resp_volume)
    out += noise * 0.02 * rng.standard_normal(n)
    _add_artefacts(out, fs, body, rng, 1.5 * noise, 2.0)
    return out


def render_resp(
    body: Body, fs: float, n: int, rng: np.random.Generator, noise: float, drives: Drives
) -> np.ndarray:
    """Synthetic respiration-belt signal (a.u.) at ``fs`` Hz, ``n`` samples."""
    t = np.arange(n) / fs
    vol = np.interp(t, body.fine_t_s, body.resp_volume)
    sob = np.interp(t, drives.t_s, drives.sob)
    jerks = 0.15 * sob * np.abs(np.sin(2 * np.pi * 2.5 * t)) ** 3
    drift = 0.1 * np.interp(t, drives.t_s, _smooth_noise(rng, len(drives.t_s), DRIVE_FS_HZ, 0.02))
    out = vol + jerks + drift + noise * 0.02 * rng.standard_normal(n)
    _add_artefacts(out, fs, body, rng, 0.8 * noise, 2.0)
    return out


def render_eda(
    body: Body, drives: Drives, fs: float, n: int, rng: np.random.Generator, noise: float
) -> np.ndarray:
    """Synthetic skin conductance in µS at ``fs`` Hz, ``n`` samples."""
    dt = 1.0 / DRIVE_FS_HZ
    lag = round(2.0 * DRIVE_FS_HZ)
    s = np.concatenate([np.zeros(lag), drives.sympathetic[:-lag]])
    drift = np.linspace(0.0, rng.uniform(-0.1, 0.1), len(s))
    target = body.scl0_us * np.exp(0.45 * s + drift)
    tonic = np.empty_like(target)
    x = target[0]
    up, down = 1 - np.exp(-dt / 8.0), 1 - np.exp(-dt / 60.0)
    for i, v in enumerate(target):  # asymmetric first-order dynamics on the 4 Hz grid
        x += (v - x) * (up if v > x else down)
        tonic[i] = x
    # SCRs: Poisson events, bi-exponential shape (tau 0.75 s and 2 s), peak-normalised
    eda_hz = 16.0
    te = np.arange(0.0, n / fs + 1.0, 1.0 / eda_hz)
    s_e = np.interp(te, drives.t_s, drives.sympathetic)
    rate = (1.5 + 10.0 * np.clip(s_e, 0, None)) / 60.0
    events = te[rng.random(len(te)) < rate / eda_hz] + rng.uniform(1.0, 3.0)
    kt = np.arange(0.0, 20.0, 1.0 / eda_hz)
    kern = np.exp(-kt / 2.0) - np.exp(-kt / 0.75)
    kern /= kern.max()
    amps = 0.05 * body.scl0_us / 4.0 * np.exp(0.5 * rng.standard_normal(len(events)))
    amps *= 1.0 + np.interp(events, drives.t_s, np.clip(drives.sympathetic, 0, None))
    impulses = np.bincount(
        np.clip((events * eda_hz).astype(np.int64), 0, len(te) - 1), weights=amps, minlength=len(te)
    )
    phasic = np.convolve(impulses, kern)[: len(te)]
    t = np.arange(n) / fs
    out = np.interp(t, drives.t_s, tonic) + np.interp(t, te, phasic)
    out += noise * 0.003 * rng.standard_normal(n)
    _add_artefacts(out, fs, body, rng, 0.15 * noise * body.scl0_us / 4.0, 1.0)
    return np.clip(out, 0.01, None)

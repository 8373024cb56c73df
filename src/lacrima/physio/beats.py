"""Beat detection: R-peaks in the ECG and systolic peaks in the PPG.

One public function, :func:`detect_beats`, with a registry of detectors by signal kind
(``"ecg"``, ``"ppg"``). Both detectors work the same way around their core:

1. validate; bridge short NaN dropouts by linear interpolation (no beat is reported
   inside or right next to a dropout);
2. lower the rate of high-rate signals by an integer factor with a boxcar average
   (a first-order CIC decimator: its spectral nulls fall exactly on the frequencies that
   alias onto the pass band), because the detection bands are far below the Nyquist
   frequency of any common device rate;
3. detect at that rate (:mod:`lacrima.physio._qrs`, :mod:`lacrima.physio._pulse`);
4. place each beat at the original rate.

References
----------
Pan, J. & Tompkins, W. J. "A real-time QRS detection algorithm". IEEE Trans Biomed
Eng 32:230-236, 1985.
Hamilton, P. S. & Tompkins, W. J. "Quantitative investigation of QRS detection rules
using the MIT/BIH arrhythmia database". IEEE Trans Biomed Eng 33:1157-1165, 1986.
Hamilton, P. "Open source ECG analysis". Computers in Cardiology 29:101-104, 2002.
Elgendi, M. et al. "Systolic peak detection in acceleration photoplethysmograms
measured from emergency responders in tropical conditions". PLoS ONE 8:e76585, 2013.
Hogenauer, E. B. "An economical class of digital filters for decimation and
interpolation". IEEE Trans Acoust Speech Signal Process 29:155-162, 1981 (CIC).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lacrima.errors import SignalError
from lacrima.physio import _pulse, _qrs
from lacrima.physio._validate import as_signal, check_fs

__all__ = ["BeatDetection", "detect_beats", "detect_beats_detailed"]

logger = logging.getLogger(__name__)

#: Lowest sampling rate (Hz) accepted per signal kind: the ECG detection band reaches
#: 15 Hz and the PPG band 8 Hz (clamped to 0.45 fs below 18 Hz).
MIN_FS_HZ: dict[str, float] = {"ecg": 50.0, "ppg": 10.0}

# Beats closer than this to a missing (NaN) sample are dropped: their shape is unknown.
_GAP_MARGIN_S = 0.05
# Shorter signals hold no complete cardiac cycle at 40 bpm: nothing to detect.
_MIN_DURATION_S = 1.5


@dataclass(frozen=True)
class BeatDetection:
    """Beats and the intermediate signals a caller may reuse (e.g. for quality).

    Attributes
    ----------
    beats : numpy.ndarray
        int64 sample indices of the beats at the input rate, increasing.
    band : numpy.ndarray
        The detection-band signal (ECG 5-15 Hz, PPG 0.5-8 Hz) at ``band_fs_hz``, with
        the polarity of the beats made positive; empty when nothing was detected.
    band_fs_hz : float
        Sampling rate of ``band`` in Hz (``fs / factor``).
    factor : int
        Decimation factor from the input rate to ``band_fs_hz``.
    missing : numpy.ndarray
        Boolean mask of non-finite input samples at the input rate.
    fs_hz : float
        Input sampling rate in Hz.
    n_samples : int
        Length of the input.
    """

    beats: np.ndarray
    band: np.ndarray
    band_fs_hz: float
    factor: int
    missing: np.ndarray
    fs_hz: float
    n_samples: int


_Detector = Callable[[np.ndarray, float], "tuple[np.ndarray, np.ndarray, float, int]"]

#: Registry of detectors: kind -> function(finite signal, fs) ->
#: (beats at input rate, positive-polarity band signal, band rate, factor).
DETECTORS: dict[str, _Detector] = {"ecg": _qrs.detect, "ppg": _pulse.detect}


def detect_beats(signal: ArrayLike, fs: float, kind: str = "ecg") -> np.ndarray:
    """Find heart beats in an ECG (R-peaks) or a PPG (systolic peaks).

    ECG: band-pass 5-15 Hz, five-point derivative, rectification and a 150 ms
    moving-window integration after Pan & Tompkins (1985) and Hamilton (2002); QRS/noise
    classification with adaptive thresholds from the medians of the last eight QRS and
    noise peaks, a 200 ms refractory period, T-wave rejection by slope within 360 ms and
    a search-back for missed beats after Hamilton & Tompkins (1986). Rectification makes
    the detection independent of lead polarity; each R-peak is then placed on the
    dominant deflection of the QRS (the polarity held by most beats) in the unfiltered
    signal.

    PPG: band-pass 0.5-8 Hz, the two moving averages (111 ms, 667 ms) of the clipped,
    squared signal and block detection of Elgendi et al. (2013); the systolic peak is
    the maximum of the filtered pulse in each block. Polarity is set from the pulse
    shape (the systolic upstroke is shorter than the decline), so inverted sensors work.

    Parameters
    ----------
    signal : array_like
        1-D samples in any unit (mV, ADC counts, a.u.). NaN or infinite samples mark
        dropouts: they are bridged for filtering and no beat is placed within 50 ms of one.
    fs : float
        Sampling rate in Hz: at least 50 for ECG (100-1000 Hz validated) and 10 for PPG
        (20-1000 Hz validated).
    kind : {"ecg", "ppg"}
        Signal type.

    Returns
    -------
    numpy.ndarray
        int64 sample indices of the beats, strictly increasing. Empty for a flat,
        all-NaN or too short (< 1.5 s) signal.

    Raises
    ------
    SignalError
        If ``signal`` is not 1-D, ``fs`` is not a positive rate or is below the
        minimum for ``kind``, or ``kind`` is unknown.

    References
    ----------
    Pan, J. & Tompkins, W. J. IEEE Trans Biomed Eng 32:230-236, 1985.
    Hamilton, P. S. & Tompkins, W. J. IEEE Trans Biomed Eng 33:1157-1165, 1986.
    Hamilton, P. Computers in Cardiology 29:101-104, 2002.
    Elgendi, M. et al. PLoS ONE 8:e76585, 2013.

    Examples
    --------
    >>> import numpy as np
    >>> fs = 250.0
    >>> t = np.arange(0, 20, 1 / fs)
    >>> ecg = np.exp(-(((t % 1.0) - 0.5) ** 2) / (2 * 0.01**2))  # one spike a second
    >>> beats = detect_beats(ecg, fs, kind="ecg")
    >>> np.round(np.diff(beats).mean() / fs, 2)
    np.float64(1.0)
    """
    return detect_beats_detailed(signal, fs, kind).beats


def detect_beats_detailed(signal: ArrayLike, fs: float, kind: str = "ecg") -> BeatDetection:
    """Run :func:`detect_beats` and also return its intermediate signals.

    Parameters
    ----------
    signal : array_like
        1-D samples; see :func:`detect_beats`.
    fs : float
        Sampling rate in Hz.
    kind : {"ecg", "ppg"}
        Signal type.

    Returns
    -------
    BeatDetection
        Beats, detection-band signal and bookkeeping for reuse by quality indices.

    Raises
    ------
    SignalError
        As :func:`detect_beats`.
    """
    x, fs, kind = validate_cardiac_input(signal, fs, kind)
    n = x.size
    missing = ~np.isfinite(x)
    n_missing = int(np.count_nonzero(missing))
    empty = BeatDetection(
        beats=np.empty(0, dtype=np.int64),
        band=np.empty(0),
        band_fs_hz=fs,
        factor=1,
        missing=missing,
        fs_hz=fs,
        n_samples=n,
    )
    if n - n_missing < _MIN_DURATION_S * fs:
        return empty
    if n_missing:
        x = _bridge_gaps(x, missing)
    if _is_flat(x):
        logger.info("flat %s signal: no beats", kind)
        return empty

    beats, band, band_fs, factor = DETECTORS[kind](x, fs)
    if n_missing and beats.size:
        margin = max(1, round(_GAP_MARGIN_S * fs))
        cum = np.concatenate(([0], np.cumsum(missing)))
        lo = np.clip(beats - margin, 0, n)
        hi = np.clip(beats + margin + 1, 0, n)
        beats = beats[cum[hi] == cum[lo]]  # no missing sample within the margin
    return BeatDetection(
        beats=beats.astype(np.int64, copy=False),
        band=band,
        band_fs_hz=band_fs,
        factor=factor,
        missing=missing,
        fs_hz=fs,
        n_samples=n,
    )


def validate_cardiac_input(
    signal: ArrayLike, fs: float, kind: str
) -> tuple[np.ndarray, float, str]:
    """Check the arguments shared by the cardiac functions.

    Parameters
    ----------
    signal : array_like
        Must be 1-D and numeric.
    fs : float
        Sampling rate in Hz, finite and at least ``MIN_FS_HZ[kind]``.
    kind : str
        A key of :data:`DETECTORS`.

    Returns
    -------
    tuple
        ``(samples as float64, fs as float, kind)``.

    Raises
    ------
    SignalError
        With a message naming the parameter, the allowed values and the value received.
    """
    if not isinstance(kind, str) or kind not in DETECTORS:
        raise SignalError(f"kind must be one of {sorted(DETECTORS)}; got {kind!r}")
    rate = check_fs(fs)
    if rate < MIN_FS_HZ[kind]:
        raise SignalError(
            f"fs must be at least {MIN_FS_HZ[kind]:g} Hz for kind={kind!r} (the detection "
            f"band would not fit below the Nyquist frequency); got {fs!r}"
        )
    return as_signal(signal), rate, kind


def _bridge_gaps(x: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Linearly interpolate over non-finite samples (ends take the nearest value)."""
    good = np.flatnonzero(~missing)
    bad = np.flatnonzero(missing)
    out = x.copy()
    out[bad] = np.interp(bad, good, x[good])
    return out


def _is_flat(x: np.ndarray) -> bool:
    """True when the signal has no variation beyond floating-point noise."""
    lo = float(x.min())
    hi = float(x.max())
    scale = max(abs(lo), abs(hi), 1e-300)
    return hi - lo <= 1e-9 * scale

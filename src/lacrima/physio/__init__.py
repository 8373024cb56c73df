"""Signal layer: numpy arrays in, numpy arrays out (no I/O, no Django).

Public API (see ``docs/dev/contracts.md``):

- filters: :func:`bandpass`, :func:`lowpass`, :func:`highpass`, :func:`decimate_to`,
  :func:`interpolate_nans`
- cardiac: :func:`detect_beats`, :func:`process_cardiac`, :class:`CardiacResult`
- electrodermal activity: :func:`process_eda`, :class:`EdaResult`
- respiration: :func:`process_resp`, :class:`RespResult`
- heart-rate variability: :func:`hrv_windows`, :class:`HrvWindows`
- PPG beat timing: :func:`pulse_onsets`, :class:`PulseOnsets` (pulse foot, plausibility)
- breathing rate from the pulse: :func:`estimate_resp_rate`, :func:`resp_rate_from_beats`,
  :class:`RespRateEstimate` (RIIV/RIAV/RIFV fused; Karlen et al. 2013)

Every function takes 1-D arrays and rates in Hz, returns frozen dataclasses (or
arrays), gives times in seconds from the first sample, and raises
:class:`lacrima.errors.SignalError` for bad parameters; a flat or all-NaN signal gives
empty results with quality 0 rather than an error.
"""

from __future__ import annotations

from lacrima.physio.beats import detect_beats
from lacrima.physio.cardiac import CardiacResult, process_cardiac
from lacrima.physio.eda import EdaResult, process_eda
from lacrima.physio.filters import bandpass, decimate_to, highpass, interpolate_nans, lowpass
from lacrima.physio.hrv import HrvWindows, hrv_windows
from lacrima.physio.ppg_resp import RespRateEstimate, estimate_resp_rate, resp_rate_from_beats
from lacrima.physio.ppg_timing import PulseOnsets, pulse_onsets
from lacrima.physio.resp import RespResult, process_resp

__all__ = [
    "CardiacResult",
    "EdaResult",
    "HrvWindows",
    "PulseOnsets",
    "RespRateEstimate",
    "RespResult",
    "bandpass",
    "decimate_to",
    "detect_beats",
    "estimate_resp_rate",
    "highpass",
    "hrv_windows",
    "interpolate_nans",
    "lowpass",
    "process_cardiac",
    "process_eda",
    "process_resp",
    "pulse_onsets",
    "resp_rate_from_beats",
]

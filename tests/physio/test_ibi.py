"""Inter-beat interval artifact classification and correction: ``lacrima.physio.ibi``.

Hand-built beat series: a regular rhythm with respiratory sinus arrhythmia (RSA), into
which one artifact of each kind is put at a known beat.
"""

from __future__ import annotations

import numpy as np
import pytest

from lacrima.errors import SignalError
from lacrima.physio.ibi import BeatFlag, IbiCorrection, correct_ibi


def _rsa_times(n: int = 60, rr_ms: float = 800.0, depth_ms: float = 40.0) -> np.ndarray:
    """Beat times (s) with a smooth RSA modulation (period 4 beats) and no artifacts."""
    k = np.arange(n - 1)
    rr = rr_ms + depth_ms * np.sin(2 * np.pi * k / 4.3)
    return np.concatenate(([0.0], np.cumsum(rr))) / 1000.0


def _names(res: IbiCorrection) -> list[str]:
    return [BeatFlag(f).name for f in res.flags]


def test_clean_rhythm_has_no_artifacts() -> None:
    res = correct_ibi(_rsa_times(), resolution_s=1 / 500)
    assert res.flags[0] == BeatFlag.GAP
    assert np.all(res.flags[1:] == BeatFlag.NORMAL)
    np.testing.assert_allclose(res.ibi_clean_ms[1:], res.ibi_ms[1:])
    assert np.isnan(res.ibi_ms[0]) and np.isnan(res.ibi_clean_ms[0])


def test_missed_beat_is_split_in_two() -> None:
    t = _rsa_times()
    true_ibi = np.diff(t) * 1000
    gone = 30
    res = correct_ibi(np.delete(t, gone))
    flags = _names(res)
    # The beat after the missing one ends the long interval.
    assert flags[gone] == "MISSED"
    assert flags.count("MISSED") == 1
    assert set(flags[1:gone] + flags[gone + 1 :]) == {"NORMAL"}
    long_ms = true_ibi[gone - 1] + true_ibi[gone]
    assert res.ibi_ms[gone] == pytest.approx(long_ms)
    assert res.ibi_clean_ms[gone] == pytest.approx(long_ms / 2)


def test_two_missed_beats_are_split_in_three() -> None:
    t = _rsa_times()
    res = correct_ibi(np.delete(t, [30, 31]))
    assert res.flags[30] == BeatFlag.MISSED
    assert res.ibi_clean_ms[30] == pytest.approx(res.ibi_ms[30] / 3)


def test_extra_beat_is_removed_and_intervals_merged() -> None:
    t = _rsa_times()
    extra_at = t[30] + 0.3  # a spurious detection (e.g. a T-wave) 300 ms after beat 30
    res = correct_ibi(np.sort(np.append(t, extra_at)))
    flags = _names(res)
    assert flags[31] == "EXTRA"
    assert flags.count("EXTRA") == 1
    assert set(flags[1:31] + flags[32:]) == {"NORMAL"}
    assert np.isnan(res.ibi_clean_ms[31])
    # The merged interval is the true interval from beat 30 to beat 31.
    assert res.ibi_clean_ms[32] == pytest.approx((t[31] - t[30]) * 1000)


def test_ectopic_beat_flags_coupling_interval_and_pause() -> None:
    t = _rsa_times()
    rr = (t[31] - t[30]) * 1000
    t_ect = t.copy()
    t_ect[31] -= 0.30 * rr / 1000  # premature by 30 %, full compensatory pause
    res = correct_ibi(t_ect)
    flags = _names(res)
    assert flags[31] == "ECTOPIC"  # coupling interval, ends at the ectopic beat
    assert flags[32] == "ECTOPIC"  # compensatory pause, ends at the next sinus beat
    assert flags.count("ECTOPIC") == 2
    assert set(flags[1:31] + flags[33:]) == {"NORMAL"}
    # Both replaced by interpolation between the neighbouring normal intervals.
    lo, hi = res.ibi_ms[30], res.ibi_ms[33]
    for k in (31, 32):
        assert min(lo, hi) - 1e-9 <= res.ibi_clean_ms[k] <= max(lo, hi) + 1e-9
    assert abs(res.ibi_clean_ms[31] - rr) < 60  # close to the true sinus interval


def test_long_interval_that_is_not_a_missed_beat() -> None:
    t = _rsa_times()
    t_long = t.copy()
    t_long[31:] += 0.5  # a 1.3 s pause: 1.6 medians, not a whole number of beats
    res = correct_ibi(t_long)
    assert res.flags[31] == BeatFlag.LONG
    assert np.all(np.delete(res.flags, [0, 31]) == BeatFlag.NORMAL)
    assert 700 < res.ibi_clean_ms[31] < 900


def test_short_interval_that_is_not_an_extra_beat() -> None:
    t = _rsa_times()
    t_short = t.copy()
    t_short[31:] -= 0.35  # every later beat early: one short interval, then normal again
    res = correct_ibi(t_short)
    assert res.flags[31] == BeatFlag.SHORT
    assert np.all(np.delete(res.flags, [0, 31]) == BeatFlag.NORMAL)
    assert 700 < res.ibi_clean_ms[31] < 900


def test_gap_before_a_beat_leaves_its_interval_unknown() -> None:
    t = _rsa_times()
    gaps = np.zeros(t.size, dtype=bool)
    gaps[20] = True
    res = correct_ibi(t, gap_before=gaps)
    assert res.flags[20] == BeatFlag.GAP
    assert np.isnan(res.ibi_ms[20]) and np.isnan(res.ibi_clean_ms[20])
    assert np.all(np.delete(res.flags, [0, 20]) == BeatFlag.NORMAL)


@pytest.mark.parametrize("n", [0, 1, 2, 4])
def test_few_beats(n: int) -> None:
    res = correct_ibi(_rsa_times()[:n])
    assert res.flags.size == res.ibi_ms.size == res.ibi_clean_ms.size == n
    assert np.all(res.flags[1:] == BeatFlag.NORMAL)


def test_rejects_bad_input() -> None:
    with pytest.raises(SignalError, match="strictly increasing"):
        correct_ibi([0.0, 1.0, 1.0])
    with pytest.raises(SignalError, match="1-D"):
        correct_ibi(np.zeros((2, 2)))
    with pytest.raises(SignalError, match="gap_before"):
        correct_ibi([0.0, 1.0], gap_before=[True])
    with pytest.raises(SignalError, match="finite"):
        correct_ibi([0.0, np.nan, 2.0])


def test_real_rhythm_false_flags_are_rare() -> None:
    # Beat times from a smooth RSA plus 5 ms of timing jitter, as from a 200 Hz ECG.
    rng = np.random.default_rng(3)
    t = _rsa_times(600) + rng.normal(0, 0.005, 600)
    res = correct_ibi(np.sort(t), resolution_s=1 / 200)
    assert np.mean(res.flags[1:] != BeatFlag.NORMAL) < 0.01

"""Recording, Channel and Marker: invariants, duration, lookup by kind."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from lacrima.errors import ReadError, SignalError
from lacrima.io import Channel, Marker, Recording
from lacrima.io.errors import ChannelNotFoundError, UnknownKindError


def _recording() -> Recording:
    return Recording(
        {
            "ECG": Channel("ECG", np.zeros(1000), 250.0, "mV", "ecg"),
            "EDA": Channel("EDA", np.ones(40), 4.0, "uS", "eda", start_s=2.0),
            "ibi": Channel(
                "ibi", [800.0, 820.0], math.nan, "ms", "ibi", 1.0, times_s=np.array([1.0, 13.5])
            ),
        },
        [Marker(5.0, "tears"), Marker(1.0, "baseline_start")],
        datetime(2024, 1, 1, 10, tzinfo=timezone(timedelta(hours=2))),
        "x.csv",
    )


def test_duration_is_the_longest_channel_end() -> None:
    # ECG ends at 4 s, EDA at 2 + 10 = 12 s, the last IBI event at 13.5 s
    assert _recording().duration_s == pytest.approx(13.5)


def test_markers_sorted_and_start_time_in_utc() -> None:
    rec = _recording()
    assert [m.label for m in rec.markers] == ["baseline_start", "tears"]
    assert rec.start_time == datetime(2024, 1, 1, 8, tzinfo=UTC)
    assert rec.start_time.utcoffset() == timedelta(0)


def test_by_kind() -> None:
    rec = _recording()
    assert [c.name for c in rec.by_kind("eda")] == ["EDA"]
    assert rec.by_kind("resp") == []


def test_by_kind_unknown_kind_lists_valid_ones() -> None:
    with pytest.raises(UnknownKindError) as info:
        _recording().by_kind("ekg")
    assert "'ekg' is not a channel kind" in str(info.value)
    assert "ecg, ppg, eda" in str(info.value)
    assert "Did you mean 'ecg'" in str(info.value)
    assert isinstance(info.value, ReadError)


def test_by_kind_required_says_what_there_is_and_what_to_do() -> None:
    with pytest.raises(ChannelNotFoundError) as info:
        _recording().by_kind("resp", required=True)
    message = str(info.value)
    assert "x.csv: has no resp channel" in message
    assert "'ECG' (ecg)" in message and "kinds=" in message


def test_channel_stores_float64_and_checks_shape_and_rate() -> None:
    channel = Channel("a", [1, 2, 3], 10, "a.u.", "other")
    assert channel.samples.dtype == np.float64 and channel.end_s == pytest.approx(0.3)
    with pytest.raises(SignalError, match="1-D"):
        Channel("a", np.zeros((2, 2)), 10, "a.u.", "other")
    with pytest.raises(SignalError, match="fs_hz must be a positive"):
        Channel("a", [1.0], 0.0, "a.u.", "other")
    with pytest.raises(SignalError, match="one time per sample"):
        Channel("a", [1.0, 2.0], math.nan, "ms", "ibi", times_s=np.array([1.0]))
    with pytest.raises(UnknownKindError):
        Channel("a", [1.0], 1.0, "a.u.", "EKG")


def test_recording_rejects_naive_start_time_and_wrong_keys() -> None:
    channel = Channel("a", [1.0], 1.0, "a.u.", "other")
    with pytest.raises(SignalError, match="timezone-aware"):
        Recording({"a": channel}, [], datetime(2024, 1, 1), None)
    with pytest.raises(SignalError, match="dict key"):
        Recording({"b": channel})


def test_reprs_are_short() -> None:
    rec = _recording()
    assert "ECG:ecg" in repr(rec) and len(repr(rec)) < 300
    assert repr(rec.channels["ibi"]).startswith("Channel('ibi', kind='ibi', events")

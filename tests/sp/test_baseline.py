"""Where the baseline is, and each feature's reference against it (lacrima.sp.baseline)."""

from __future__ import annotations

import numpy as np
import pytest

from lacrima.errors import AnalysisError
from lacrima.io import Marker
from lacrima.sp.baseline import Baseline, choose_baseline, reference_of
from lacrima.sp.options import make_options


def test_option_beats_markers_beats_default() -> None:
    marks = [Marker(10.0, "baseline_start"), Marker(250.0, "baseline_end")]
    assert choose_baseline(marks, 3600, make_options(baseline="20:200")) == Baseline(
        20.0, 200.0, "option"
    )
    assert choose_baseline(marks, 3600, make_options()) == Baseline(10.0, 250.0, "markers")
    assert choose_baseline([], 3600, make_options()) == Baseline(0.0, 300.0, "first_minutes")


def test_a_baseline_marker_with_a_duration() -> None:
    b = choose_baseline([Marker(60.0, "baseline", 120.0)], 3600, make_options())
    assert (b.start_s, b.end_s, b.source) == (60.0, 180.0, "markers")


def test_session_shorter_than_the_baseline_is_a_clear_error() -> None:
    with pytest.raises(AnalysisError, match=r"session \(200 s\) is shorter than the baseline"):
        choose_baseline([], 200.0, make_options())


def test_too_short_a_baseline_is_refused() -> None:
    with pytest.raises(AnalysisError, match="shorter than 60 s"):
        choose_baseline([], 3600, make_options(baseline=(0, 30)))


@pytest.mark.parametrize("bad", ["0-300", "a:b", "300:0", (5,)])
def test_malformed_baseline_option(bad: object) -> None:
    with pytest.raises(AnalysisError, match="baseline"):
        make_options(baseline=bad)


def test_reference_is_median_and_floored_mad() -> None:
    t = np.arange(1.0, 600, 2.0)
    values = np.where(t < 300, 70.0, 90.0)  # perfectly steady baseline
    ref = reference_of(values, np.ones(t.size), t, Baseline(0, 300, "option"), 2.0, 0.3)
    assert ref is not None
    assert ref.median == 70.0
    assert ref.scale == 2.0  # the floor: a flat baseline does not make z explode


def test_sparse_default_baseline_is_widened_but_a_marked_one_is_not() -> None:
    t = np.arange(1.0, 900, 2.0)
    values = np.where((t > 320) & (t < 420), 5.0, np.nan)  # signal only after 5 min
    q = np.ones(t.size)
    wide = reference_of(values, q, t, Baseline(0, 300, "first_minutes"), 0.1, 0.3)
    assert wide is not None and wide.end_s > 300
    assert reference_of(values, q, t, Baseline(0, 300, "markers"), 0.1, 0.3) is None

"""CSV round trip of random arrays (property test) and the read time of a large file."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lacrima

logger = logging.getLogger(__name__)

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=60, deadline=None)
@given(
    data=arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(1, 4)),
        elements=finite,
    ),
    fs=st.sampled_from([1.0, 4.0, 64.0, 100.0, 256.0, 1000.0]),
)
def test_csv_round_trip_reads_back_equal(data: np.ndarray, fs: float) -> None:
    names = [f"signal{j}" for j in range(data.shape[1])]
    text = ",".join(names) + "\n"
    text += "".join(",".join(repr(float(v)) for v in row) + "\n" for row in data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_text(text)
        rec = lacrima.read(path, fs=fs)
    assert list(rec.channels) == names
    for j, name in enumerate(names):
        channel = rec.channels[name]
        assert channel.fs_hz == fs
        assert channel.samples.dtype == np.float64
        np.testing.assert_array_equal(channel.samples, data[:, j])


@pytest.mark.slow
def test_large_csv_reads_in_seconds(tmp_path: Path) -> None:
    """60 min x 700 Hz x 3 channels plus a time column: 10 million cells, ~110 MB."""
    fs, n = 700.0, 700 * 3600
    rng = np.random.default_rng(7)
    table = pa.table(
        {
            "time": np.round(np.arange(n) / fs, 6),
            "ECG": np.round(rng.normal(size=n), 4),
            "EDA": np.round(5 + rng.normal(size=n), 4),
            "RSP": np.round(rng.normal(size=n), 4),
        }
    )
    path = tmp_path / "long_session.csv"
    pacsv.write_csv(table, path)
    del table
    start = time.perf_counter()
    rec = lacrima.read(path)
    elapsed = time.perf_counter() - start
    logger.info("read %.0f MB in %.2f s", path.stat().st_size / 1e6, elapsed)
    assert [c.samples.size for c in rec.channels.values()] == [n, n, n]
    assert rec.channels["ECG"].fs_hz == fs and rec.duration_s == pytest.approx(3600.0)
    # a few seconds on a laptop; generous here because the test machine's CPUs are shared
    assert elapsed < 20.0, f"reading took {elapsed:.1f} s"

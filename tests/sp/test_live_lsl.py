"""LSL streams become chunks (lacrima.sp.live_lsl); skipped without pylsl."""

from __future__ import annotations

import threading
import time
import uuid

import numpy as np
import pytest

from lacrima.sp.live_chunks import ChunkOrder

pylsl = pytest.importorskip("pylsl")

from lacrima.sp.live_lsl import LslError, LslSource  # noqa: E402


def test_an_lsl_ecg_stream_arrives_as_ordered_chunks() -> None:
    sid = f"lacrima-test-{uuid.uuid4().hex}"
    info = pylsl.StreamInfo("chest ECG", "ECG", 2, 100.0, "float32", sid)
    outlet = pylsl.StreamOutlet(info)
    src = LslSource("lab-1", wait_s=5.0, source_id=sid)
    assert src.channels == {"chest_ECG.0": ("ecg", 100.0), "chest_ECG.1": ("ecg", 100.0)}
    sent = np.arange(300, dtype=np.float32)

    def play() -> None:
        time.sleep(0.5)  # the inlet connects first
        for i in range(0, sent.size, 10):
            outlet.push_chunk([[v, -v] for v in sent[i : i + 10]])
            time.sleep(0.02)

    th = threading.Thread(target=play)
    th.start()
    chunks = list(src.chunks(duration_s=3.0))
    th.join()
    order = ChunkOrder("lab-1")
    assert chunks and all(order.accept(c) for c in chunks)
    got0 = np.concatenate([c.samples for c in chunks if c.channel == "chest_ECG.0"])
    got1 = np.concatenate([c.samples for c in chunks if c.channel == "chest_ECG.1"])
    np.testing.assert_array_equal(got0, sent)
    np.testing.assert_array_equal(got1, -sent)


def test_no_stream_is_a_clear_error() -> None:
    with pytest.raises(LslError, match="no LSL signal stream found"):
        LslSource("lab-1", wait_s=0.5, source_id=f"absent-{uuid.uuid4().hex}")


def test_cli_without_a_stream(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import sys

    from lacrima.cli import main

    argv = ["lacrima", "stream", "lsl", "--session", "x", "--wait-s", "0.5", "--local",
            "--source-id", f"absent-{uuid.uuid4().hex}"]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2
    assert "no LSL signal stream found" in capsys.readouterr().err

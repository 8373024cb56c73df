"""``lacrima replay`` streams a recording as numbered chunks (lacrima.sp.live_replay)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from lacrima.errors import AnalysisError
from lacrima.io import Channel, Recording
from lacrima.sp.live_chunks import ChunkOrder, decode_json, iter_binary
from lacrima.sp.live_replay import chunk_name, chunks_of, feed, live_analyzer_for

from .conftest import sim


@pytest.fixture(scope="module")
def short_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("replay")
    sim(420.0, fs=50.0, seed=3, n_cycles=0).write(folder / "s.csv")
    return folder / "s.csv"


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    from lacrima.cli import main

    monkeypatch.setattr(sys, "argv", ["lacrima", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_chunks_cover_every_sample_in_order() -> None:
    rec = sim(420.0, fs=50.0, seed=3, n_cycles=0).recording
    chunks = list(chunks_of(rec, "s1", chunk_s=1.0))
    order = ChunkOrder("s1")
    assert all(order.accept(c) for c in chunks)  # contiguous per channel, seq 0, 1, 2, ...
    ends = [c.end_s for c in chunks]
    assert ends == sorted(ends)  # sent when the device has them
    for name, ch in rec.channels.items():
        got = np.concatenate([c.samples for c in chunks if c.channel == name])
        np.testing.assert_allclose(got, ch.samples.astype(np.float32))
        assert {c.n for c in chunks if c.channel == name} <= {50}


def test_event_series_ibi_is_cut_at_gaps_and_fed_as_beats() -> None:
    t = np.concatenate([np.arange(1, 200) * 0.8, 170.0 + np.arange(1, 200) * 0.8])
    ibi = np.full(t.size, 800.0)
    rec = Recording({"RR (ms)": Channel("RR (ms)", ibi, np.nan, "ms", "ibi", times_s=t)},
                    [], None, "strap")  # fmt: skip
    chunks = list(chunks_of(rec, "s1", chunk_s=5.0))
    assert {c.channel for c in chunks} == {chunk_name("RR (ms)")} == {"RR__ms_"}
    assert any(abs(c.t0_s - 170.8) < 1e-9 for c in chunks)  # a new chunk after the gap
    assert sum(c.n for c in chunks) == t.size
    order = ChunkOrder("s1")
    assert all(order.accept(c) for c in chunks)
    live = live_analyzer_for(rec, keep_samples=False)
    for c in chunks:
        feed(live, c)
    assert live.duration_s == pytest.approx(t[-1])


def test_bad_arguments() -> None:
    rec = sim(420.0, fs=50.0, seed=3, n_cycles=0).recording
    with pytest.raises(AnalysisError, match="chunk_s must be between"):
        next(chunks_of(rec, "s1", chunk_s=0.0))
    temp = Recording({"t": Channel("t", np.zeros(10), 1.0, "C", "temp")}, [], None, "x")
    with pytest.raises(AnalysisError, match="nothing to replay"):
        next(chunks_of(temp, "s1"))


def test_cli_writes_json_lines_and_binary(
    short_csv: Path, tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "c.jsonl"
    code, _, err = _run(["replay", str(short_csv), "--session", "demo-1", "--speed", "0",
                         "--out", str(out)], monkeypatch, capsys)  # fmt: skip
    assert code == 0 and "done:" in err
    chunks = [decode_json(line) for line in out.read_text().splitlines()]
    assert [c.seq for c in chunks] == list(range(len(chunks)))
    assert {c.session for c in chunks} == {"demo-1"}
    code, _, _ = _run(["replay", str(short_csv), "--session", "demo-1", "--speed", "0",
                       "--out", str(tmp_path / "c.bin"), "--format", "binary"],
                      monkeypatch, capsys)  # fmt: skip
    assert code == 0
    binary = list(iter_binary((tmp_path / "c.bin").read_bytes()))
    assert [c.seq for c in binary] == [c.seq for c in chunks]
    np.testing.assert_array_equal(binary[5].samples, chunks[5].samples)
    code, stdout, _ = _run(["replay", str(short_csv), "--session", "d", "--speed", "0",
                            "--out", "-"], monkeypatch, capsys)  # fmt: skip
    assert code == 0 and json.loads(stdout.splitlines()[0])["seq"] == 0


def test_cli_local_prints_the_phase(short_csv: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["replay", str(short_csv), "--session", "d", "--speed", "0", "--local"],
                        monkeypatch, capsys)  # fmt: skip
    assert code == 0
    assert "phase=" in out and "done:" in out and "baseline" in out.splitlines()[-1]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ([], "say where the chunks go"),
        (["--out", "-", "--format", "xml"], "--format"),
        (["--url", "file:///etc/passwd"], "--url must start with http"),
        (["--out", "-", "--speed", "-1"], "--speed"),
        (["--out", "-", "--chunk-s", "0"], "--chunk-s"),
        (["--url", "http://127.0.0.1:9/ingest", "--speed", "0"], "could not reach"),
    ],
)
def test_cli_refuses_bad_options(
    short_csv: Path, extra: list[str], words: str, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    code, _, err = _run(["replay", str(short_csv), "--session", "d", *extra], monkeypatch, capsys)
    assert code != 0 and words in err
    assert "Traceback" not in err

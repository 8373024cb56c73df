"""The live-stream chunk codec refuses anything malformed, oversized or out of order."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from lacrima.errors import LacrimaError
from lacrima.sp.live_chunks import (
    MAX_CHUNK_SAMPLES,
    Chunk,
    ChunkOrder,
    ChunkOrderError,
    MalformedChunkError,
    OversizedChunkError,
    decode_binary,
    decode_json,
    iter_binary,
)


def _chunk(**kw: object) -> Chunk:
    args: dict[str, object] = {
        "session": "s-1",
        "seq": 3,
        "channel": "ecg",
        "t0_s": 1.5,
        "fs_hz": 700.0,
        "samples": np.array([0.25, -1.0, np.nan, 3.0e3]),
        "kind": "ecg",
    }
    args.update(kw)
    return Chunk(**args)  # type: ignore[arg-type]


def _same(a: Chunk, b: Chunk) -> None:
    assert (a.session, a.seq, a.channel, a.kind, a.t0_s, a.fs_hz) == (
        b.session, b.seq, b.channel, b.kind, b.t0_s, b.fs_hz,
    )  # fmt: skip
    np.testing.assert_array_equal(a.samples, b.samples)  # NaN == NaN here


def test_round_trip_json_and_binary() -> None:
    c = _chunk()
    _same(decode_json(c.to_json()), c)
    _same(decode_binary(c.to_binary()), c)
    assert json.loads(c.to_json())["samples"][2] is None  # NaN travels as null
    assert c.samples.dtype == np.float32 and c.n == 4
    assert c.end_s == pytest.approx(1.5 + 4 / 700)
    # header: magic, version, 3 strings, seq/t0/fs/n, then 4 bytes per sample
    assert len(c.to_binary()) == 5 + (1 + 3) + (1 + 3) + (1 + 3) + 28 + 16


def test_concatenated_binary_stream() -> None:
    cs = [_chunk(seq=i, t0_s=i * 4 / 700) for i in range(5)]
    got = list(iter_binary(b"".join(c.to_binary() for c in cs)))
    assert [c.seq for c in got] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"session": ""}, "session must be"),
        ({"session": "a b"}, "session must be"),
        ({"session": "x" * 65}, "session must be"),
        ({"channel": "../etc"}, "channel must be"),
        ({"kind": "ekg"}, "kind must be one of"),
        ({"seq": -1}, "seq must be 0 or more"),
        ({"seq": 1.5}, "seq must be an integer"),
        ({"seq": True}, "seq must be an integer"),
        ({"t0_s": -0.1}, "t0_s must be"),
        ({"t0_s": float("nan")}, "t0_s must be"),
        ({"fs_hz": 0.0}, "fs_hz must be"),
        ({"fs_hz": 1e6}, "fs_hz must be"),
        ({"fs_hz": "700"}, "fs_hz must be a number"),
        ({"samples": np.array([])}, "no samples"),
        ({"samples": np.zeros((2, 2))}, "flat list"),
        ({"samples": np.array([1.0, np.inf])}, "infinity"),
    ],
)
def test_invalid_fields(kw: dict[str, object], match: str) -> None:
    with pytest.raises(MalformedChunkError, match=match):
        _chunk(**kw)


def test_oversized() -> None:
    with pytest.raises(OversizedChunkError, match="at most 65536"):
        _chunk(samples=np.zeros(MAX_CHUNK_SAMPLES + 1))
    big = _chunk().to_json_dict() | {"samples": [0.0] * (MAX_CHUNK_SAMPLES + 1)}
    with pytest.raises(OversizedChunkError):
        decode_json(json.dumps(big))
    b = bytearray(_chunk().to_binary())
    b[-20:-16] = struct.pack("<I", MAX_CHUNK_SAMPLES + 1)  # the n field
    with pytest.raises(OversizedChunkError):
        decode_binary(bytes(b))
    assert issubclass(OversizedChunkError, LacrimaError)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "must be an object"),
        ('{"v": 1}', "lacks"),
        (None, "unknown keys"),
        ("v2", "version must be 1"),
        ("strs", "samples must be numbers"),
        ("bools", "samples must be numbers"),
        ("notlist", "must be a list"),
    ],
)
def test_malformed_json(text: str | None, match: str) -> None:
    d = _chunk().to_json_dict()
    if text is None:
        text = json.dumps(d | {"extra": 1})
    elif text == "v2":
        text = json.dumps(d | {"v": 2})
    elif text == "strs":
        text = json.dumps(d | {"samples": ["1"]})
    elif text == "bools":
        text = json.dumps(d | {"samples": [True]})
    elif text == "notlist":
        text = json.dumps(d | {"samples": 1.0})
    with pytest.raises(MalformedChunkError, match=match):
        decode_json(text)


def test_malformed_binary() -> None:
    good = _chunk().to_binary()
    with pytest.raises(MalformedChunkError, match="LCK1"):
        decode_binary(b"XXXX" + good[4:])
    with pytest.raises(MalformedChunkError, match="version"):
        decode_binary(good[:4] + b"\x02" + good[5:])
    for cut in (3, 6, 12, 30, len(good) - 1):
        with pytest.raises(MalformedChunkError, match="truncated"):
            decode_binary(good[:cut])
    with pytest.raises(MalformedChunkError, match="after its 4 samples"):
        decode_binary(good + b"\x00")
    bad_utf = good[:6] + b"\xff\xfe\xfd" + good[9:]
    with pytest.raises(MalformedChunkError, match="not UTF-8"):
        decode_binary(bad_utf)
    inf = good[:-4] + struct.pack("<f", float("inf"))
    with pytest.raises(MalformedChunkError, match="infinity"):
        decode_binary(inf)


def test_order_accepts_next_ignores_resend_refuses_gaps() -> None:
    order = ChunkOrder("s-1")
    c0 = _chunk(seq=0, t0_s=0.0)
    assert order.accept(c0)
    assert not order.accept(c0)  # a resend: acknowledged again, stored once
    with pytest.raises(ChunkOrderError, match="seq 2 arrived before 1"):
        order.accept(_chunk(seq=2, t0_s=4 / 700))
    with pytest.raises(ChunkOrderError, match="previous one ended"):
        order.accept(_chunk(seq=1, t0_s=1.0))
    with pytest.raises(ChunkOrderError, match="changed its rate"):
        order.accept(_chunk(seq=1, t0_s=4 / 700, fs_hz=500.0))
    with pytest.raises(ChunkOrderError, match="belongs to session"):
        order.accept(_chunk(session="other", seq=1, t0_s=4 / 700))
    assert order.next_seq == 1  # nothing refused was counted
    assert order.accept(_chunk(seq=1, t0_s=4 / 700))
    resumed = ChunkOrder("s-1", next_seq=2)  # a bridge resuming after seq 1
    assert not resumed.accept(_chunk(seq=1))
    assert resumed.accept(_chunk(seq=2, t0_s=8 / 700))


def test_order_of_rr_interval_chunks() -> None:
    order = ChunkOrder("s-1")
    rr = _chunk(seq=0, channel="rr", kind="ibi", fs_hz=1.0, t0_s=1.0,
                samples=np.array([800.0, 1000.0, 500.0]))  # fmt: skip
    assert rr.end_s == pytest.approx(2.5)  # beats at 1.0, 2.0 and 2.5 s
    assert order.accept(rr)
    with pytest.raises(ChunkOrderError, match="not after the last one"):
        order.accept(_chunk(seq=1, channel="rr", kind="ibi", fs_hz=1.0, t0_s=2.5))
    assert order.accept(_chunk(seq=1, channel="rr", kind="ibi", fs_hz=1.0, t0_s=9.0))  # gap

"""The Heart Rate Measurement parsers (Python and the browser's JavaScript) follow the spec.

Vectors are built here field by field from the Bluetooth specification (Heart Rate
Service 1.0), independently of either parser, for every combination of the flags.
"""

from __future__ import annotations

import itertools
import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from lacrima.errors import LacrimaError
from lacrima.io.ble_hrm import HeartRateMeasurementError, parse_heart_rate_measurement

ROOT = Path(__file__).resolve().parents[2]
JS_RUNNER = ROOT / "tests" / "web" / "js" / "test_hrm.mjs"
JS_MODULE = ROOT / "src" / "lacrima" / "web" / "records" / "static" / "records" / "hrm.js"

# sensor contact bits 1-2 -> what the parsers report
_CONTACT = {0b00: None, 0b01: None, 0b10: False, 0b11: True}
_RR_SETS: tuple[tuple[int, ...], ...] = ((), (1024,), (800, 0xFFFF, 1), (700,) * 9)


def _vectors() -> list[dict[str, object]]:
    """Every flag combination x several RR sets, with what the spec says they mean."""
    out: list[dict[str, object]] = []
    for wide, contact, energy, rr, reserved in itertools.product(
        (False, True), (0, 1, 2, 3), (False, True), _RR_SETS, (0, 0xE0)
    ):
        hr = 300 if wide else 72
        flags = int(wide) | (contact << 1) | (int(energy) << 3) | (int(bool(rr)) << 4) | reserved
        b = bytes([flags]) + (struct.pack("<H", hr) if wide else bytes([hr]))
        if energy:
            b += struct.pack("<H", 1234)
        b += b"".join(struct.pack("<H", r) for r in rr)
        out.append(
            {
                "hex": b.hex(),
                "expect": {
                    "hr_bpm": hr,
                    "contact": _CONTACT[contact],
                    "energy_kj": 1234 if energy else None,
                    "rr_ms": [r * 1000 / 1024 for r in rr],
                },
            }
        )
    return out


def _bad() -> list[tuple[str, str]]:
    """Truncated or over-long packets and the words their error must contain."""
    return [
        ("", "empty"),
        ("00", "8-bit heart rate"),
        ("01", "16-bit heart rate"),
        ("0148", "16-bit heart rate"),
        ("0848", "energy expended"),
        ("08480c", "energy expended"),
        ("1048", "none follow"),
        ("104800", "2 bytes each"),
        ("1048000401", "2 bytes each"),
        ("1848000000", "2 bytes each"),
        ("004800", "do not announce"),
        ("08480000ff", "do not announce"),
    ]


def test_vectors_cover_every_flag_combination() -> None:
    flags = {int(v["hex"][:2], 16) & 0x1F for v in _vectors()}  # type: ignore[index]
    assert flags == set(range(32))  # bits 0-4 in every combination


@pytest.mark.parametrize("vec", _vectors(), ids=lambda v: v["hex"][:16])
def test_python_parser_on_spec_vectors(vec: dict[str, object]) -> None:
    got = parse_heart_rate_measurement(bytes.fromhex(str(vec["hex"])))
    assert got.to_dict() == vec["expect"]


def test_rr_units_and_an_example_from_a_strap() -> None:
    # flags 0x16: uint8 HR, contact detected, RR present; 72 bpm; RR 0x0340 = 832/1024 s
    m = parse_heart_rate_measurement(bytes([0x16, 72, 0x40, 0x03, 0x00, 0x04]))
    assert (m.hr_bpm, m.contact, m.energy_kj) == (72, True, None)
    assert m.rr_ms == (812.5, 1000.0)


@pytest.mark.parametrize(("hexstr", "words"), _bad())
def test_python_parser_refuses_bad_packets(hexstr: str, words: str) -> None:
    with pytest.raises(HeartRateMeasurementError, match=words):
        parse_heart_rate_measurement(bytes.fromhex(hexstr))
    assert issubclass(HeartRateMeasurementError, LacrimaError)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_javascript_parser_agrees_on_every_vector(tmp_path: Path) -> None:
    vectors = _vectors()
    bad = _bad()
    for v in vectors:  # both parsers give the same answer as the spec, so each other's
        assert parse_heart_rate_measurement(bytes.fromhex(str(v["hex"]))).to_dict() == v["expect"]
    path = tmp_path / "vectors.json"
    path.write_text(json.dumps({"good": vectors, "bad": [{"hex": h, "words": w} for h, w in bad]}))
    proc = subprocess.run(
        ["node", str(JS_RUNNER), str(JS_MODULE), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary == {"good": len(vectors), "bad": len(bad), "failures": []}

"""The Bluetooth Heart Rate Measurement characteristic (0x2A37), parsed per the specification.

A chest strap's Heart Rate Service (0x180D) notifies this characteristic about once a
second. Layout (Bluetooth SIG, *Heart Rate Service 1.0*, Heart Rate Measurement;
multi-byte fields little-endian):

====================  =========================================================
byte 0: flags         bit 0: heart rate is uint16 (else uint8);
                      bits 1-2: sensor contact — bit 2 "supported", bit 1
                      "detected" (0b0x: not supported, 0b10: no contact,
                      0b11: contact); bit 3: energy expended present;
                      bit 4: RR intervals present; bits 5-7 reserved (ignored)
heart rate            uint8 or uint16, beats per minute
energy expended       uint16, kJ since the last reset (if bit 3)
RR intervals          uint16 each, 1/1024 s, one or more (if bit 4): the rest of
                      the packet
====================  =========================================================

The same parser exists in JavaScript for the therapist's browser (Web Bluetooth):
``lacrima/web/records/static/records/hrm.js``; the tests run both on the same vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lacrima.errors import ReadError

__all__ = ["HeartRateMeasurement", "HeartRateMeasurementError", "parse_heart_rate_measurement"]

HEART_RATE_SERVICE = 0x180D
HEART_RATE_MEASUREMENT = 0x2A37


class HeartRateMeasurementError(ReadError):
    """A Heart Rate Measurement notification that does not follow the specification."""


@dataclass(frozen=True)
class HeartRateMeasurement:
    """One Heart Rate Measurement notification.

    Attributes
    ----------
    hr_bpm : int
        Heart rate, beats per minute.
    contact : bool or None
        Skin contact detected; None when the sensor does not report contact.
    energy_kj : int or None
        Energy expended since the last reset, kJ; None when not sent.
    rr_ms : tuple of float
        RR intervals in this notification, ms (exactly ``raw * 1000 / 1024``).
    """

    hr_bpm: int
    contact: bool | None
    energy_kj: int | None
    rr_ms: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (the keys of the JavaScript parser)."""
        return {
            "hr_bpm": self.hr_bpm,
            "contact": self.contact,
            "energy_kj": self.energy_kj,
            "rr_ms": list(self.rr_ms),
        }


def parse_heart_rate_measurement(data: bytes | bytearray | memoryview) -> HeartRateMeasurement:
    """Parse the value of a Heart Rate Measurement (0x2A37) notification.

    Parameters
    ----------
    data : bytes
        The characteristic value as received.

    Returns
    -------
    HeartRateMeasurement

    Raises
    ------
    HeartRateMeasurementError
        An empty or truncated packet, RR intervals flagged but absent or cut in half,
        or bytes left over that no flag announces.

    Examples
    --------
    >>> m = parse_heart_rate_measurement(bytes([0x16, 72, 0x00, 0x04]))
    >>> m.hr_bpm, m.contact, m.rr_ms
    (72, True, (1000.0,))

    References
    ----------
    Bluetooth SIG. Heart Rate Service, version 1.0 (2011); GATT Specification
    Supplement, Heart Rate Measurement.
    """
    b = bytes(data)
    if not b:
        raise HeartRateMeasurementError(
            "Heart Rate Measurement is empty: expected at least a flags byte and a heart rate"
        )
    flags = b[0]
    wide, energy, rr = bool(flags & 0x01), bool(flags & 0x08), bool(flags & 0x10)
    contact = bool(flags & 0x02) if flags & 0x04 else None
    pos = 1
    need = 2 if wide else 1
    if len(b) < pos + need:
        raise HeartRateMeasurementError(
            f"Heart Rate Measurement is truncated: flags 0x{flags:02x} announce a "
            f"{8 * need}-bit heart rate but the packet has {len(b)} byte(s)"
        )
    hr = int.from_bytes(b[pos : pos + need], "little")
    pos += need
    energy_kj = None
    if energy:
        if len(b) < pos + 2:
            raise HeartRateMeasurementError(
                f"Heart Rate Measurement is truncated: flags 0x{flags:02x} announce energy "
                f"expended (2 bytes at offset {pos}) but the packet has {len(b)} byte(s)"
            )
        energy_kj = int.from_bytes(b[pos : pos + 2], "little")
        pos += 2
    rest = len(b) - pos
    intervals: list[float] = []
    if rr:
        if rest == 0:
            raise HeartRateMeasurementError(
                f"Heart Rate Measurement is truncated: flags 0x{flags:02x} announce RR "
                "intervals but none follow"
            )
        if rest % 2:
            raise HeartRateMeasurementError(
                f"Heart Rate Measurement is truncated: RR intervals take 2 bytes each but "
                f"{rest} byte(s) follow at offset {pos}"
            )
        for i in range(pos, len(b), 2):
            intervals.append(int.from_bytes(b[i : i + 2], "little") * 1000.0 / 1024.0)
    elif rest:
        raise HeartRateMeasurementError(
            f"Heart Rate Measurement has {rest} byte(s) after offset {pos} that its flags "
            f"0x{flags:02x} do not announce"
        )
    return HeartRateMeasurement(hr, contact, energy_kj, tuple(intervals))

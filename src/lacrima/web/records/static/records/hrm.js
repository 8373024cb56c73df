// Bluetooth Heart Rate Measurement (characteristic 0x2A37 of the Heart Rate Service
// 0x180D), parsed per the Bluetooth specification for Web Bluetooth in the therapist's
// browser. The same parser in Python: lacrima/io/ble_hrm.py; tests run both on the same
// vectors (tests/web/js/test_hrm.mjs).
//
// byte 0, flags: bit 0 heart rate uint16 (else uint8); bits 1-2 sensor contact (bit 2
// supported, bit 1 detected); bit 3 energy expended (uint16 kJ) present; bit 4 RR
// intervals (uint16 each, 1/1024 s, one or more) present; bits 5-7 reserved.
// Multi-byte fields are little-endian.

export const HEART_RATE_SERVICE = 0x180d;
export const HEART_RATE_MEASUREMENT = 0x2a37;

export class HeartRateMeasurementError extends Error {
  constructor(message) {
    super(message);
    this.name = "HeartRateMeasurementError";
  }
}

function hex(flags) {
  return "0x" + flags.toString(16).padStart(2, "0");
}

/**
 * Parse one Heart Rate Measurement notification.
 * @param {DataView} view - characteristic value (event.target.value in Web Bluetooth)
 * @returns {{hr_bpm: number, contact: boolean|null, energy_kj: number|null, rr_ms: number[]}}
 * @throws {HeartRateMeasurementError} on an empty, truncated or over-long packet
 */
export function parseHeartRateMeasurement(view) {
  const len = view.byteLength;
  if (len === 0) {
    throw new HeartRateMeasurementError(
      "Heart Rate Measurement is empty: expected at least a flags byte and a heart rate");
  }
  const flags = view.getUint8(0);
  const wide = (flags & 0x01) !== 0;
  const hasEnergy = (flags & 0x08) !== 0;
  const hasRR = (flags & 0x10) !== 0;
  const contact = (flags & 0x04) !== 0 ? (flags & 0x02) !== 0 : null;
  let pos = 1;
  const need = wide ? 2 : 1;
  if (len < pos + need) {
    throw new HeartRateMeasurementError(
      `Heart Rate Measurement is truncated: flags ${hex(flags)} announce a ${8 * need}-bit ` +
      `heart rate but the packet has ${len} byte(s)`);
  }
  const hr = wide ? view.getUint16(pos, true) : view.getUint8(pos);
  pos += need;
  let energy = null;
  if (hasEnergy) {
    if (len < pos + 2) {
      throw new HeartRateMeasurementError(
        `Heart Rate Measurement is truncated: flags ${hex(flags)} announce energy expended ` +
        `(2 bytes at offset ${pos}) but the packet has ${len} byte(s)`);
    }
    energy = view.getUint16(pos, true);
    pos += 2;
  }
  const rest = len - pos;
  const rr = [];
  if (hasRR) {
    if (rest === 0) {
      throw new HeartRateMeasurementError(
        `Heart Rate Measurement is truncated: flags ${hex(flags)} announce RR intervals ` +
        "but none follow");
    }
    if (rest % 2 !== 0) {
      throw new HeartRateMeasurementError(
        "Heart Rate Measurement is truncated: RR intervals take 2 bytes each but " +
        `${rest} byte(s) follow at offset ${pos}`);
    }
    for (let i = pos; i < len; i += 2) rr.push((view.getUint16(i, true) * 1000) / 1024);
  } else if (rest !== 0) {
    throw new HeartRateMeasurementError(
      `Heart Rate Measurement has ${rest} byte(s) after offset ${pos} that its flags ` +
      `${hex(flags)} do not announce`);
  }
  return { hr_bpm: hr, contact: contact, energy_kj: energy, rr_ms: rr };
}

// Runs the browser's Heart Rate Measurement parser (hrm.js) on vectors built by
// tests/io/test_ble_hrm.py from the Bluetooth specification.
// Usage: node test_hrm.mjs path/to/hrm.js path/to/vectors.json
// Prints one JSON line {good, bad, failures}; exits 1 if any vector fails.
import { readFileSync } from "node:fs";

const [modulePath, vectorsPath] = process.argv.slice(2);
const src = readFileSync(modulePath, "utf8");
// a data: URL imports the file as an ES module whatever the package settings
const hrm = await import("data:text/javascript;base64," + Buffer.from(src).toString("base64"));
const { good, bad } = JSON.parse(readFileSync(vectorsPath, "utf8"));

function view(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new DataView(bytes.buffer);
}

const failures = [];
for (const v of good) {
  let got;
  try {
    got = hrm.parseHeartRateMeasurement(view(v.hex));
  } catch (e) {
    failures.push({ hex: v.hex, error: String(e) });
    continue;
  }
  if (JSON.stringify(got) !== JSON.stringify(v.expect)) {
    failures.push({ hex: v.hex, got, expect: v.expect });
  }
}
for (const v of bad) {
  try {
    const got = hrm.parseHeartRateMeasurement(view(v.hex));
    failures.push({ hex: v.hex, accepted: got });
  } catch (e) {
    if (!(e instanceof hrm.HeartRateMeasurementError) || !e.message.includes(v.words)) {
      failures.push({ hex: v.hex, error: String(e), want: v.words });
    }
  }
}
console.log(JSON.stringify({ good: good.length, bad: bad.length, failures }));
process.exit(failures.length ? 1 : 0);

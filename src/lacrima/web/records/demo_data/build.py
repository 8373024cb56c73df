"""Cut the demo recording out of the Stress-Predict dataset (run by hand, not at import).

``python -m lacrima.web.records.demo_data.build /work/shared/data/stress-predict S14 1200 1200``
writes ``e4_demo_session.zip``: an Empatica E4 export holding the 20 minutes of
participant S14 from 1200 s after the recording start, each CSV re-headed with the new
start time. ACC is left out to keep the file small (the S-P model does not use it).
See ``SOURCE.md`` for the dataset and its citation.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

__all__ = ["build_demo_zip"]

_REGULAR = ("BVP.csv", "EDA.csv", "HR.csv", "TEMP.csv")


def _cut_regular(text: str, t_start: float, length_s: float) -> str:
    """Keep the samples of one E4 CSV between ``t_start`` and ``t_start + length_s``."""
    lines = text.splitlines()
    t0, fs = float(lines[0].split(",")[0]), float(lines[1].split(",")[0])
    first = max(round((t_start - t0) * fs), 0)
    last = round((t_start + length_s - t0) * fs)
    return "\n".join([f"{t0 + first / fs:.6f}", f"{fs:.6f}", *lines[2:][first:last]]) + "\n"


def _cut_ibi(text: str, start_s: float, length_s: float, t_start: float) -> str:
    lines = text.splitlines()
    t0 = float(lines[0].split(",")[0])
    shift = t_start - t0
    rows = []
    for line in lines[1:]:
        offset, ibi = (float(v) for v in line.split(","))
        if start_s <= offset < start_s + length_s:
            rows.append(f"{offset - shift:.6f},{ibi:.6f}")
    return "\n".join([f"{t_start:.6f}, IBI", *rows]) + "\n"


def build_demo_zip(folder: Path, start_s: float, length_s: float) -> bytes:
    """The zip bytes of the cut E4 export of one participant's folder."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.csv")}
    t_start = float(texts["EDA.csv"].splitlines()[0]) + start_s
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in _REGULAR:
            zf.writestr(name, _cut_regular(texts[name], t_start, length_s))
        zf.writestr("IBI.csv", _cut_ibi(texts["IBI.csv"], start_s, length_s, t_start))
        tags = [n for n in texts if n.startswith("tags_")]
        kept = [
            line
            for line in texts[tags[0]].splitlines()
            if line.strip() and t_start <= float(line) < t_start + length_s
        ]
        zf.writestr(tags[0], "\n".join(kept) + ("\n" if kept else ""))
    return out.getvalue()


if __name__ == "__main__":
    root, who, start, length = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    data = build_demo_zip(Path(root) / "Raw_data" / who, start, length)
    target = Path(__file__).with_name("e4_demo_session.zip")
    target.write_bytes(data)
    sys.stdout.write(f"wrote {target} ({len(data)} bytes)\n")

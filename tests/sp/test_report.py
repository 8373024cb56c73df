"""The JSON and HTML reports: schema, self-containment, wording (lacrima.sp.analysis)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

import lacrima
from lacrima.sp import SCHEMA_VERSION, Analysis

from .conftest import SHARED_DATA

REQUIRED_CYCLE_KEYS = {
    "kind", "s_onset_s", "peak_s", "p_onset_s", "end_s", "peak_height", "s_duration_s",
    "s_to_p_latency_s", "p_depth", "time_to_recovery_s",
}  # fmt: skip


def test_api_returns_the_analysis(one_cycle_analysis: Analysis) -> None:
    assert isinstance(one_cycle_analysis, Analysis)


def test_json_has_the_documented_keys(one_cycle_analysis: Analysis) -> None:
    d = one_cycle_analysis.to_dict()
    assert d["schema_version"] == SCHEMA_VERSION
    for key in ("phases", "cycles", "channels", "indices", "recording", "inputs", "problems"):
        assert key in d
    assert set(d["recording"]) >= {"start_time", "duration_s"}
    assert {"t_s", "sympathetic", "parasympathetic"} <= set(d["indices"])
    assert all({"label", "start_s", "end_s"} <= set(p) for p in d["phases"])
    assert all(set(c) >= REQUIRED_CYCLE_KEYS for c in d["cycles"])
    assert all({"kind", "quality"} <= set(c) for c in d["channels"].values())
    assert set(d["inputs"]) == {"sympathetic", "parasympathetic"}
    assert {i["feature"] for i in d["inputs"]["sympathetic"]} >= {"hr_bpm", "scl_us"}


def test_json_is_strict_and_round_trips(one_cycle_analysis: Analysis) -> None:
    text = one_cycle_analysis.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == one_cycle_analysis.to_dict()


def test_times_count_from_the_utc_start(one_cycle_analysis: Analysis) -> None:
    d = one_cycle_analysis.to_dict()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", d["recording"]["start_time"])
    t = np.asarray(d["indices"]["t_s"])
    assert t[0] >= 0 and t[-1] <= d["recording"]["duration_s"]
    assert len(t) == len(d["indices"]["sympathetic"]) == len(d["indices"]["parasympathetic"])


def test_cycle_fields_agree(one_cycle_analysis: Analysis) -> None:
    (c,) = one_cycle_analysis.to_dict()["cycles"]
    assert c["kind"] == "complete"
    assert c["s_onset_s"] < c["peak_s"] <= c["end_s"]
    assert c["s_duration_s"] == pytest.approx(c["peak_s"] - c["s_onset_s"], abs=0.2)
    assert c["s_to_p_latency_s"] == pytest.approx(c["p_onset_s"] - c["peak_s"], abs=0.2)
    labels = {m["label"] for m in c["markers"]}
    assert "tears" in labels  # markers explain the cycle when present


def test_summary_is_calm_and_promises_nothing(one_cycle_analysis: Analysis) -> None:
    s = one_cycle_analysis.to_dict()["summary"]
    client = s["client"].lower()
    for word in ("heal", "toxin", "diagnos", "disorder", "abnormal", "risk", "should"):
        assert word not in client
    assert "not a measure of progress" in client
    assert "aid to observation" in s["therapist"]


def test_html_is_one_offline_file(one_cycle_analysis: Analysis, tmp_path: Path) -> None:
    path = one_cycle_analysis.write(tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html and "@import" not in html
    for section in ("In plain words", "Timeline", "Cycles", "Channels and signal quality",
                    "For the therapist or researcher", "Problems", "References"):  # fmt: skip
        assert section in html


def test_html_escapes_text_from_the_file(one_cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from lacrima.io import Marker, Recording

    rec = one_cycle.recording
    evil = Recording(dict(rec.channels), [*rec.markers, Marker(100.0, "<script>x</script>")],
                     rec.start_time, "<b>name</b>.csv")  # fmt: skip
    html = lacrima.analyze(evil).to_html()
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert "<b>name</b>" not in html


def test_write_json(one_cycle_analysis: Analysis, tmp_path: Path) -> None:
    path = one_cycle_analysis.write(tmp_path / "r.json")
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_a_calm_session_is_no_arousal() -> None:
    from .conftest import sim

    d = lacrima.analyze(sim(1200.0, seed=21, n_cycles=0).recording).to_dict()
    assert d["session"]["kind"] == "no_arousal" and d["cycles"] == []
    assert "did not show a clear rise" in d["summary"]["client"]


# --- markers and reference beats (decision record 0013f) ---------------------------------

MITDB_100 = SHARED_DATA / "mitdb-reference-ecg" / "100.hea"
MITDB_EXCERPT = Path(__file__).resolve().parents[1] / "data" / "mitdb" / "208_0-300s.hea"


def _with_markers(a: Analysis, markers: list[tuple[float, str, float]]) -> Analysis:
    return dataclasses.replace(a, markers=tuple(markers))


def test_no_reference_beats_no_summary(one_cycle_analysis: Analysis) -> None:
    assert one_cycle_analysis.to_dict()["reference_beats"] is None
    assert "reference beat annotations" not in one_cycle_analysis.to_html()


@pytest.mark.skipif(not MITDB_100.exists(), reason="the shared MIT-BIH records are absent")
def test_mitdb_100_beats_are_a_reference_not_markers() -> None:
    """Record 100: 2,273 beat annotations and one rhythm label (its SOURCE.md)."""
    a = lacrima.analyze(MITDB_100)
    d = json.loads(a.to_json())
    assert len(d["markers"]) <= 20
    ref = d["reference_beats"]
    assert (ref["source"], ref["n_beats"]) == ("100.atr", 2273)
    assert ref["counts"] == {"N": 2239, "A": 33, "V": 1}
    assert 0 < ref["first_s"] < ref["last_s"] <= d["recording"]["duration_s"]
    html = a.to_html()
    assert "reference beat annotations (100.atr): 2,273 (N 2,239, A 33, V 1)" in html
    # with every beat drawn as a marker line this report was 1.36 MB; one marker: ~80 kB
    assert len(html.encode()) < 200_000


def test_wfdb_excerpt_report_lists_its_rhythm_markers() -> None:
    """MIT-BIH 208, first 5 min (committed): rhythm and quality labels are markers."""
    a = lacrima.analyze(MITDB_EXCERPT, baseline=(0, 120))
    d = a.to_dict()
    labels = {m["label"] for m in d["markers"]}
    assert labels <= {"+ (N", "+ (T", "~", "|"} and "+ (T" in labels  # T: ventricular trigeminy
    assert d["reference_beats"]["n_beats"] > 300  # ~100 bpm for 5 min, PVCs included
    assert set(d["reference_beats"]["counts"]) <= set("NLRBAaJSVrFejnE/fQ?")
    html = a.to_html()
    assert "Markers: + (N 0:00" in html  # few markers: each listed with its time
    assert "reference beat annotations (208_0-300s.atr)" in html


def test_many_markers_are_collapsed(one_cycle_analysis: Analysis) -> None:
    """2,000 markers (the count MIT-BIH beats once gave) are counted, not drawn one by one."""
    quiet = _with_markers(one_cycle_analysis, []).to_html()
    many = [(0.5 * i, "beatlike", 0.0) for i in range(2000)]
    busy = _with_markers(one_cycle_analysis, many)
    html = busy.to_html()
    assert html.count("beatlike") == 1  # once, in the count; no label on the figure
    assert "Markers: 2,000, too many to list one by one (beatlike ×2,000)" in html
    assert "2000 markers (ticks, not labelled)" in html  # the figure's legend
    assert len(html.encode()) - len(quiet.encode()) < 80_000
    assert len(busy.to_dict()["markers"]) == 2000  # the JSON keeps each one


def test_markers_up_to_the_limit_are_drawn_each(one_cycle_analysis: Analysis) -> None:
    from lacrima.sp.report_plot import MAX_DRAWN_MARKERS

    at_limit = [(10.0 + 20 * i, f"evt{i:02d}", 0.0) for i in range(MAX_DRAWN_MARKERS)]
    html = _with_markers(one_cycle_analysis, at_limit).to_html()
    assert all(html.count(f"evt{i:02d}") == 2 for i in range(MAX_DRAWN_MARKERS))  # figure, note
    over = [*at_limit, (5.0, "evt_extra", 0.0)]
    html = _with_markers(one_cycle_analysis, over).to_html()
    assert html.count("evt00") == 1 and "Markers: 51, too many" in html
    assert ", and 41 other labels" in html  # ten labels named, the rest counted


def test_baseline_bounds_do_not_count_towards_the_limit(one_cycle_analysis: Analysis) -> None:
    from lacrima.sp.report_plot import MAX_DRAWN_MARKERS

    bounds = [(0.0, "baseline_start", 0.0), (180.0, "baseline_end", 0.0)]
    events = [(200.0 + 10 * i, f"evt{i:02d}", 0.0) for i in range(MAX_DRAWN_MARKERS)]
    html = _with_markers(one_cycle_analysis, bounds + events).to_html()
    assert "too many" not in html and html.count("evt49") == 2

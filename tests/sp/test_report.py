"""The JSON and HTML reports: schema, self-containment, wording (lacrima.sp.analysis)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import lacrima
from lacrima.sp import SCHEMA_VERSION, Analysis

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

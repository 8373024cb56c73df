"""The channel-kind inference table and unit spellings."""

from __future__ import annotations

import pytest

from lacrima.io.kinds import (
    KIND_NAME_RULES,
    KIND_UNIT_RULES,
    KINDS,
    infer_kind,
    normalize_unit,
    split_name_unit,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ECG", "ecg"),
        ("EKG", "ecg"),
        ("ecg_1", "ecg"),
        ("ECG2", "ecg"),
        ("MLII", "ecg"),
        ("V1", "ecg"),
        ("V5", "ecg"),
        ("Lead II", "ecg"),
        ("PPG", "ppg"),
        ("BVP", "ppg"),
        ("Pleth", "ppg"),
        ("cardiac", "ppg"),
        ("EDA", "eda"),
        ("GSR", "eda"),
        ("SC", "eda"),
        ("skin conductance", "eda"),
        ("RSP", "resp"),
        ("Resp", "resp"),
        ("respiratory", "resp"),
        ("breathing", "resp"),
        ("Thorax", "resp"),
        ("IBI", "ibi"),
        ("HR", "hr"),
        ("heart rate", "hr"),
        ("heartRate", "hr"),
        ("TEMP", "temp"),
        ("skin_temperature", "temp"),
        ("acc_x", "acc"),
        ("ACC", "acc"),
        ("Photosensor", "other"),
        ("PhotoSensor", "other"),
        ("EEG Fp1", "other"),
        ("trigger", "other"),
    ],
)
def test_names_map_to_kinds(name: str, kind: str) -> None:
    assert infer_kind(name) == kind


@pytest.mark.parametrize(
    ("unit", "kind"), [("µS", "eda"), ("uS", "eda"), ("μS", "eda"), ("bpm", "hr"), ("°C", "temp")]
)
def test_unit_decides_when_the_name_does_not(unit: str, kind: str) -> None:
    assert infer_kind("channel 3", unit) == kind


def test_name_beats_unit() -> None:
    assert infer_kind("ECG", "uS") == "ecg"


def test_tables_only_name_known_kinds() -> None:
    assert set(KIND_NAME_RULES) <= set(KINDS)
    assert set(KIND_UNIT_RULES.values()) <= set(KINDS)
    assert "other" in KINDS and "other" not in KIND_NAME_RULES


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("EDA (uS)", ("EDA", "uS")),
        ("EDA [µS]", ("EDA", "uS")),
        ("ECG [mV]", ("ECG", "mV")),
        ("time (ms)", ("time", "ms")),
        ("RSP", ("RSP", None)),
        ("(weird)", ("(weird)", None)),
    ],
)
def test_split_name_unit(column: str, expected: tuple[str, str | None]) -> None:
    assert split_name_unit(column) == expected


def test_normalize_unit_keeps_unknown_units() -> None:
    assert normalize_unit("µS") == "uS"
    assert normalize_unit("") == "a.u."
    assert normalize_unit(None) == "a.u."
    assert normalize_unit("mmHg") == "mmHg"

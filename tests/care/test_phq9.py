"""PHQ-9: exact wording, copyright notice, standard scoring and bands, item 9."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacrima.care import phq9
from lacrima.care.phq9 import score_phq9
from lacrima.errors import CareError


def test_wording_and_notice_are_kept() -> None:
    assert phq9.STEM == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert len(phq9.ITEMS) == 9
    assert phq9.ITEMS[0] == "Little interest or pleasure in doing things"
    assert phq9.ITEMS[8] == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [label for _, label in phq9.OPTIONS] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert phq9.COPYRIGHT.startswith(
        "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
        "colleagues, with an educational grant from Pfizer Inc."
    )


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_band_edges(total: int, band: str) -> None:
    answers, remaining = [], total
    for _ in range(9):  # fill items in order, so item 9 stays 0 unless total > 24
        answers.append(min(3, remaining))
        remaining -= answers[-1]
    result = score_phq9(answers)
    assert result.total == total
    assert result.band == band


def test_item9_positive_whatever_the_total() -> None:
    result = score_phq9([0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1 and result.band == "minimal"
    assert result.item9_positive


def test_item9_zero_is_not_positive() -> None:
    assert not score_phq9([3, 3, 3, 3, 3, 3, 3, 3, 0]).item9_positive


@pytest.mark.parametrize(
    ("answers", "match"),
    [
        ([0] * 8, "needs 9 answers"),
        ([0] * 10, "needs 9 answers"),
        ([0] * 8 + [4], "item 9"),
        ([-1] + [0] * 8, "item 1"),
        ([0, "2", 0, 0, 0, 0, 0, 0, 0], "item 2"),
        ([0, 0, True, 0, 0, 0, 0, 0, 0], "item 3"),
        ([0, 0, 0, 1.5, 0, 0, 0, 0, 0], "item 4"),
    ],
)
def test_bad_answers_are_refused(answers: list, match: str) -> None:
    with pytest.raises(CareError, match=match):
        score_phq9(answers)


@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_total_is_the_sum_and_bands_cover_it(answers: list[int]) -> None:
    result = score_phq9(answers)
    assert result.total == sum(answers)
    low, high = next((lo, hi) for lo, hi, key, _ in phq9.BANDS if key == result.band)
    assert low <= result.total <= high
    assert result.item9_positive == (answers[8] > 0)


def test_no_restricted_scales_are_shipped() -> None:
    from importlib import resources

    import lacrima.care as care_pkg

    names = [p.name.lower() for p in resources.files(care_pkg).iterdir()]
    assert not any("cns" in n or "lability" in n for n in names)

"""Acceptance 1 on real data: Stress-Predict (Iqbal et al. 2022, Sensors 22:8135; MIT).

``benchmarks/validate_stress_predict.py`` reads each subject's Empatica E4 folder with
:func:`lacrima.read`, analyses it at the defaults and scores the indices against the
per-second stress/rest labels. Results and their discussion: ``docs/validation.md``.
"""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import SHARED_DATA, load_benchmark

DATA = SHARED_DATA / "stress-predict"

pytestmark = pytest.mark.skipif(
    not (DATA / "Raw_data").is_dir(), reason=f"Stress-Predict data not found under {DATA}"
)


@pytest.fixture(scope="module")
def vsp():  # type: ignore[no-untyped-def]
    return load_benchmark("validate_stress_predict")


def test_auroc_helper(vsp) -> None:  # type: ignore[no-untyped-def]
    assert vsp.auroc(np.array([3.0, 4.0]), np.array([1.0, 2.0])) == 1.0
    assert vsp.auroc(np.array([1.0]), np.array([1.0])) == 0.5
    assert vsp.auroc(np.array([1.0, 2.0]), np.array([3.0, 4.0])) == 0.0


def test_one_subject_meets_the_thresholds(vsp) -> None:  # type: ignore[no-untyped-def]
    r = vsp.validate_subject(DATA, "S12")
    assert r.n_stress > 300 and r.n_rest > 800
    assert r.auroc >= vsp.AUROC_MIN
    assessable = [x for x in r.rebounds if np.isfinite(x)]
    assert len(assessable) >= 2
    assert r.rebound_ok  # the parasympathetic index rose above its stress level each time


@pytest.mark.slow
def test_all_subjects_sympathetic_auroc(vsp) -> None:  # type: ignore[no-untyped-def]
    results = [vsp.validate_subject(DATA, s) for s in vsp.subjects_in(DATA)]
    aurocs = [r.auroc for r in results]
    assert np.median(aurocs) >= vsp.AUROC_MIN
    assert min(aurocs) >= 0.75
    rose = [x > 0 for r in results for x in r.rebounds if np.isfinite(x)]
    assert np.mean(rose) >= 0.6  # measured 7/10; see docs/validation.md for the misses

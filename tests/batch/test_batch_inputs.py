"""Finding a cohort's recordings: files, globs, BIDS datasets (no Dask involved)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lacrima.batch import bids_entities, content_hash, discover_inputs
from lacrima.errors import LacrimaError


def _touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def bids_root(tmp_path: Path) -> Path:
    """A BIDS dataset skeleton: two subjects, one with sessions, sidecars, derivatives."""
    root = tmp_path / "study"
    _touch(root / "dataset_description.json", json.dumps({"Name": "t", "BIDSVersion": "1.9"}))
    files = [
        "sub-01/beh/sub-01_task-film_physio.tsv.gz",
        "sub-02/ses-a/beh/sub-02_ses-a_task-film_run-1_physio.tsv.gz",
        "sub-02/ses-a/beh/sub-02_ses-a_task-film_run-2_physio.tsv.gz",
        "sub-02/ses-b/func/sub-02_ses-b_task-rest_recording-cardiac_physio.tsv.gz",
    ]
    for name in files:
        _touch(root / name)
        _touch(root / name.replace(".tsv.gz", ".json"), "{}")
    _touch(root / "sub-01/beh/sub-01_task-film_events.tsv")  # not physiology
    _touch(root / "derivatives/lacrima/sub-01/beh/sub-01_task-film_physio.tsv.gz")
    return root


def test_bids_dataset_root_yields_every_physio_file_with_its_entities(bids_root: Path) -> None:
    items = discover_inputs([bids_root])
    assert [i.recording_id for i in items] == [
        "sub-01/beh/sub-01_task-film_physio.tsv.gz",
        "sub-02/ses-a/beh/sub-02_ses-a_task-film_run-1_physio.tsv.gz",
        "sub-02/ses-a/beh/sub-02_ses-a_task-film_run-2_physio.tsv.gz",
        "sub-02/ses-b/func/sub-02_ses-b_task-rest_recording-cardiac_physio.tsv.gz",
    ]
    assert [(i.subject, i.session, i.task, i.run) for i in items] == [
        ("01", None, "film", None),
        ("02", "a", "film", "1"),
        ("02", "a", "film", "2"),
        ("02", "b", "rest", None),
    ]
    # each recording is hashed together with its JSON sidecar
    assert all(len(i.companions) == 1 and i.companions[0].endswith(".json") for i in items)
    assert all(Path(i.path).is_absolute() for i in items)


def test_bids_entities_from_folders_and_name() -> None:
    assert bids_entities("sub-07/ses-2/beh/sub-07_ses-2_task-film_physio.tsv.gz") == {
        "sub": "07",
        "ses": "2",
        "task": "film",
    }
    assert bids_entities("sub-07/ses-2/recording.csv") == {"sub": "07", "ses": "2"}
    assert bids_entities("plain_name.edf") == {}


def test_files_and_globs_are_deduplicated_and_sidecars_skipped(tmp_path: Path) -> None:
    a = _touch(tmp_path / "data" / "p01.csv")
    _touch(tmp_path / "data" / "p01.markers.csv")  # sidecar of p01.csv
    _touch(tmp_path / "data" / "p01.json")
    b = _touch(tmp_path / "data" / "deep" / "p02.csv")
    items = discover_inputs([a, str(tmp_path / "data" / "**" / "*.csv")])
    assert [i.recording_id for i in items] == ["p01.csv", "deep/p02.csv"]
    assert [i.path for i in items] == [str(a.resolve()), str(b.resolve())]
    assert set(items[0].companions) == {
        str(tmp_path / "data" / "p01.markers.csv"),
        str(tmp_path / "data" / "p01.json"),
    }


def test_same_relative_name_in_two_bids_datasets_falls_back_to_absolute_paths(
    tmp_path: Path,
) -> None:
    name = "sub-01/beh/sub-01_task-x_physio.tsv.gz"
    one, two = _touch(tmp_path / "a" / name), _touch(tmp_path / "b" / name)
    items = discover_inputs([tmp_path / "a", tmp_path / "b"])
    assert [i.recording_id for i in items] == [str(one), str(two)]
    assert len({i.key for i in items}) == 2


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("missing.csv", "does not exist"),
        ("nothing-*.edf", "no files match"),
        ("plain_folder", "no recording in it"),
        ("empty_bids", "has no *_physio.tsv.gz"),
    ],
)
def test_inputs_that_name_nothing_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain_folder").mkdir()
    _touch(tmp_path / "plain_folder" / "README.md")
    (tmp_path / "empty_bids" / "sub-01").mkdir(parents=True)
    with pytest.raises(LacrimaError, match=expected.replace("*", r"\*")):
        discover_inputs([spec])


def test_no_inputs_at_all_is_an_error() -> None:
    with pytest.raises(LacrimaError, match="no INPUTS"):
        discover_inputs([])


def test_content_hash_follows_the_file_and_its_sidecar(tmp_path: Path) -> None:
    data = _touch(tmp_path / "sub-01_physio.tsv.gz", "1\t2\n")
    sidecar = _touch(tmp_path / "sub-01_physio.json", '{"SamplingFrequency": 100}')
    first = content_hash(str(data), [str(sidecar)])
    assert first.startswith("xxh3_128:")
    assert content_hash(str(data), [str(sidecar)]) == first
    sidecar.write_text('{"SamplingFrequency": 200}')
    assert content_hash(str(data), [str(sidecar)]) != first
    second = content_hash(str(data), [str(sidecar)])
    data.write_bytes(data.read_bytes()[:-2] + b"3\n")  # one digit of the data changed
    assert content_hash(str(data), [str(sidecar)]) != second


def test_content_hash_of_a_vanished_file_is_a_read_error(tmp_path: Path) -> None:
    from lacrima.errors import ReadError

    with pytest.raises(ReadError, match="cannot open"):
        content_hash(str(tmp_path / "gone.csv"))


def test_annexed_bids_files_keep_their_names_and_unfetched_ones_are_kept(tmp_path: Path) -> None:
    """DataLad/git-annex datasets are links into an object store; names must survive."""
    root = tmp_path / "study"
    store = root / ".git" / "annex" / "objects"
    store.mkdir(parents=True)
    (store / "SHA256E-s10--aaaa.tsv.gz").write_text("1\t2\n")
    beh = root / "sub-01" / "beh"
    beh.mkdir(parents=True)
    fetched = beh / "sub-01_task-film_physio.tsv.gz"
    fetched.symlink_to(store / "SHA256E-s10--aaaa.tsv.gz")
    (beh / "sub-01_task-film_physio.json").write_text("{}")
    missing = beh / "sub-01_task-rest_physio.tsv.gz"
    missing.symlink_to(store / "SHA256E-s10--bbbb.tsv.gz")  # content not fetched
    items = discover_inputs([root])
    assert [i.path for i in items] == [str(fetched), str(missing)]
    assert [i.task for i in items] == ["film", "rest"]
    assert items[0].companions == (str(beh / "sub-01_task-film_physio.json"),)
    # the unfetched one fails when it is processed (an errors.csv row), not here
    from lacrima.errors import ReadError

    with pytest.raises(ReadError, match="cannot open"):
        content_hash(items[1].path)

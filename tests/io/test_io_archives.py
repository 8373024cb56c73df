"""Zip and gzip bombs are refused before they unpack past the limits, in bounded memory."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from io_helpers import DATA

import lacrima
from lacrima.io import archives
from lacrima.io.errors import ArchiveTooLargeError

GIB = 1 << 30
E4_HEADER = b"1644233389.000000\n64.000000\n"
#: Peak memory of a reader refusing a bomb, MB (issue 15 acceptance 3).
PEAK_MB = 500


def _e4_bomb(path: Path, unpacked: int = 1000 << 20) -> Path:
    """An E4 zip whose BVP.csv is a header and UNPACKED bytes of zeros (a few MB packed)."""
    block = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("BVP.csv", "w", force_zip64=True) as member:
            member.write(E4_HEADER)
            for _ in range(unpacked // len(block)):
                member.write(block)
        zf.writestr("EDA.csv", E4_HEADER + b"0.1\n" * 40)
    return path


def _gzip_bomb(path: Path, unpacked: int = GIB) -> Path:
    """A CSV.gz of ``time,hr`` rows of zeros, unpacking to UNPACKED bytes."""
    block = b"0,0\n" * (1 << 18)
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b"time,hr\n")
        for _ in range(unpacked // len(block)):
            out.write(block)
    return path


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    xdfz = folder / "session.xdfz"
    with gzip.open(xdfz, "wb", compresslevel=1) as out:
        out.write(b"XDF:")
        for _ in range(256):
            out.write(b"\0" * (1 << 20))
    return {
        "e4": _e4_bomb(folder / "e4_bomb.zip"),
        "csv.gz": _gzip_bomb(folder / "session.csv.gz"),
        "xdfz": xdfz,
    }


@pytest.mark.parametrize("kind", ["e4", "csv.gz", "xdfz"])
def test_a_bomb_is_refused_quickly_with_a_clear_message(bombs: dict[str, Path], kind: str) -> None:
    path = bombs[kind]
    assert path.stat().st_size < 8 << 20  # small on disk ...
    started = time.perf_counter()
    with pytest.raises(ArchiveTooLargeError) as info:
        lacrima.read(path)
    elapsed = time.perf_counter() - started
    message = str(info.value)
    assert path.name in message
    assert "times its packed size" in message or "would unpack to more than" in message
    # Refused after about RATIO_FLOOR_BYTES, not after unpacking the whole gigabyte; a
    # generous bound for a shared CI machine (unpacking it all takes several times longer).
    assert elapsed < 10.0


@pytest.mark.parametrize("kind", ["e4", "csv.gz"])
def test_a_bomb_is_refused_in_bounded_memory(bombs: dict[str, Path], kind: str) -> None:
    """Peak resident memory of a fresh interpreter reading the bomb stays under 500 MB."""
    code = (
        "import json, sys\n"
        "import lacrima\n"
        "from lacrima.io.errors import ArchiveTooLargeError\n"
        "try:\n"
        "    lacrima.read(sys.argv[1])\n"
        "    refused = False\n"
        "except ArchiveTooLargeError:\n"
        "    refused = True\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent
        # (a large pytest process) across exec, while VmHWM belongs to this image
        "peak = next(int(l.split()[1]) for l in open('/proc/self/status')\n"
        "            if l.startswith('VmHWM:')) / 1024\n"
        "print(json.dumps({'refused': refused, 'peak_mb': peak}))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(bombs[kind])],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["refused"]
    assert result["peak_mb"] < PEAK_MB, result


def test_the_total_limit_holds_for_data_that_pack_poorly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below the ratio limit, the running total still stops at MAX_UNPACKED_BYTES."""
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 4 << 20)
    rows = "\n".join(f"{i / 64:.6f},{(i * 7919) % 1000 / 10:.1f}" for i in range(400_000))
    path = tmp_path / "long.csv.gz"
    path.write_bytes(gzip.compress(f"time,hr\n{rows}\n".encode(), compresslevel=1))
    with pytest.raises(ArchiveTooLargeError, match=r"more than 4 MB \(limit 4 MB\)"):
        lacrima.read(path)


def test_the_declared_size_is_checked_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 1 << 20)
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BVP.csv", E4_HEADER + os.urandom(2 << 20).hex().encode())
    with pytest.raises(ArchiveTooLargeError, match="declares"):
        lacrima.read(path)


def test_too_many_members(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("BVP.csv", E4_HEADER + b"1.0\n" * 100)
        for i in range(archives.MAX_MEMBERS + 1):
            zf.writestr(f"extra/{i}.txt", b"")
    with pytest.raises(ArchiveTooLargeError, match="files \\(limit 1000\\)"):
        lacrima.read(path)


def test_real_archives_still_read() -> None:
    """The committed E4 export is far inside every limit."""
    rec = lacrima.read(DATA / "e4_s04_first10min.zip")
    assert {"bvp", "eda"} <= set(rec.channels)

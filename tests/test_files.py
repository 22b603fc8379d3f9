"""Capped reading of small input files: paths, bytes, gzip, size rules."""

from __future__ import annotations

import gzip

import pytest

from embspace import benchmarks, files
from embspace import train as training


def test_path_and_bytes_and_gzip_give_the_same_contents(tmp_path):
    text = b": s\nman king woman queen\n"
    plain = tmp_path / "q.txt"
    plain.write_bytes(text)
    packed = tmp_path / "q.txt.gz"
    packed.write_bytes(gzip.compress(text))

    assert files.read_capped(plain, what="file", limit=100) == (text, "q.txt")
    assert files.read_capped(packed, what="file", limit=100) == (text, "q.txt.gz")
    assert files.read_capped(text, what="corpus", limit=100) == (
        text,
        "uploaded corpus",
    )
    assert files.read_capped(text, what="x", limit=100, name="up.txt")[1] == "up.txt"


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"x" * 11, r"^big\.txt: larger than 10 bytes; not read"),
        (gzip.compress(b"x" * 11), r"^big\.txt: larger than 10 bytes once unpacked"),
        (b"\x1f\x8b\x08\x00garbage", r"^big\.txt: not a readable gzip file"),
    ],
)
def test_rules_name_the_file(data, pattern):
    with pytest.raises(ValueError, match=pattern):
        files.read_capped(data, what="file", limit=10, name="big.txt")


def test_large_file_on_disk_is_not_read(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * (2**20 + 1))
    with pytest.raises(ValueError, match=r"^huge\.txt: larger than 1 MB; not read"):
        files.read_capped(path, what="file", limit=2**20)


def test_missing_path_names_what_it_is(tmp_path):
    with pytest.raises(ValueError, match=r"^corpus '.*nope\.txt' is not a file"):
        files.read_capped(tmp_path / "nope.txt", what="corpus", limit=10)


def test_benchmarks_and_corpora_share_the_gzip_rule(monkeypatch):
    bomb = gzip.compress(b"man king woman queen\n" * 2)
    monkeypatch.setattr(benchmarks, "MAX_BENCHMARK_BYTES", 30)
    monkeypatch.setattr(training, "MAX_CORPUS_BYTES", 30)

    with pytest.raises(ValueError, match=r"^q\.gz: larger than 30 bytes once"):
        benchmarks.read_analogies(bomb, name="q.gz")
    with pytest.raises(ValueError, match=r"^c\.gz: larger than 30 bytes once"):
        training.load_corpus(bomb, name="c.gz")

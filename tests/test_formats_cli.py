"""``python -m embspace info`` and ``convert``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embspace import formats
from embspace.cli import main


def test_info_json(cases_dir, capsys):
    status = main(["info", str(cases_dir / "B18_nan_inf.vec"), "--json"])

    payload = json.loads(capsys.readouterr().out)
    assert status == 0
    assert (payload["format"], payload["n_keys"], payload["n_dims"]) == (
        "word2vec",
        6,
        3,
    )
    assert any("line 3 'moon'" in w for w in payload["warnings"])


def test_info_format_override(cases_dir, capsys):
    status = main(
        ["info", str(cases_dir / "B01_glove_no_header.txt"), "--format", "glove"]
    )

    assert status == 0
    assert "glove, 3 x 4" in capsys.readouterr().out


def test_info_unreadable_file_is_one_line(cases_dir, capsys):
    status = main(["info", str(cases_dir / "B13_string_column.tsv")])

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "line 1, column 4: 'left' is not a number" in err


def test_info_label_column(cases_dir, capsys):
    path = str(cases_dir / "B13_string_column.tsv")

    status = main(["info", path, "--label-column", "4", "--json"])

    assert status == 0
    assert json.loads(capsys.readouterr().out)["n_dims"] == 3


def test_missing_file(tmp_path, capsys):
    status = main(["info", str(tmp_path / "nope.vec")])

    assert status == 2
    assert "nope.vec: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("to", ["word2vec", "word2vec-binary", "tsv", "npy"])
def test_convert_round_trips(cases_dir, tmp_path, capsys, to):
    source = cases_dir / "B17_one_zero_vector.vec"
    target = (
        tmp_path
        / {
            "word2vec": "o.txt",
            "word2vec-binary": "o.bin",
            "tsv": "pair",
            "npy": "o.npy",
        }[to]
    )

    status = main(["convert", str(source), str(target), "--to", to])

    written = capsys.readouterr().out.split()
    assert status == 0
    extra = {}
    if to == "tsv":
        extra = {"metadata_path": written[1]}
    elif to == "npy":
        extra = {"labels_path": written[1]}
    back = formats.read(written[0], **extra)
    original = formats.read(source)
    assert back.keys == original.keys
    np.testing.assert_array_equal(back.vectors, original.vectors)

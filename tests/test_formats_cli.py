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


def test_label_column_error_names_the_cli_option(cases_dir, capsys):
    status = main(["info", str(cases_dir / "B13_string_column.tsv")])

    assert status == 2
    assert "add --label-column 4" in capsys.readouterr().err


def test_info_on_a_directory_says_so(tmp_path, capsys):
    status = main(["info", str(tmp_path)])

    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "is a directory" in err and "no such file" not in err


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    return captured.err


def test_convert_refuses_to_overwrite_its_input(cases_dir, tmp_path, capsys):
    source = tmp_path / "in.vec"
    source.write_bytes((cases_dir / "B17_one_zero_vector.vec").read_bytes())
    before = source.read_bytes()

    for output in (source, tmp_path / "sub" / ".." / "in.vec"):
        status = main(["convert", str(source), str(output), "--force"])
        assert status == 2
        assert "is an input of this conversion" in one_error_line(capsys)
    assert source.read_bytes() == before


def test_convert_refuses_to_overwrite_the_metadata(cases_dir, tmp_path, capsys):
    for name in ("B11_vectors.tsv", "B11_metadata.tsv"):
        (tmp_path / name).write_bytes((cases_dir / name).read_bytes())
    metadata = tmp_path / "B11_metadata.tsv"
    before = metadata.read_bytes()

    argv = ["convert", str(tmp_path / "B11_vectors.tsv"), str(tmp_path / "B11.tsv")]
    status = main([*argv, "--metadata", str(metadata), "--to", "tsv", "--force"])

    assert status == 2
    assert "B11_metadata.tsv is an input" in one_error_line(capsys)
    assert metadata.read_bytes() == before


def test_convert_needs_force_to_overwrite(cases_dir, tmp_path, capsys):
    source = str(cases_dir / "B17_one_zero_vector.vec")
    target = tmp_path / "out.txt"
    target.write_text("keep me")

    status = main(["convert", source, str(target)])

    assert status == 2
    assert "exists already; pass --force" in one_error_line(capsys)
    assert target.read_text() == "keep me"
    assert main(["convert", source, str(target), "--force"]) == 0
    assert formats.read(target).n_keys == 5


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

"""Readers, sniffing and writers against gensim and the shared awkward cases."""

from __future__ import annotations

import gzip
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

from embspace import formats
from embspace.formats import FormatError

# Every vector file in gensim's test data that gensim itself loads:
# (file, binary, no_header, unicode_errors).
GENSIM_FILES = [
    ("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt", False, False, "strict"),
    ("IT.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt", False, False, "strict"),
    ("crime-and-punishment.vec", False, False, "strict"),
    ("euclidean_vectors.bin", True, False, "strict"),
    ("high_precision.kv.bin", True, False, "strict"),
    ("high_precision.kv.txt", False, False, "strict"),
    ("lee_fasttext.vec", False, False, "strict"),
    ("pang_lee_polarity_fasttext.vec", False, False, "replace"),
    ("poincare_vectors.bin", True, False, "strict"),
    ("test_glove.txt", False, True, "strict"),
    ("toy-model.vec", False, False, "strict"),
    ("word2vec_pre_kv_c", False, False, "strict"),
]


def _gensim(name: str, binary: bool, no_header: bool, errors: str) -> KeyedVectors:
    return KeyedVectors.load_word2vec_format(
        datapath(name), binary=binary, no_header=no_header, unicode_errors=errors
    )


@pytest.mark.parametrize(("name", "binary", "no_header", "errors"), GENSIM_FILES)
def test_gensim_test_data_loads_identically(name, binary, no_header, errors):
    expected = _gensim(name, binary, no_header, errors)

    result = formats.read(datapath(name))

    assert result.format == (
        "word2vec-binary" if binary else "glove" if no_header else "word2vec"
    )
    assert result.keys == list(expected.index_to_key)
    np.testing.assert_array_equal(result.vectors, expected.vectors)
    assert result.vectors.dtype == np.float32


def test_replaced_keys_are_reported_by_line():
    result = formats.read(datapath("pang_lee_polarity_fasttext.vec"))

    message = next(w for w in result.warnings if "UTF-8" in w)
    assert "line" in message and "U+FFFD" in message
    assert any("\ufffd" in key for key in result.keys)


@pytest.mark.parametrize(("name", "binary", "no_header", "errors"), GENSIM_FILES[:6])
def test_gzip_input_reads_like_the_plain_file(
    tmp_path, name, binary, no_header, errors
):
    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress(Path(datapath(name)).read_bytes()))

    plain = formats.read(datapath(name))
    result = formats.read(packed)

    assert result.keys == plain.keys
    np.testing.assert_array_equal(result.vectors, plain.vectors)


def test_gzip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"2 3\n" + b" " * 5_000_000))

    with pytest.raises(FormatError, match=r"bomb.txt.gz.*limit of 1,000,000 bytes"):
        formats.read(path, max_bytes=1_000_000)


def test_a_line_longer_than_any_vectors_line_is_refused_at_its_byte(tmp_path):
    from embspace.formats.base import MAX_LINE_BYTES

    path = tmp_path / "one-long-line.vec.gz"
    first = b"a 1 2 3\n"
    path.write_bytes(gzip.compress(first + b"0" * (MAX_LINE_BYTES + 10)))

    with pytest.raises(
        FormatError,
        match=rf"one-long-line.vec.gz byte {len(first)}: a line runs past "
        rf"{MAX_LINE_BYTES:,} bytes",
    ):
        formats.read(path)


def test_lines_spanning_chunks_are_joined_whole():
    from embspace.formats.source import lines_of

    chunks = [b"a 1", b" 2\nb", b" 3", b" 4\nc 5 6"]

    assert list(lines_of(iter(chunks))) == [b"a 1 2\n", b"b 3 4\n", b"c 5 6\n"]
    with pytest.raises(FormatError, match=r"x byte 6: a line runs past 4 bytes"):
        list(lines_of(iter([b"a 1 2\n", b"bbb", b"bbb"]), name="x", max_line_bytes=4))


def test_glove_matrix_round_trips_through_fast_text_reader(tmp_path, glove):
    subset = glove.vectors[:5000]
    keys = glove.keys[:5000]
    kv = KeyedVectors(glove.n_dims)
    kv.add_vectors(keys, np.asarray(subset))
    path = tmp_path / "glove.txt"
    kv.save_word2vec_format(str(path))

    result = formats.read(path)

    assert result.keys == keys
    np.testing.assert_array_equal(result.vectors, subset)


# -- the shared awkward cases ---------------------------------------------------------


def _read(cases_dir: Path, name: str, **kwargs) -> formats.LoadResult:
    return formats.read(cases_dir / name, **kwargs)


def test_b01_glove_without_header(cases_dir):
    result = _read(cases_dir, "B01_glove_no_header.txt")

    assert result.format == "glove"
    assert result.keys == ["river", "stone", "cloud"]
    assert result.vectors.shape == (3, 4)


def test_b02_header_count_is_a_hint(cases_dir):
    result = _read(cases_dir, "B02_header_count_too_high.vec")

    assert result.keys == ["amber", "birch", "cedar"]
    assert any("header says 4" in w and "has 3" in w for w in result.warnings)


def test_b03_key_with_inner_space(cases_dir):
    result = _read(cases_dir, "B03_token_inner_space.vec")

    assert result.keys == ["hello", "ice cream", "tea"]
    np.testing.assert_allclose(result.vectors[1], [0.3, 0.4])


def test_b05_trailing_space(cases_dir):
    result = _read(cases_dir, "B05_trailing_space.vec")

    assert result.vectors.shape == (3, 4)
    assert result.warnings == []


def test_b06_truncated_utf8_key(cases_dir):
    result = _read(cases_dir, "B06_binary_truncated_utf8.bin")

    assert result.keys[1] == "ok"
    assert result.keys[0].endswith("\ufffd")
    assert any("record 1" in w for w in result.warnings)


def test_b08_binary_with_and_without_newlines(cases_dir):
    plain = _read(cases_dir, "B08_binary_no_newline.bin")
    newline = _read(cases_dir, "B08_binary_with_newline.bin")

    assert plain.keys == newline.keys == ["apple", "berry", "cherry"]
    np.testing.assert_array_equal(plain.vectors, newline.vectors)


def test_b09_bom_and_label_column(cases_dir):
    result = _read(cases_dir, "B09_bom_header.csv")

    assert result.format == "csv"
    assert result.keys == ["north", "south", "east"]
    assert result.vectors.shape == (3, 3)


def test_b11_single_column_metadata_with_header(cases_dir):
    result = _read(
        cases_dir,
        "B11_vectors.tsv",
        metadata_path=cases_dir / "B11_metadata.tsv",
    )

    assert result.keys == ["maple", "willow", "aspen"]
    assert any("line 1" in w and "header" in w for w in result.warnings)


def test_b13_text_column_is_named_and_can_be_the_labels(cases_dir):
    with pytest.raises(FormatError, match=r"line 1, column 4: 'left' is not a number"):
        _read(cases_dir, "B13_string_column.tsv")

    result = _read(cases_dir, "B13_string_column.tsv", label_column=4)

    assert result.keys[:2] == ["left", "right"]
    assert result.vectors.shape == (3, 3)


def test_b13_error_offers_the_column(cases_dir):
    with pytest.raises(FormatError, match="column 4") as caught:
        _read(cases_dir, "B13_string_column.tsv")

    assert caught.value.label_column == 4


def test_b14_blank_lines_and_no_final_newline(cases_dir):
    result = _read(
        cases_dir, "B14_vectors.tsv", metadata_path=cases_dir / "B14_metadata.tsv"
    )

    assert result.keys == ["one", "two", "three"]
    np.testing.assert_allclose(result.vectors[2], [0.5, 0.6])
    assert any("2 blank lines" in w and "3, 5" in w for w in result.warnings)


def test_b16_all_zero_says_no_variance(cases_dir):
    result = _read(cases_dir, "B16_all_zero.vec")

    assert result.vectors.shape == (2, 4)
    assert any("no variance" in w for w in result.warnings)


def test_b17_zero_row_is_flagged(cases_dir):
    result = _read(cases_dir, "B17_one_zero_vector.vec")

    assert result.n_keys == 5
    assert any("all-zero" in w and "line 5 'blank'" in w for w in result.warnings)
    space = result.to_space(name="b17")
    assert space.validity.zero.tolist() == [3]


def test_b18_nonfinite_rows_named_by_line(cases_dir):
    result = _read(cases_dir, "B18_nan_inf.vec")

    assert result.n_keys == 6
    message = next(w for w in result.warnings if "NaN" in w)
    assert "line 3 'moon'" in message and "line 4 'star'" in message


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("B21_single_point.vec", (1, 3)),
        ("B22_two_points.vec", (2, 5)),
        ("B23_two_dims.tsv", (4, 2)),
        ("B23_one_dim.tsv", (4, 1)),
        ("B25_ten_points.tsv", (10, 5)),
    ],
)
def test_small_and_low_dimensional_cases_load(cases_dir, name, shape):
    result = _read(cases_dir, name)

    assert result.vectors.shape == shape
    assert len(set(result.keys)) == shape[0]


def test_b27_every_row_and_label_is_read(cases_dir, tmp_path):
    prefix = tmp_path / "b27"
    script = cases_dir / "B27_over_100k_points.gen.py"
    subprocess.run([sys.executable, str(script), str(prefix)], check=True)

    result = formats.read(
        f"{prefix}_vectors.tsv", metadata_path=f"{prefix}_metadata.tsv"
    )

    assert result.vectors.shape == (120_000, 16)
    assert result.keys[-1] == "rare119999"
    expected = np.loadtxt(f"{prefix}_vectors.tsv", delimiter="\t", max_rows=3)
    np.testing.assert_allclose(result.vectors[:3], expected, rtol=1e-6)


def test_b28_large_npy(cases_dir, tmp_path):
    path = tmp_path / "b28.npy"
    script = cases_dir / "B28_1p5M_points_3d.gen.py"
    subprocess.run([sys.executable, str(script), str(path)], check=True)

    result = formats.read(path)

    assert result.format == "npy"
    np.testing.assert_array_equal(result.vectors, np.load(path))
    assert result.keys[-1] == "1499999"


# -- bad input: one line naming file, line or byte, and the rule ------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_short_row_names_the_line(tmp_path):
    path = _write(tmp_path, "vectors.txt", b"2 3\na 1 2 3\nb 1 2\n")

    with pytest.raises(
        FormatError, match=r"^vectors.txt line 3: expected 3 numbers after the key, "
    ):
        formats.read(path)


def test_bad_number_names_line_and_field(tmp_path):
    rows = b"".join(b"w%d 0.1 0.2\n" % i for i in range(1000))
    path = _write(tmp_path, "v.txt", b"1001 2\n" + rows + b"bad 0.1 x7\n")

    with pytest.raises(FormatError, match=r"v.txt line 1002: number 2 of 2 .*'x7'"):
        formats.read(path)


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("labelled.csv", lambda frame, path: frame.to_csv(path)),
        (
            "unnamed_index.csv",
            lambda frame, path: frame.to_csv(path, index_label=False),
        ),
        ("labelled.tsv", lambda frame, path: frame.to_csv(path, sep="\t")),
        ("no_labels.csv", lambda frame, path: frame.to_csv(path, index=False)),
    ],
)
def test_pandas_column_numbers_are_a_header_not_a_vector(tmp_path, name, write):
    vectors = np.random.default_rng(3).normal(size=(30, 20)).astype(np.float32)
    frame = pd.DataFrame(vectors, index=[f"w{i}" for i in range(30)])
    frame.index.name = "word"
    write(frame, tmp_path / name)

    result = formats.read(tmp_path / name)

    expected = [str(i) for i in range(30)] if name == "no_labels.csv" else frame.index
    assert result.keys == list(expected)
    np.testing.assert_array_equal(result.vectors, vectors)
    assert result.warnings[0].startswith(f"{name} line 1: taken as a header")


def test_an_empty_cell_is_a_missing_number_not_a_text_column(tmp_path):
    vectors = np.random.default_rng(4).normal(size=(20, 4))
    frame = pd.DataFrame(vectors, index=[f"w{i}" for i in range(20)])
    frame.index.name = "word"
    frame.iloc[3, 1] = np.nan
    frame.iloc[7, :] = np.nan
    frame.to_csv(tmp_path / "gaps.csv")  # pandas writes NaN as an empty cell

    result = formats.read(tmp_path / "gaps.csv")

    assert result.vectors.shape == (20, 4)
    assert np.isnan(result.vectors[3, 1]) and np.isnan(result.vectors[7]).all()
    assert result.warnings[-1].startswith(
        "gaps.csv: 2 rows with NaN or infinite values (line 5 'w3', line 9 'w7')"
    )


def test_pandas_row_index_column_is_metadata_not_a_dimension(tmp_path):
    vectors = np.random.default_rng(5).normal(size=(30, 8)).astype(np.float32)
    frame = pd.DataFrame(vectors, columns=[f"d{i}" for i in range(8)])
    frame.insert(0, "word", [f"w{i}" for i in range(30)])
    frame.to_csv(tmp_path / "indexed.csv")  # ",word,d0,...": 0, 1, 2 first

    result = formats.read(tmp_path / "indexed.csv")

    np.testing.assert_array_equal(result.vectors, vectors)
    assert result.keys == list(frame["word"])
    assert result.warnings == [
        "indexed.csv: column 1 (unnamed: 0, 1, ..., 29) numbers the rows, so it is "
        "kept as metadata, not used as a dimension"
    ]


def test_a_column_counting_rows_with_a_name_stays_a_dimension(tmp_path):
    path = _write(tmp_path, "count.csv", b"word,n,x\na,0,0.5\nb,1,0.25\nc,2,0.1\n")

    result = formats.read(path)

    assert result.vectors.shape == (3, 2)
    assert not result.warnings


@pytest.mark.parametrize("decimal", [".", ","])
def test_semicolon_separated_files_say_what_to_change(tmp_path, decimal):
    frame = pd.DataFrame(np.ones((3, 2)), index=list("abc"))
    frame.to_csv(tmp_path / "semi.csv", sep=";", decimal=decimal)

    with pytest.raises(
        FormatError, match=r"^semi.csv line 1: fields are separated by ';'"
    ):
        formats.read(tmp_path / "semi.csv")


def test_a_key_with_a_semicolon_in_a_csv_is_kept(tmp_path):
    path = _write(tmp_path, "keys.csv", b"a;b,1.0,2.0\nc,3.0,4.0\n")

    assert formats.read(path).keys == ["a;b", "c"]


def test_rows_of_numbers_counting_up_are_data_below_a_numbered_header(tmp_path):
    path = _write(tmp_path, "counts.csv", b"0,1,2,3\n0,1,2,3\n3,4,5,6\n")

    result = formats.read(path)

    np.testing.assert_array_equal(result.vectors[:, 0], [0, 0, 3])
    assert not any("header" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,1,2\nb,3,4\nc,5\n", "ragged.csv line 3: 2 columns, line 1 has 3"),
        (b"a,1,2\n\nb,3,4,5\n", "ragged.csv line 3: 4 columns, line 1 has 3"),
    ],
)
def test_a_row_with_another_column_count_names_its_line(tmp_path, data, message):
    path = _write(tmp_path, "ragged.csv", data)

    with pytest.raises(FormatError, match=f"^{message}$"):
        formats.read(path)


def test_random_bytes_are_binary_data_not_a_csv(tmp_path):
    noise = np.random.default_rng(5).integers(0, 256, 5000, dtype=np.uint8)
    path = _write(tmp_path, "random.bin", b"x,y" + noise.tobytes())

    with pytest.raises(FormatError, match=r"^random.bin byte 0: binary data in no"):
        formats.read(path)


def test_dimension_cap(tmp_path):
    path = _write(tmp_path, "huge.vec", b"1 100000000\na 1\n")

    with pytest.raises(FormatError, match=r"huge.vec line 1: dimension .* limit"):
        formats.read(path)


def test_binary_header_checked_before_allocating(tmp_path):
    record = b"ab " + np.arange(300, dtype="<f4").tobytes() + b"\n"
    path = _write(tmp_path, "claims.bin", b"1000000000 300\n" + record)

    result = formats.read(path)

    assert result.keys == ["ab"]
    np.testing.assert_array_equal(result.vectors[0], np.arange(300))
    assert any("header says 1,000,000,000" in w for w in result.warnings)


def test_npy_header_checked_against_size(tmp_path):
    path = tmp_path / "lie.npy"
    np.save(path, np.zeros((4, 3), np.float32))
    path.write_bytes(path.read_bytes().replace(b"(4, 3)", b"(9, 3)"))

    with pytest.raises(FormatError, match=r"lie.npy: the header claims shape"):
        formats.read(path)


def test_damaged_npy_header(tmp_path):
    path = tmp_path / "broken.npy"
    np.save(path, np.zeros((4, 3), np.float32))
    path.write_bytes(path.read_bytes().replace(b"(4, 3)", b"(4, 3("))

    with pytest.raises(FormatError, match=r"broken.npy byte 0: not a valid .npy"):
        formats.read(path)


@pytest.mark.parametrize(
    ("name", "data", "pattern"),
    [
        ("page.txt", b"<!DOCTYPE html><html>", r"page.txt line 1: .*web page"),
        ("a.zip", None, r"a.zip byte 0: .*ZIP archive"),
        ("prog", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, r"prog byte 0: .*ELF"),
        ("img.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, r"img.png byte 0: .*PNG"),
        ("img.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, r"img.jpg byte 0: .*JPEG"),
        ("a.gif", b"GIF89a" + b"\x00" * 20, r"a.gif byte 0: .*GIF"),
        ("doc.pdf", b"%PDF-1.7\n", r"doc.pdf byte 0: .*PDF"),
        ("empty.vec", b"", r"empty.vec: the file is empty"),
    ],
)
def test_foreign_files_are_named(tmp_path, name, data, pattern):
    path = tmp_path / name
    if data is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        path.write_bytes(data)

    with pytest.raises(FormatError, match=pattern):
        formats.read(path)


def test_gensim_model_is_refused_without_unpickling(tmp_path):
    kv = KeyedVectors(3)
    kv.add_vectors(["a", "b"], np.ones((2, 3), np.float32))
    path = tmp_path / "model.kv"
    kv.save(str(path))

    with pytest.raises(
        FormatError,
        match=r"model.kv byte 0: a Python pickle.*"
        r"save_word2vec_format",
    ):
        formats.read(path)


def test_plain_pickle_is_refused(tmp_path):
    path = tmp_path / "vectors.pkl"
    path.write_bytes(pickle.dumps({"a": [1.0, 2.0]}))

    with pytest.raises(FormatError, match="pickle"):
        formats.read(path)


def test_torch_style_zip_is_refused(tmp_path):
    path = tmp_path / "weights.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps([1]))

    with pytest.raises(FormatError, match=r"weights.pt byte 0: a PyTorch file"):
        formats.read(path)


def test_object_npy_is_refused(tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)

    with pytest.raises(
        FormatError, match=r"objects.npy: holds Python objects.*np.save"
    ):
        formats.read(path)


def test_error_messages_are_one_line(tmp_path):
    path = _write(tmp_path, "v.txt", b"2 2\na 1 2\nb 1\r\n")

    with pytest.raises(FormatError) as caught:
        formats.read(path)

    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("v.txt line 3")


# -- other formats, metadata, duplicates -------------------------------------------


def test_crlf_bom_and_duplicates(tmp_path):
    data = b"\xef\xbb\xbf3 2\r\ncat 1 2\r\ndog 3 4\r\ncat 5 6\r\n"
    result = formats.read(_write(tmp_path, "dup.vec", data))

    assert result.keys == ["cat", "dog", "cat#2"]
    message = next(w for w in result.warnings if "duplicate" in w)
    assert "line 4 repeats 'cat' from line 2" in message


def test_identical_vectors_are_reported(tmp_path):
    data = b"3 2\na 1 2\nb 3 4\nc 1 2\n"
    result = formats.read(_write(tmp_path, "same.vec", data))

    message = next(w for w in result.warnings if "identical" in w)
    assert "line 4 'c' = line 2 'a'" in message


def test_npz_with_keys(tmp_path):
    path = tmp_path / "set.npz"
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.savez(path, vectors=vectors, keys=np.array(["a", "b", "c", "d"]))

    result = formats.read(path)

    assert result.format == "npz"
    assert result.keys == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(result.vectors, vectors)


def test_npy_with_labels_file(tmp_path):
    path = tmp_path / "m.npy"
    np.save(path, np.eye(3, dtype=np.float64))
    labels = _write(tmp_path, "labels.txt", b"x\ny\nz\n")

    result = formats.read(path, labels_path=labels)

    assert result.keys == ["x", "y", "z"]
    assert result.vectors.dtype == np.float32


@pytest.mark.parametrize("as_list", [False, True])
def test_parquet_with_columns_or_list(tmp_path, as_list):
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(5, 4)).astype(np.float32)
    frame = pd.DataFrame({"word": list("abcde"), "group": list("xxyyz")})
    if as_list:
        frame["embedding"] = list(vectors)
    else:
        for j in range(4):
            frame[f"d{j}"] = vectors[:, j]
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)

    result = formats.read(path)

    assert result.format == "parquet"
    assert result.keys == list("abcde")
    np.testing.assert_array_equal(result.vectors, vectors)
    assert result.metadata["group"].tolist() == list("xxyyz")


def test_multi_column_metadata_becomes_columns(tmp_path, cases_dir):
    meta = _write(
        tmp_path, "meta.tsv", b"word\tkind\nmaple\ttree\nwillow\ttree\nsun\tsky\n"
    )

    result = formats.read(cases_dir / "B11_vectors.tsv", metadata_path=meta)

    assert result.keys == ["maple", "willow", "sun"]
    assert result.metadata["kind"].tolist() == ["tree", "tree", "sky"]


def test_metadata_count_mismatch(tmp_path, cases_dir):
    meta = _write(tmp_path, "meta.tsv", b"a\nb\n")

    with pytest.raises(FormatError, match=r"meta.tsv: 2 labels for 3 vectors"):
        formats.read(cases_dir / "B11_vectors.tsv", metadata_path=meta)


def test_unknown_format_name(cases_dir):
    with pytest.raises(ValueError, match=r"format='xml' is not one of word2vec"):
        formats.read(cases_dir / "B01_glove_no_header.txt", format="xml")


# -- writers --------------------------------------------------------------------------

TRICKY = ["plain", "<img src=x onerror=alert(1)>", "ice cream", "naïve", "日本"]


def _tricky_result() -> formats.LoadResult:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(TRICKY), 6)).astype(np.float32)
    vectors[0, 0] = np.float32(1e-8)
    return formats.LoadResult(list(TRICKY), vectors, None, "npy", [])


@pytest.mark.parametrize(
    ("format", "target"),
    [("word2vec", "out.txt"), ("tsv", "pair"), ("npy", "out.npy")],
)
def test_round_trip_keeps_keys_and_exact_floats(tmp_path, format, target):
    original = _tricky_result()

    paths = formats.write(original, tmp_path / target, format=format)
    if format == "tsv":
        back = formats.read(paths[0], metadata_path=paths[1])
    elif format == "npy":
        back = formats.read(paths[0], labels_path=paths[1])
    else:
        back = formats.read(paths[0])

    assert back.keys == TRICKY
    np.testing.assert_array_equal(back.vectors, original.vectors)


def test_binary_round_trip_and_gensim_reads_it(tmp_path):
    original = _tricky_result()
    keys = [k.replace(" ", "_") for k in TRICKY]
    result = formats.LoadResult(keys, original.vectors, None, "npy", [])

    (path,) = formats.write(result, tmp_path / "out.bin", format="word2vec-binary")

    back = formats.read(path)
    assert back.keys == keys
    np.testing.assert_array_equal(back.vectors, original.vectors)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=True)
    np.testing.assert_array_equal(kv.vectors, original.vectors)


def test_gensim_reads_our_word2vec_text(tmp_path, glove):
    space = glove
    subset = formats.LoadResult(space.keys[:2000], space.vectors[:2000], None, "x", [])

    (path,) = formats.write(subset, tmp_path / "g.txt", format="word2vec")

    kv = KeyedVectors.load_word2vec_format(str(path))
    assert list(kv.index_to_key) == space.keys[:2000]
    np.testing.assert_array_equal(kv.vectors, space.vectors[:2000])


def test_binary_writer_refuses_keys_with_spaces(tmp_path):
    with pytest.raises(ValueError, match=r"key 1 .* contains a space"):
        formats.write(_tricky_result(), tmp_path / "x.bin", format="word2vec-binary")


def test_export_subset_as_zip(cases_dir):
    result = _read(cases_dir, "B17_one_zero_vector.vec")

    name, data = formats.export(result, format="tsv", limit=2)

    assert name.endswith(".zip")
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        assert archive.read("metadata.tsv").decode() == "red\norange\n"

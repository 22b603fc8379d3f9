"""Guess a file's format from its first bytes; refuse unsafe or foreign files.

Pickle-based files (gensim ``.model``/``.kv``, joblib, torch) are refused with
a message that says which safe format to export instead; files that are not
vectors at all (HTML, ZIP, ELF, images, PDF) are named.
"""

from __future__ import annotations

import logging
import struct
import zipfile
from pathlib import Path

from embspace.formats.base import FormatError
from embspace.formats.source import Source, strip_bom
from embspace.formats.text import parse_header

logger = logging.getLogger(__name__)

GENSIM_EXPORT = (
    "export it with KeyedVectors.save_word2vec_format('vectors.txt') (or "
    "binary=True) and upload that"
)
NUMPY_EXPORT = "export the matrix with np.save('vectors.npy', x) and the keys as text"

FOREIGN = (
    (b"\x7fELF", "an executable program (ELF)"),
    (b"MZ\x90\x00", "a Windows program"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"BZh91AY&SY", "a bzip2 archive; decompress it or compress it with gzip"),
    (b"\xfd7zXZ", "an xz archive; decompress it or compress it with gzip"),
    (b"7z\xbc\xaf", "a 7-Zip archive; extract the vectors file and upload it"),
    (b"Rar!", "a RAR archive; extract the vectors file and upload it"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document; save it as CSV"),
    (b"SQLite format 3", "an SQLite database; export the table as CSV or Parquet"),
    (b"\x89HDF", "an HDF5 file; export the matrix with np.save"),
)
FASTTEXT_MAGIC = 793712314
FASTTEXT_EXPORT = (
    "a fastText model binary (.bin); export its vectors as .vec text (fastText "
    "print-word-vectors or gensim save_word2vec_format) and upload that"
)
PICKLE_SUFFIXES = {".model", ".kv", ".pkl", ".pickle", ".joblib", ".pt", ".pth"}


def sniff_source(source: Source) -> str:
    """The format of ``source`` (one of :data:`FORMATS`).

    Raises
    ------
    FormatError
        For pickle-based, foreign, empty or unrecognised files.
    """
    head = source.head()
    return sniff_bytes(head, name=source.name, path=source.path)


def sniff_bytes(head: bytes, *, name: str, path: Path | None = None) -> str:
    """Guess the format from the first bytes of the (decompressed) content."""
    if not head:
        raise FormatError(f"{name}: the file is empty")

    binary = _binary_format(head, name, path)
    if binary is not None:
        return binary

    text, _ = strip_bom(head)
    lines = [line for line in text.split(b"\n")[:50] if line.strip(b" \r\t")]
    if not lines:
        raise FormatError(f"{name}: the file holds only blank lines")
    return _text_format(text, lines, name)


def _binary_format(head: bytes, name: str, path: Path | None) -> str | None:
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_format(name, path)
    if _is_fasttext(head):
        raise FormatError(f"{name}: {FASTTEXT_EXPORT}")
    if _is_pickle(head, path):
        raise FormatError(
            f"{name} byte 0: a Python pickle (gensim .model/.kv, joblib or torch); "
            f"pickles can run code, so embspace does not open them; {GENSIM_EXPORT}, "
            f"or {NUMPY_EXPORT}"
        )
    for magic, what in FOREIGN:
        if head.startswith(magic):
            raise FormatError(f"{name} byte 0: this looks like {what}, not vectors")
    stripped = strip_bom(head)[0].lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        raise FormatError(
            f"{name} line 1: this looks like a web page or XML, not vectors; if it "
            "came from a download link, download the file itself"
        )
    return None


def _is_fasttext(head: bytes) -> bool:
    """A fastText ``save_model`` file: the magic, or the older header of args.

    Files from before fastText 0.2 (gensim's ``lee_fasttext.bin``) start
    with the training arguments as int32: dim, ws, epoch, minCount, neg,
    wordNgrams, loss (1-4), model (1-3), bucket, minn, maxn, lrUpdateRate,
    then the sampling threshold ``t`` as a float64 in (0, 1).
    """
    if len(head) < 56:
        return False
    numbers = struct.unpack("<12i", head[:48])
    if numbers[0] == FASTTEXT_MAGIC:
        return True
    dim, ws, epoch, _, neg, ngrams, loss, model, bucket, minn, maxn, rate = numbers
    (threshold,) = struct.unpack("<d", head[48:56])
    return (
        0 < dim <= 100_000
        and 0 < ws <= 1000
        and 0 < epoch <= 100_000
        and 0 <= neg <= 10_000
        and 0 < ngrams <= 100
        and 1 <= loss <= 4
        and 1 <= model <= 3
        and bucket >= 0
        and 0 <= minn <= maxn <= 100
        and rate > 0
        and 0.0 < threshold < 1.0
    )


def _is_pickle(head: bytes, path: Path | None) -> bool:
    if len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return True
    # joblib's compressed pickles start with a zlib or its own magic.
    if head.startswith((b"ZF", b"\x78\x9c", b"\x78\x01", b"\x78\xda")):
        return path is not None and path.suffix.lower() in PICKLE_SUFFIXES
    return False


def _zip_format(name: str, path: Path | None) -> str:
    members: list[str] = []
    if path is not None:
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.namelist()
        except zipfile.BadZipFile:
            members = []
    if any(m.endswith("data.pkl") or m.endswith(".pkl") for m in members):
        raise FormatError(
            f"{name} byte 0: a PyTorch file, which holds pickles that can run "
            f"code; {NUMPY_EXPORT} (e.g. tensor.numpy())"
        )
    if members and all(m.endswith(".npy") for m in members):
        return "npz"
    if "[Content_Types].xml" in members:
        raise FormatError(
            f"{name} byte 0: this looks like an Office document; save it as CSV"
        )
    raise FormatError(
        f"{name} byte 0: this looks like a ZIP archive; extract the vectors file "
        "and upload it"
    )


def _text_format(text: bytes, lines: list[bytes], name: str) -> str:
    first = lines[0]
    claimed = parse_header(first)
    if claimed is not None and len(lines) > 1:
        after = text[text.find(b"\n") + 1 :]
        record = after.split(b"\n", 1)[0]
        if _is_text_record(record, claimed[1]) or _is_text_record(record, None):
            return "word2vec"
        return "word2vec-binary"
    if claimed is not None and len(lines) == 1 and len(text.split(b"\n", 1)) > 1:
        return "word2vec-binary"

    if _binary_noise(text):
        raise FormatError(f"{name} byte 0: binary data in no format embspace knows")
    if b"\t" in first or all(_is_number(line) for line in lines):
        return "tsv"
    if _is_text_record(first, None):
        return "glove"
    semicolons = first.count(b";") > first.count(b",")
    if b"," in first and not semicolons:
        return "csv"
    if semicolons:
        raise FormatError(
            f"{name} line 1: fields are separated by ';' (as spreadsheets in many "
            "locales save CSV); save the file with ',' or tabs between fields and "
            "'.' as the decimal point"
        )
    raise FormatError(
        f"{name} line 1: not a vectors file; expected 'key number number ...', a "
        "'count dim' header, TSV or CSV"
    )


def _is_text_record(line: bytes, n_dims: int | None) -> bool:
    fields = line.rstrip(b" \r").split(b" ")
    numbers = fields[1:] if n_dims is None else fields[-n_dims:]
    if len(fields) < 2 or (n_dims is not None and len(fields) < n_dims + 1):
        return False
    try:
        [float(f) for f in numbers]
    except ValueError:
        return False
    return True


def _is_number(line: bytes) -> bool:
    try:
        float(line.strip(b" \r"))
    except ValueError:
        return False
    return True


def _binary_noise(text: bytes) -> bool:
    sample = text[:4096]
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) // 20

"""Reading benchmark files: analogy questions and rated word pairs.

Both formats are the ones gensim reads (``questions-words.txt``,
``wordsim353.tsv``, ``simlex999.txt``), parsed by the same rules so that scores
equal gensim's. Where gensim skips a line silently, the line is counted and
named in a warning; where gensim fails, the error names the file and line.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from embspace.files import read_capped

logger = logging.getLogger(__name__)

MAX_BENCHMARK_BYTES = 50 * 2**20
BOM = "\ufeff"
MAX_LISTED_LINES = 5

Source = str | os.PathLike | bytes


def default_paths() -> dict[str, Path]:
    """The three benchmark files that gensim ships, by short name.

    They lie in gensim's ``test/test_data`` folder (what
    ``gensim.test.utils.datapath`` names); the folder is found without
    importing gensim, which takes seconds.
    """
    import importlib.util

    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("gensim is not installed: it ships the benchmarks")
    folder = Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data"
    return {
        "analogies": folder / "questions-words.txt",
        "wordsim353": folder / "wordsim353.tsv",
        "simlex999": folder / "simlex999.txt",
    }


@dataclass(frozen=True)
class Question:
    """One analogy question ``a : b :: c : expected``, as written in the file."""

    a: str
    b: str
    c: str
    expected: str
    line: int


@dataclass(frozen=True)
class Section:
    """A named group of questions (``: capital-common-countries``)."""

    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class AnalogySet:
    """Parsed analogy file: sections in file order and skipped-line warnings."""

    name: str
    sections: tuple[Section, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pair:
    """One rated word pair; ``a`` and ``b`` keep any spaces, as in gensim."""

    a: str
    b: str
    score: float
    line: int


@dataclass(frozen=True)
class PairSet:
    """Parsed word-pair file and its skipped-line warnings."""

    name: str
    pairs: tuple[Pair, ...]
    warnings: tuple[str, ...] = ()


# -- bytes to lines ------------------------------------------------------------


def read_bytes(source: Source, *, name: str | None = None) -> tuple[bytes, str]:
    """File contents (gunzipped if compressed) and the name for messages.

    Parameters
    ----------
    source : path or bytes
        A file path, or the contents of an uploaded file.
    name : str, optional
        Name used in messages; defaults to the file name.

    Raises
    ------
    ValueError
        If the file is larger than ``MAX_BENCHMARK_BYTES`` or a broken gzip.
    """
    return read_capped(
        source, what="benchmark file", limit=MAX_BENCHMARK_BYTES, name=name
    )


def decode_lines(
    data: bytes, label: str, *, universal_newlines: bool
) -> tuple[list[str], list[str]]:
    """Split into lines and decode each as UTF-8, naming the line on failure.

    With ``universal_newlines`` (gensim's text mode, used for word pairs) a
    lone ``\\r`` also ends a line and ``\\r\\n`` becomes ``\\n``; otherwise only
    ``\\n`` ends a line (gensim's binary mode, used for analogies).
    """
    if universal_newlines:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()

    lines, warnings = [], []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{label}: line {number}, byte {error.start + 1}: "
                f"not valid UTF-8 ({raw[error.start : error.start + 1]!r})"
            ) from None

    if lines and lines[0].startswith(BOM):
        lines[0] = lines[0][len(BOM) :]
        warnings.append(f"{label}: a byte-order mark opened the file; removed")
    return lines, warnings


def _skipped(label: str, rule: str, lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:MAX_LISTED_LINES])
    more = len(lines) - MAX_LISTED_LINES
    tail = f" and {more} more" if more > 0 else ""
    noun = "line" if len(lines) == 1 else "lines"
    return f"{label}: skipped {len(lines)} {noun} ({rule}): {noun} {shown}{tail}"


# -- analogies -----------------------------------------------------------------


def read_analogies(source: Source, *, name: str | None = None) -> AnalogySet:
    """Parse an analogy file: ``: section`` lines, then four words a line.

    Parameters
    ----------
    source : path or bytes
        ``questions-words.txt`` or a file in the same format (may be gzipped).
    name : str, optional
        Name used in messages.

    Returns
    -------
    AnalogySet

    Raises
    ------
    ValueError
        If a question comes before the first section line (gensim fails too),
        a line is not UTF-8, or the file has no section.
    """
    data, label = read_bytes(source, name=name)
    lines, warnings = decode_lines(data, label, universal_newlines=False)

    sections: list[Section] = []
    current: tuple[str, list[Question]] | None = None
    blank, malformed = [], []
    for number, line in enumerate(lines, start=1):
        if line.startswith(": "):
            if current is not None:
                sections.append(Section(current[0], tuple(current[1])))
            current = (line.lstrip(": ").strip(), [])
            continue

        if current is None:
            raise ValueError(
                f"{label}: line {number}: a question before the first section "
                "line; the file must start with ': section name'"
            )
        words = line.split()
        if len(words) != 4:
            (malformed if words else blank).append(number)
            continue
        current[1].append(Question(*words, line=number))

    if current is None:
        raise ValueError(f"{label}: no ': section' line; not an analogy file")
    sections.append(Section(current[0], tuple(current[1])))

    if malformed:
        warnings.append(_skipped(label, "not four words", malformed))
    if blank:
        warnings.append(_skipped(label, "blank", blank))
    return AnalogySet(label, tuple(sections), tuple(warnings))


# -- word pairs ----------------------------------------------------------------


def read_pairs(
    source: Source, *, name: str | None = None, delimiter: str = "\t"
) -> PairSet:
    """Parse a word-pair file: ``word1 <delimiter> word2 <delimiter> score``.

    Lines starting with ``#`` are comments. Words are kept exactly as written
    (gensim does not strip them), so a stray space makes a word unknown.

    Parameters
    ----------
    source : path or bytes
        ``wordsim353.tsv``, ``simlex999.txt`` or the like (may be gzipped).
    name : str, optional
        Name used in messages.
    delimiter : str
        Field separator.

    Returns
    -------
    PairSet
    """
    if not delimiter:
        raise ValueError("delimiter='' must be a non-empty string")
    data, label = read_bytes(source, name=name)
    lines, warnings = decode_lines(data, label, universal_newlines=True)

    pairs, wrong_fields, not_number = [], [], []
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            continue
        fields = line.split(delimiter)
        if len(fields) != 3:
            wrong_fields.append(number)
            continue
        try:
            score = float(fields[2])
        except ValueError:
            not_number.append(number)
            continue
        pairs.append(Pair(fields[0], fields[1], score, number))

    if wrong_fields:
        rule = f"not three fields separated by {delimiter!r}"
        warnings.append(_skipped(label, rule, wrong_fields))
    if not_number:
        warnings.append(_skipped(label, "score is not a number", not_number))
    return PairSet(label, tuple(pairs), tuple(warnings))

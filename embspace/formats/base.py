"""Types shared by every reader: results, problems, errors and limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Limits checked before anything large is allocated.
MAX_DIMS = 65_536
MAX_DECOMPRESSED_BYTES = 4 << 30
# A text line holds one key and at most MAX_DIMS numbers: far below this.
MAX_LINE_BYTES = 16 << 20

FORMATS = (
    "word2vec",
    "glove",
    "word2vec-binary",
    "tsv",
    "npy",
    "npz",
    "csv",
    "parquet",
)


@dataclass(frozen=True)
class Problem:
    """One reported issue with an input file.

    Attributes
    ----------
    message : str
        One sentence naming the file, the line or byte and the rule, e.g.
        ``vectors.txt line 4: expected 50 numbers after the key, found 49``.
    """

    message: str

    def __str__(self) -> str:
        return self.message


class FormatError(ValueError):
    """A file that cannot be read; ``str(error)`` is one line.

    Parameters
    ----------
    message : str
        Names the file, the line or byte and the rule that was broken.
    label_column : int, optional
        1-based number of a text column that could serve as the labels; set
        when the file has a column of words where numbers were expected.
    """

    def __init__(self, message: str, *, label_column: int | None = None) -> None:
        super().__init__(" ".join(message.split("\n")))
        self.label_column = label_column

    @property
    def problem(self) -> Problem:
        """The error as a :class:`Problem`."""
        return Problem(str(self))


@dataclass(frozen=True)
class LoadResult:
    """What every reader returns.

    Attributes
    ----------
    keys : list of str
        One unique key per row.
    vectors : numpy.ndarray
        Float32 matrix of shape ``(n_keys, n_dims)``.
    metadata : pandas.DataFrame or None
        Extra columns, one row per key, for colour and filter.
    format : str
        One of :data:`FORMATS`.
    warnings : list of str
        Everything that was skipped, renamed, replaced or looks wrong.
    """

    keys: list[str]
    vectors: np.ndarray
    metadata: Any
    format: str
    warnings: list[str] = field(default_factory=list)

    @property
    def n_keys(self) -> int:
        """Number of rows."""
        return int(self.vectors.shape[0])

    @property
    def n_dims(self) -> int:
        """Number of dimensions."""
        return int(self.vectors.shape[1])

    @property
    def problems(self) -> list[Problem]:
        """The warnings as :class:`Problem` objects."""
        return [Problem(message) for message in self.warnings]

    def to_space(self, *, name: str):
        """A read-only :class:`~embspace.space.Space` over these vectors.

        Parameters
        ----------
        name : str
            Dataset id shown to users.
        """
        from embspace.space import Space

        return Space(
            self.keys,
            self.vectors,
            name=name,
            metadata=self.metadata,
            notes=list(self.warnings),
        )


@dataclass(frozen=True)
class Rows:
    """Where each row came from, to name it in messages.

    Attributes
    ----------
    unit : str
        ``line``, ``record`` or ``row``.
    numbers : numpy.ndarray or None
        1-based line or record number of each row; ``None`` means row ``i``
        is number ``i + 1``.
    """

    unit: str = "row"
    numbers: np.ndarray | None = None

    def name(self, index: int) -> str:
        """``line 7`` for the row at ``index``."""
        number = index + 1 if self.numbers is None else int(self.numbers[index])
        return f"{self.unit} {number}"

    def subset(self, mask: np.ndarray) -> Rows:
        """Locations of the rows kept by a boolean ``mask``."""
        if self.numbers is None:
            return Rows(self.unit, np.flatnonzero(mask) + 1)
        return Rows(self.unit, self.numbers[mask])


def show_key(key: str, *, limit: int = 40) -> str:
    """A key quoted for a message, shortened when long."""
    if len(key) > limit:
        key = key[: limit - 1] + "…"
    return repr(key)

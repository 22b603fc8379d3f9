"""The vector space: keys, a float32 matrix, unit rows and validity masks.

A :class:`Space` is read-only and shared across sessions. Derived arrays (norms,
unit rows, the quantised search index) are computed once, on first use.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from embspace.wording import show

logger = logging.getLogger(__name__)

# One wording for data that cannot be compared or projected, wherever it shows.
ALL_ZERO = "every vector is zero, so the data has no variance and scores are undefined"
ONE_VECTOR = "the data has only 1 vector: neighbours and projections need at least 2"
MAX_SHOWN = 60  # characters of an unknown key repeated in a message


@dataclass(frozen=True)
class Resolved:
    """A key looked up in a space, with a note when it was changed.

    Attributes
    ----------
    key : str
        The key as stored in the space.
    index : int
        Its row in the matrix.
    note : str or None
        Set when the query was matched in another case, e.g. ``King`` to
        ``king``.
    """

    key: str
    index: int
    note: str | None = None


@dataclass(frozen=True)
class Validity:
    """Rows that cannot take part in cosine or distance rankings.

    Attributes
    ----------
    nonfinite : numpy.ndarray
        Row indices holding NaN or infinite values.
    zero : numpy.ndarray
        Row indices whose vector is all zeros.
    """

    nonfinite: np.ndarray
    zero: np.ndarray

    @property
    def n_invalid(self) -> int:
        """Number of rows left out of rankings and projections."""
        return int(self.nonfinite.size + self.zero.size)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(eq=False)
class Space:
    """Static vectors for a list of keys.

    Parameters
    ----------
    keys : sequence of str
        One key per row, unique, in the order of ``vectors`` (for built-in
        data, frequency order).
    vectors : numpy.ndarray
        Matrix of shape ``(n_keys, n_dims)``; converted to read-only float32.
    name : str
        Dataset id shown to users.
    metadata : pandas.DataFrame, optional
        Extra columns, one row per key, for colouring and filtering.
    fingerprint : str, optional
        Content hash; computed from keys and vectors when not given.
    notes : list of str
        What the loader found (bad rows, a header that was wrong).
    frequency_ordered : bool
        Whether the rows are in frequency order (most frequent first), as in
        the built-in sets; a map of the first ``N`` rows then shows the ``N``
        most frequent keys. Otherwise maps sample evenly across all rows.
    """

    keys: Sequence[str]
    vectors: np.ndarray
    name: str = "vectors"
    metadata: Any = None
    fingerprint: str | None = None
    notes: list[str] = field(default_factory=list)
    frequency_ordered: bool = False

    def __post_init__(self) -> None:
        vectors = np.asarray(self.vectors)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-D matrix; got shape {vectors.shape}")
        if len(self.keys) != vectors.shape[0]:
            raise ValueError(
                f"{len(self.keys)} keys for {vectors.shape[0]} vectors; "
                "there must be one key per row"
            )

        # Rows in C order, as gensim stores them: norms and row dot products
        # then sum in the oracle's order (a Fortran-ordered .npy would not).
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).view()
        vectors.setflags(write=False)
        self.vectors = vectors
        self.keys = list(self.keys)
        if self.fingerprint is None:
            self.fingerprint = fingerprint_arrays(self.keys, vectors)
        self._lock = threading.Lock()

    # -- sizes and lookups -------------------------------------------------

    @property
    def n_keys(self) -> int:
        """Number of rows."""
        return self.vectors.shape[0]

    @property
    def n_dims(self) -> int:
        """Number of dimensions ``d``."""
        return self.vectors.shape[1]

    @cached_property
    def key_to_index(self) -> dict[str, int]:
        """Map from key to row index."""
        return dict(zip(self.keys, range(self.n_keys)))

    @cached_property
    def lower_keys(self) -> list[str]:
        """The keys in lower case, in row order (for case-blind lookups)."""
        return [key.lower() for key in self.keys]

    @cached_property
    def lower_to_index(self) -> dict[str, int]:
        """Map from lower-cased key to the most frequent row with that form."""
        # Filled from the last row up, so the first row of a form wins.
        rows = range(self.n_keys - 1, -1, -1)
        return dict(zip(reversed(self.lower_keys), rows))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.key_to_index

    def __len__(self) -> int:
        return self.n_keys

    def resolve(self, key: str) -> Resolved:
        """Find a key, falling back to another case, else suggest keys.

        Parameters
        ----------
        key : str
            The key as typed.

        Returns
        -------
        Resolved
            The stored key and its row, with a note if the case was changed.

        Raises
        ------
        KeyError
            If no key matches in any case; the message lists the closest keys.
        """
        if not isinstance(key, str):
            raise TypeError(f"key must be a string; got {type(key).__name__}")

        index = self.key_to_index.get(key)
        if index is not None:
            return Resolved(key, index)

        stripped = key.strip()
        for candidate in (stripped, stripped.lower()):
            index = self.key_to_index.get(candidate)
            if index is not None:
                note = f"'{key}' is not in {self.name}; using '{candidate}'"
                return Resolved(candidate, index, note)

        index = self.lower_to_index.get(stripped.lower())
        if index is not None:
            found = self.keys[index]
            note = f"'{key}' is not in {self.name}; using '{found}'"
            return Resolved(found, index, note)

        raise UnknownKeyError(key, self.suggest(key))

    def index(self, key: str) -> int:
        """Row index of ``key`` (see :meth:`resolve`)."""
        return self.resolve(key).index

    def suggest(self, key: str, *, limit: int = 3) -> list[str]:
        """Keys closest to ``key`` by edit distance, frequent keys first.

        Parameters
        ----------
        key : str
            A key that may be misspelt.
        limit : int
            How many suggestions to return at most.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        query = key.strip().lower()
        if not query:
            return []

        matches = process.extract(
            query,
            self.lower_keys,
            scorer=Levenshtein.distance,
            limit=limit,
            score_cutoff=max(1, len(query) // 2),
        )
        ranked = sorted(matches, key=lambda match: (match[1], match[2]))
        return [self.keys[match[2]] for match in ranked]

    def vector(self, key: str) -> np.ndarray:
        """The row ``E[key]`` of the matrix, read-only."""
        return self.vectors[self.index(key)]

    # -- derived arrays ----------------------------------------------------

    @cached_property
    def norms(self) -> np.ndarray:
        """L2 norm of every row (not finite for non-finite rows), read-only."""
        with np.errstate(invalid="ignore", over="ignore"):
            norms = np.linalg.norm(self.vectors, axis=1)
        return _read_only(norms.astype(np.float32))

    @cached_property
    def valid(self) -> np.ndarray:
        """Boolean mask of rows that are finite and non-zero."""
        norms = self.norms
        mask = np.isfinite(norms) & (norms > 0)
        return _read_only(mask)

    @cached_property
    def finite(self) -> np.ndarray:
        """Boolean mask of rows without NaN or infinite values (zero rows too)."""
        mask = np.ones(self.n_keys, dtype=bool)
        mask[self.validity.nonfinite] = False
        return _read_only(mask)

    @property
    def all_zero(self) -> bool:
        """Whether the space has rows and every one of them is zero."""
        return self.n_keys > 0 and self.validity.zero.size == self.n_keys

    @cached_property
    def validity(self) -> Validity:
        """Which rows are non-finite or zero."""
        finite = np.isfinite(self.vectors).all(axis=1)
        nonfinite = np.flatnonzero(~finite)
        zero = np.flatnonzero(finite & (self.norms == 0))
        return Validity(_read_only(nonfinite), _read_only(zero))

    @cached_property
    def unit(self) -> np.ndarray:
        """Rows scaled to unit length; invalid rows are all zeros."""
        valid = self.valid
        unit = np.zeros_like(self.vectors)
        np.divide(self.vectors, self.norms[:, None], out=unit, where=valid[:, None])
        return _read_only(unit)

    @property
    def has_cosine_index(self) -> bool:
        """Whether :attr:`cosine_index` has been built."""
        return "_cosine_index" in self.__dict__

    @property
    def cosine_index(self):
        """Quantised index for fast exact cosine search (built on first use)."""
        with self._lock:
            if "_cosine_index" not in self.__dict__:
                from embspace.index import CosineIndex

                self.__dict__["_cosine_index"] = CosineIndex(self.unit)
        return self.__dict__["_cosine_index"]

    def describe(self) -> dict[str, Any]:
        """Sizes and problem rows, for the app and ``info``."""
        validity = self.validity
        return {
            "name": self.name,
            "n_keys": self.n_keys,
            "n_dims": self.n_dims,
            "fingerprint": self.fingerprint,
            "nonfinite_rows": validity.nonfinite.size,
            "zero_rows": validity.zero.size,
        }


class UnknownKeyError(KeyError):
    """A key that is not in the space, with the closest keys it has.

    Attributes
    ----------
    key : str
        The key as typed.
    suggestions : list of str
        Closest keys, most likely first.
    """

    def __init__(self, key: str, suggestions: Sequence[str]) -> None:
        self.key = key
        self.suggestions = list(suggestions)
        super().__init__(key)

    def __str__(self) -> str:
        message = f"unknown key {show(self.key, MAX_SHOWN)}"
        if self.suggestions:
            message += "; closest: " + ", ".join(self.suggestions)
        return message


def fingerprint_arrays(keys: Sequence[str], vectors: np.ndarray) -> str:
    """Content hash of keys and vectors, stable across runs.

    Parameters
    ----------
    keys : sequence of str
        The keys in row order.
    vectors : numpy.ndarray
        The float32 matrix.

    Returns
    -------
    str
        24 hex digits of a BLAKE2b digest.
    """
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{vectors.shape}".encode())

    for start in range(0, len(keys), 65536):
        chunk = "\n".join(keys[start : start + 65536])
        digest.update(chunk.encode("utf-8", "surrogatepass"))
        digest.update(b"\n")

    contiguous = np.ascontiguousarray(vectors, dtype=np.float32)
    digest.update(memoryview(contiguous).cast("B"))
    return digest.hexdigest()

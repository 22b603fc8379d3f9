"""Word-pair scoring, and the restricted vocabulary of both benchmarks.

:func:`evaluate_word_pairs` reproduces gensim's
``KeyedVectors.evaluate_word_pairs`` to the last digit; :func:`ok_vocab` is
gensim's restricted, case-folded vocabulary, also used for analogies by
:mod:`embspace.evaluate`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from embspace.benchmarks import Source, read_pairs
from embspace.space import Space
from embspace.wording import counted

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairScore:
    """Agreement of cosine similarity with human ratings of word pairs.

    Attributes
    ----------
    name : str
        The benchmark file.
    pearson, spearman : tuple of (float, float)
        Correlation coefficient and two-sided p-value.
    oov_ratio : float
        Percentage of pairs with an unknown word, as gensim computes it.
    n_pairs : int
        Pairs used in the correlations.
    n_oov : int
        Pairs with an unknown word.
    warnings : tuple of str
        Skipped lines and other things to know about the file.
    restrict_vocab, n_keys : int or None
        Leading keys that counted as known, out of the space's keys.
    """

    name: str
    pearson: tuple[float, float]
    spearman: tuple[float, float]
    oov_ratio: float
    n_pairs: int
    n_oov: int
    warnings: tuple[str, ...] = ()
    restrict_vocab: int | None = None
    n_keys: int | None = None

    @property
    def unscored_reason(self) -> str | None:
        """Why the correlations are undefined (NaN), or None when they are not."""
        outside = outside_vocab(self.restrict_vocab, self.n_keys)
        if self.n_pairs == 0 and self.n_oov == 0:
            return "no pair could be scored, as the file holds no well-formed pair"
        if self.n_pairs == 0:
            return (
                f"no pair could be scored, as {all_have(self.n_oov, 'pair')} {outside}"
            )
        if self.n_pairs == 1:
            skipped = f" ({self.n_oov:,} with a word {outside})" if self.n_oov else ""
            return f"only 1 pair could be scored{skipped}; a correlation needs 2"
        if math.isnan(self.spearman[0]) or math.isnan(self.pearson[0]):
            return (
                f"the similarities or the ratings of the {self.n_pairs:,} scored "
                "pairs are all equal"
            )
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "file": self.name,
            "pearson": list(self.pearson),
            "spearman": list(self.spearman),
            "oov_ratio": self.oov_ratio,
            "pairs": self.n_pairs,
            "oov": self.n_oov,
            "warnings": list(self.warnings),
        }


# -- the restricted vocabulary -------------------------------------------------


def check_restrict(space: Space, restrict_vocab: int | None) -> int:
    """``restrict_vocab`` checked, capped at the number of keys; all if None."""
    if restrict_vocab is None:
        return space.n_keys
    if isinstance(restrict_vocab, bool) or not isinstance(
        restrict_vocab, int | np.integer
    ):
        raise TypeError(f"restrict_vocab must be an integer; got {restrict_vocab!r}")
    if restrict_vocab < 1:
        raise ValueError(f"restrict_vocab={restrict_vocab} must be at least 1")
    return min(int(restrict_vocab), space.n_keys)


def outside_vocab(restrict_vocab: int | None, n_keys: int | None) -> str:
    """Where an unknown word is: ``outside the first 10 keys (restrict_vocab=10)``.

    Says ``outside the vocabulary`` when ``restrict_vocab`` does not cut it.
    """
    if restrict_vocab is None or n_keys is None or restrict_vocab >= n_keys:
        size = "" if n_keys is None else f" of {counted(n_keys, 'key')}"
        return f"outside the vocabulary{size}"
    return (
        f"outside the first {counted(restrict_vocab, 'key')} "
        f"(restrict_vocab={restrict_vocab:,})"
    )


def all_have(n: int, noun: str) -> str:
    """``all 3 pairs have a word``, or ``the 1 pair has a word``."""
    return f"all {n:,} {noun}s have a word" if n != 1 else f"the 1 {noun} has a word"


def fold_case(case_insensitive: bool) -> Callable[[str], str]:
    """gensim's case folding: upper-case when ``case_insensitive``."""
    return str.upper if case_insensitive else str


def ok_vocab(space: Space, *, restrict_vocab: int, fold: Callable) -> dict[str, int]:
    """gensim's ``ok_vocab``: folded key -> row of its most frequent form.

    Built from the first ``restrict_vocab`` keys in reverse order, so that of
    several keys with the same folded form the earliest row wins.
    """
    keys = space.keys[:restrict_vocab]
    folded = map(fold, reversed(keys))
    return dict(zip(folded, range(restrict_vocab - 1, -1, -1)))


# -- word pairs ----------------------------------------------------------------


def _gensim_unit(vector: np.ndarray) -> np.ndarray:
    # gensim's matutils.unitvec: double-precision BLAS norm and scale.
    from scipy.linalg.blas import dnrm2, dscal

    length = dnrm2(vector)
    if length > 0.0:
        return dscal(1.0 / length, vector).astype(vector.dtype)
    return vector


def pair_similarity(space: Space, row1: int, row2: int) -> np.float32:
    """Cosine of two rows exactly as gensim ``KeyedVectors.similarity``."""
    vectors = space.vectors
    return np.dot(_gensim_unit(vectors[row1]), _gensim_unit(vectors[row2]))


def evaluate_word_pairs(
    space: Space,
    path: Source,
    *,
    delimiter: str = "\t",
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
    name: str | None = None,
    empty_ok: bool = False,
) -> PairScore:
    """Pearson and Spearman correlation of cosine similarity with ratings.

    Same results as gensim ``KeyedVectors.evaluate_word_pairs``, except that
    fewer than two usable pairs, or constant similarities or ratings, give NaN
    correlations (see :attr:`PairScore.unscored_reason`) instead of an error.

    Parameters
    ----------
    space : Space
        The vectors; keys in frequency order.
    path : path or bytes
        ``wordsim353.tsv``, ``simlex999.txt`` or a file in that format.
    delimiter : str
        Field separator.
    restrict_vocab : int or None
        Only the first ``restrict_vocab`` keys count as known.
    case_insensitive : bool
        Compare words upper-cased; a folded form maps to its first key.
    dummy4unknown : bool
        Give pairs with an unknown word similarity 0 instead of skipping.
    name : str, optional
        File name for messages, when ``path`` holds the contents.
    empty_ok : bool
        Return NaN correlations when no pair is usable, instead of raising.

    Returns
    -------
    PairScore

    Raises
    ------
    ValueError
        If no pair is usable (all malformed or unknown) and not ``empty_ok``.
    """
    from scipy import stats

    restrict_vocab = check_restrict(space, restrict_vocab)
    pairs = read_pairs(path, name=name, delimiter=delimiter)
    fold = fold_case(case_insensitive)
    vocab = ok_vocab(space, restrict_vocab=restrict_vocab, fold=fold)

    gold, model, oov = [], [], 0
    for pair in pairs.pairs:
        row1, row2 = vocab.get(fold(pair.a)), vocab.get(fold(pair.b))
        if row1 is None or row2 is None:
            oov += 1
            if dummy4unknown:
                model.append(0.0)
                gold.append(pair.score)
            continue
        gold.append(pair.score)
        model.append(pair_similarity(space, row1, row2))

    denominator = len(gold) if dummy4unknown else len(gold) + oov
    score = PairScore(
        name=pairs.name,
        pearson=(math.nan, math.nan),
        spearman=(math.nan, math.nan),
        oov_ratio=float(oov) / denominator * 100 if denominator else 0.0,
        n_pairs=len(gold),
        n_oov=oov,
        warnings=pairs.warnings,
        restrict_vocab=restrict_vocab,
        n_keys=space.n_keys,
    )
    if not gold and not empty_ok:
        raise ValueError(f"{pairs.name}: no usable word pairs; {score.unscored_reason}")
    if len(gold) < 2:
        return score

    # Constant input makes scipy warn; unscored_reason tells the user instead.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        spearman = stats.spearmanr(gold, model)
        pearson = stats.pearsonr(gold, model)
    return dataclasses.replace(
        score,
        pearson=(float(pearson[0]), float(pearson[1])),
        spearman=(float(spearman[0]), float(spearman[1])),
    )

"""Score a space on analogy questions and rated word pairs, as gensim does.

:func:`evaluate_word_analogies` and :func:`evaluate_word_pairs` (from
:mod:`embspace.evaluate_pairs`) reproduce
gensim's ``KeyedVectors.evaluate_word_analogies`` and ``evaluate_word_pairs``
to the last digit: the same restricted, case-folded vocabulary, the same
skipped questions, the same query vectors and the same answers. Analogies are
answered in batches (see :mod:`embspace.analogy_batch`) instead of one
``most_similar`` call per question.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embspace.analogy_batch import answer_questions
from embspace.benchmarks import (
    AnalogySet,
    Source,
    default_paths,
    read_analogies,
)
from embspace.evaluate_pairs import (
    PairScore,
    all_have,
    check_restrict,
    evaluate_word_pairs,
    fold_case,
    ok_vocab,
    outside_vocab,
)
from embspace.space import Space

__all__ = [
    "AnalogyScore",
    "PairScore",
    "QuestionResult",
    "SectionScore",
    "analogy_link",
    "evaluate_all",
    "evaluate_word_analogies",
    "evaluate_word_pairs",
    "format_report",
    "ok_vocab",
]

logger = logging.getLogger(__name__)

TOTAL_SECTION = "Total accuracy"
MAX_REPORTED_FAILURES = 1000


@dataclass(frozen=True)
class SectionScore:
    """Accuracy on one section of an analogy file.

    Attributes
    ----------
    name : str
        Section name as written after ``: `` in the file.
    correct, incorrect : int
        Answered questions (and, with ``dummy4unknown``, unknown ones).
    accuracy : float
        ``correct / (correct + incorrect)``, 0.0 for an empty section.
    n_oov : int
        Questions with a word outside the restricted vocabulary.
    """

    name: str
    correct: int
    incorrect: int
    accuracy: float
    n_oov: int = 0


@dataclass(frozen=True)
class QuestionResult:
    """One question, the key predicted for it, and whether it was right.

    ``predicted`` is ``None`` when a word was unknown (only kept with
    ``dummy4unknown``) or the vocabulary had nothing left to answer with.
    """

    section: str
    a: str
    b: str
    c: str
    expected: str
    predicted: str | None
    correct: bool
    line: int
    oov: bool = False


@dataclass(frozen=True)
class AnalogyScore:
    """Analogy accuracy overall and per section, with every question's answer.

    Attributes
    ----------
    name : str
        The benchmark file.
    accuracy : float
        Overall accuracy (gensim's returned score).
    correct, incorrect : int
        Totals over all sections.
    sections : tuple of SectionScore
        In file order; the total is :attr:`total`.
    questions : tuple of QuestionResult
        Scored questions in file order (unknown ones only with
        ``dummy4unknown``).
    n_questions, n_oov : int
        Well-formed questions read, and those with an unknown word.
    restrict_vocab : int
        Leading keys used for questions and answers.
    case_insensitive : bool
        Whether words were compared upper-cased.
    warnings : tuple of str
        Skipped lines and other things to know about the file.
    n_keys : int or None
        Keys of the space, to tell restrict_vocab from the vocabulary's end.
    """

    name: str
    accuracy: float
    correct: int
    incorrect: int
    sections: tuple[SectionScore, ...]
    questions: tuple[QuestionResult, ...]
    n_questions: int
    n_oov: int
    restrict_vocab: int
    case_insensitive: bool
    warnings: tuple[str, ...] = ()
    n_keys: int | None = None

    @property
    def answered(self) -> int:
        """Questions counted in the accuracy."""
        return self.correct + self.incorrect

    @property
    def unscored_reason(self) -> str | None:
        """Why no question could be asked, or None when some were.

        :attr:`accuracy` is then 0.0, as in gensim, but means nothing.
        """
        if self.answered:
            return None
        if not self.n_questions:
            return "no question could be asked, as the file holds no question"
        outside = outside_vocab(self.restrict_vocab, self.n_keys)
        n_questions = all_have(self.n_questions, "question")
        return f"no question could be asked, as {n_questions} {outside}"

    @property
    def oov_ratio(self) -> float:
        """Percentage of questions with an unknown word (gensim's log line)."""
        return float(self.n_oov) / self.n_questions * 100 if self.n_questions else 0.0

    @property
    def total(self) -> SectionScore:
        """The ``Total accuracy`` row that gensim appends to its sections."""
        return SectionScore(
            TOTAL_SECTION, self.correct, self.incorrect, self.accuracy, self.n_oov
        )

    @property
    def failed(self) -> tuple[QuestionResult, ...]:
        """Questions answered wrongly, in file order."""
        return tuple(q for q in self.questions if not q.correct)

    def to_dict(self, *, max_failed: int | None = None) -> dict[str, Any]:
        """JSON-ready summary; ``max_failed`` caps the list of failed questions."""
        failed = self.failed[:max_failed] if max_failed is not None else self.failed
        return {
            "file": self.name,
            "accuracy": self.accuracy,
            "correct": self.correct,
            "answered": self.answered,
            "questions": self.n_questions,
            "oov_ratio": self.oov_ratio,
            "restrict_vocab": self.restrict_vocab,
            "sections": [vars(section) for section in self.sections],
            "failed": [
                {k: getattr(q, k) for k in ("a", "b", "c", "expected", "predicted")}
                for q in failed
            ],
            "warnings": list(self.warnings),
        }


# -- analogies -----------------------------------------------------------------


def evaluate_word_analogies(
    space: Space,
    path: Source,
    *,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
    name: str | None = None,
) -> AnalogyScore:
    """Accuracy on analogy questions ``a : b :: c : ?`` (3CosAdd), per section.

    Same results as gensim ``KeyedVectors.evaluate_word_analogies``: a question
    counts only if its four words are among the first ``restrict_vocab`` keys;
    the answer is the best of the first ``restrict_vocab`` rows for
    ``b + c - a`` that is not one of the input words.

    Parameters
    ----------
    space : Space
        The vectors; keys in frequency order.
    path : path or bytes
        ``questions-words.txt`` or a file in that format (or its contents).
    restrict_vocab : int or None
        Number of leading keys used for both questions and answers.
    case_insensitive : bool
        Compare words upper-cased; a folded form maps to its first key.
    dummy4unknown : bool
        Count questions with an unknown word as wrong instead of skipping.
    name : str, optional
        File name for messages, when ``path`` holds the contents.

    Returns
    -------
    AnalogyScore
    """
    restrict_vocab = check_restrict(space, restrict_vocab)
    questions = read_analogies(path, name=name)
    fold = fold_case(case_insensitive)
    vocab = ok_vocab(space, restrict_vocab=restrict_vocab, fold=fold)
    logger.info(
        "evaluating analogies of %s on %s (restrict_vocab=%d)",
        questions.name,
        space.name,
        restrict_vocab,
    )

    # Rows of the known questions, in the order (b, c, a) of gensim's query.
    known, rows = [], []
    for section in questions.sections:
        for question in section.questions:
            words = [fold(w) for w in (question.b, question.c, question.a)]
            found = [vocab.get(w) for w in words]
            if None not in found and fold(question.expected) in vocab:
                known.append(question)
                rows.append(found)
    matrix = np.array(rows, dtype=np.int64).reshape(-1, 3)
    predicted = answer_questions(
        space, matrix, restrict_vocab=restrict_vocab, fold=fold
    )
    # Keyed by object id: the parsed questions live until scoring ends.
    answers = dict(zip((id(q) for q in known), predicted))

    score = _score(
        questions, answers, fold, restrict_vocab, case_insensitive, dummy4unknown
    )
    return dataclasses.replace(score, n_keys=space.n_keys)


def _score(
    questions: AnalogySet,
    answers: dict[int, str | None],
    fold: Callable[[str], str],
    restrict_vocab: int,
    case_insensitive: bool,
    dummy4unknown: bool,
) -> AnalogyScore:
    """Count right and wrong answers per section, as gensim does."""
    sections, results, n_questions, n_oov = [], [], 0, 0
    for section in questions.sections:
        correct = incorrect = oov = 0
        for question in section.questions:
            n_questions += 1
            key = answers.get(id(question), False)
            if key is False:
                oov += 1
                if not dummy4unknown:
                    continue
                key = None
            hit = key is not None and fold(key) == fold(question.expected)
            correct, incorrect = correct + hit, incorrect + (not hit)
            results.append(
                QuestionResult(
                    section.name,
                    question.a,
                    question.b,
                    question.c,
                    question.expected,
                    key,
                    hit,
                    question.line,
                    oov=id(question) not in answers,
                )
            )
        sections.append(
            SectionScore(
                section.name, correct, incorrect, _ratio(correct, incorrect), oov
            )
        )
        n_oov += oov

    correct = sum(s.correct for s in sections)
    incorrect = sum(s.incorrect for s in sections)
    return AnalogyScore(
        name=questions.name,
        accuracy=_ratio(correct, incorrect),
        correct=correct,
        incorrect=incorrect,
        sections=tuple(sections),
        questions=tuple(results),
        n_questions=n_questions,
        n_oov=n_oov,
        restrict_vocab=restrict_vocab,
        case_insensitive=case_insensitive,
        warnings=questions.warnings,
    )


def _ratio(correct: int, incorrect: int) -> float:
    return correct / (correct + incorrect) if correct + incorrect else 0.0


# -- all benchmarks at once ----------------------------------------------------


def evaluate_all(
    space: Space,
    *,
    analogies: Source | None = None,
    pairs: Sequence[Source] | None = None,
    restrict_vocab: int | None = 300_000,
) -> dict[str, Any]:
    """Scores on an analogy file and word-pair files, as one JSON-ready dict.

    Parameters
    ----------
    space : Space
        The vectors.
    analogies : path, optional
        Default: gensim's ``questions-words.txt``.
    pairs : sequence of path, optional
        Default: gensim's ``wordsim353.tsv`` and ``simlex999.txt``.
    restrict_vocab : int or None
        As in :func:`evaluate_word_analogies`.
    """
    defaults = default_paths()
    analogies = defaults["analogies"] if analogies is None else analogies
    if pairs is None:
        pairs = [defaults["wordsim353"], defaults["simlex999"]]

    analogy = evaluate_word_analogies(space, analogies, restrict_vocab=restrict_vocab)
    report = {
        "dataset": space.name,
        "analogies": analogy.to_dict(max_failed=MAX_REPORTED_FAILURES),
        "pairs": [],
    }
    for path in pairs:
        score = evaluate_word_pairs(space, path, restrict_vocab=restrict_vocab)
        report["pairs"].append(score.to_dict())
    return report


def format_report(report: dict[str, Any]) -> str:
    """Plain-text form of :func:`evaluate_all`'s report."""
    analogy = report["analogies"]
    lines = [
        f"{report['dataset']}: {analogy['file']}: accuracy {analogy['accuracy']:.4f} "
        f"({analogy['correct']} of {analogy['answered']} answered, "
        f"{analogy['questions']} questions)"
    ]
    for section in analogy["sections"]:
        answered = section["correct"] + section["incorrect"]
        lines.append(
            f"  {section['name']:<30} {section['accuracy']:.4f} "
            f"({section['correct']}/{answered})"
        )
    for pair in report["pairs"]:
        lines.append(
            f"{pair['file']}: pearson {pair['pearson'][0]:.4f}, spearman "
            f"{pair['spearman'][0]:.4f}, oov {pair['oov_ratio']:.1f}%"
        )
    for score in [analogy, *report["pairs"]]:
        lines += [f"warning: {warning}" for warning in score["warnings"]]
    return "\n".join(lines)


def analogy_link(a: str, b: str, c: str, *, dataset: str | None = None) -> str:
    """Relative link that opens ``a : b :: c : ?`` in the Analogies page.

    Parameters
    ----------
    a, b, c : str
        The question's words.
    dataset : str, optional
        The dataset the question was answered on; the link names it unless it
        is the default one, so the page answers on the same vectors.

    Returns
    -------
    str
        E.g. ``analogies?dataset=u-...&a=man&b=king&c=woman``.
    """
    from urllib.parse import quote, urlencode

    from embspace.share import ViewState, to_query_params

    state = ViewState(page="analogies", a=a, b=b, c=c)
    if dataset is not None:
        state = dataclasses.replace(state, dataset=dataset)
    params = to_query_params(state)
    params.pop("page")
    return "analogies?" + urlencode(params, quote_via=quote)

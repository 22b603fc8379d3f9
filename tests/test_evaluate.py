"""Analogy and word-pair scores: equal to gensim's, on GloVe and small spaces."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embspace import analogy_batch
from embspace.benchmarks import default_paths, read_analogies, read_pairs
from embspace.evaluate import (
    TOTAL_SECTION,
    evaluate_all,
    evaluate_word_analogies,
    evaluate_word_pairs,
    format_report,
)
from embspace.space import Space

GENSIM_LOGGER = "gensim.models.keyedvectors"


class _Predictions(logging.Handler):
    """Collects gensim's 'expected X, predicted Y' debug lines."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.predicted: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: expected %s, predicted %s":
            line, _, predicted = record.args
            self.predicted[line] = predicted


@pytest.fixture(scope="session")
def gensim_analogies(glove_kv):
    """gensim's full analogy evaluation on GloVe (about 80 s), run once."""
    handler = _Predictions()
    log = logging.getLogger(GENSIM_LOGGER)
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        score, sections = glove_kv.evaluate_word_analogies(
            str(default_paths()["analogies"])
        )
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    return score, sections, handler.predicted


@pytest.fixture(scope="session")
def our_analogies(glove):
    return evaluate_word_analogies(glove, default_paths()["analogies"])


def _kv(space: Space) -> KeyedVectors:
    kv = KeyedVectors(space.n_dims)
    kv.add_vectors(space.keys, np.asarray(space.vectors))
    kv.fill_norms()
    return kv


def _by_section(score, *, correct: bool) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {s.name: [] for s in score.sections}
    for q in score.questions:
        if q.correct == correct:
            words = (q.a, q.b, q.c, q.expected)
            fold = str.upper if score.case_insensitive else str
            out[q.section].append(tuple(fold(w) for w in words))
    return out


def _assert_same_as_gensim(ours, score, sections) -> None:
    assert ours.accuracy == score
    assert [s.name for s in ours.sections] + [TOTAL_SECTION] == [
        s["section"] for s in sections
    ]
    right, wrong = _by_section(ours, correct=True), _by_section(ours, correct=False)
    for reference in sections[:-1]:
        name = reference["section"]
        assert right[name] == reference["correct"], name
        assert wrong[name] == reference["incorrect"], name
    total = sections[-1]
    assert (ours.correct, ours.incorrect) == (
        len(total["correct"]),
        len(total["incorrect"]),
    )


# -- GloVe against gensim --------------------------------------------------------


def test_glove_analogies_equal_gensim_per_section(gensim_analogies, our_analogies):
    score, sections, _ = gensim_analogies
    _assert_same_as_gensim(our_analogies, score, sections)
    assert our_analogies.total.accuracy == sections[-1]["correct"].__len__() / (
        our_analogies.answered
    )


def test_glove_wrong_answers_equal_gensim_predictions(gensim_analogies, our_analogies):
    _, _, predicted = gensim_analogies
    ours = {
        f"{q.a} {q.b} {q.c} {q.expected}": q.predicted for q in our_analogies.failed
    }
    assert len(predicted) > 5000
    mismatches = {
        line: (ours.get(line), answer)
        for line, answer in predicted.items()
        if (ours.get(line) or "").upper() != answer
    }
    assert mismatches == {}


def test_glove_query_vectors_are_gensims_bit_for_bit(glove, glove_kv):
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 50_000, size=(200, 3))
    ours = analogy_batch.query_vectors(glove, rows)
    for (b, c, a), query in zip(rows, ours):
        keys = [glove.keys[b], glove.keys[c], glove.keys[a]]
        theirs = glove_kv.get_mean_vector(
            keys, np.array([1.0, 1.0, -1.0]), pre_normalize=True, post_normalize=True
        )
        assert np.array_equal(query, theirs)


def test_glove_restricted_vocab_and_subset_equal_gensim(glove, glove_kv, tmp_path):
    lines = default_paths()["analogies"].read_text().splitlines()
    picked, section_lines = [], 0
    for line in lines:
        if line.startswith(": "):
            picked.append(line)
            section_lines = 0
        elif section_lines < 40:
            picked.append(line)
            section_lines += 1
    path = tmp_path / "subset.txt"
    path.write_text("\n".join(picked) + "\n")

    for restrict_vocab in (3_000, 30_000):
        ours = evaluate_word_analogies(glove, path, restrict_vocab=restrict_vocab)
        score, sections = glove_kv.evaluate_word_analogies(
            str(path), restrict_vocab=restrict_vocab
        )
        _assert_same_as_gensim(ours, score, sections)
        assert ours.n_oov > 0


@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
@pytest.mark.parametrize("restrict_vocab", [300_000, 20_000])
def test_glove_word_pairs_equal_gensim(glove, glove_kv, name, restrict_vocab):
    path = default_paths()[name]
    ours = evaluate_word_pairs(glove, path, restrict_vocab=restrict_vocab)
    pearson, spearman, oov_ratio = glove_kv.evaluate_word_pairs(
        str(path), restrict_vocab=restrict_vocab
    )
    assert ours.pearson == (pearson[0], pearson[1])
    assert ours.spearman == (spearman[0], spearman[1])
    assert ours.oov_ratio == oov_ratio


def test_glove_pairs_dummy4unknown_equal_gensim(glove, glove_kv):
    path = default_paths()["simlex999"]
    ours = evaluate_word_pairs(glove, path, restrict_vocab=5_000, dummy4unknown=True)
    pearson, spearman, oov_ratio = glove_kv.evaluate_word_pairs(
        str(path), restrict_vocab=5_000, dummy4unknown=True
    )
    assert (ours.pearson, ours.spearman) == (tuple(pearson), tuple(spearman))
    assert ours.oov_ratio == oov_ratio
    assert ours.n_pairs == 999


# -- small synthetic spaces ------------------------------------------------------


def _planted_space() -> Space:
    """Keys where ``man : king :: woman : queen`` holds exactly."""
    rng = np.random.default_rng(1)
    keys = [f"w{i}" for i in range(300)]
    vectors = rng.standard_normal((300, 8)).astype(np.float32)
    named = {"man": 0, "woman": 1, "king": 2, "queen": 3, "Paris": 4, "France": 5}
    for key, row in named.items():
        keys[row] = key
    vectors[3] = vectors[2] - vectors[0] + vectors[1]
    for row in (0, 1, 2, 3):
        vectors[row] /= np.linalg.norm(vectors[row])
    vectors[3] = (vectors[2] + vectors[1] - vectors[0]) * 3.0
    return Space(keys, vectors, name="planted")


def _write(tmp_path, text: str, name: str = "q.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_planted_answer_is_found(tmp_path):
    space = _planted_space()
    path = _write(tmp_path, ": royals\nman king woman queen\nMAN KING WOMAN QUEEN\n")
    score = evaluate_word_analogies(space, path)
    assert (score.correct, score.incorrect) == (2, 0)
    assert score.questions[0].predicted == "queen"
    assert score.sections[0].accuracy == 1.0


def test_oov_questions_are_skipped_or_counted(tmp_path):
    space = _planted_space()
    text = ": a\nman king woman queen\nman king woman nowhere\n: b\nx y z w\n"
    path = _write(tmp_path, text)

    skipped = evaluate_word_analogies(space, path)
    assert (skipped.correct, skipped.incorrect, skipped.n_oov) == (1, 0, 2)
    assert [s.n_oov for s in skipped.sections] == [1, 1]
    assert skipped.oov_ratio == pytest.approx(200 / 3)

    counted = evaluate_word_analogies(space, path, dummy4unknown=True)
    assert (counted.correct, counted.incorrect) == (1, 2)
    assert counted.failed[0].oov and counted.failed[0].predicted is None


@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("restrict_vocab", [40, 250, None])
def test_random_space_equals_gensim(tmp_path, case_insensitive, restrict_vocab):
    rng = np.random.default_rng(7)
    keys = [f"k{i}" for i in range(300)]
    keys[10], keys[20], keys[30] = "Apple", "apple", "APPLE"
    vectors = rng.standard_normal((300, 6)).astype(np.float32)
    vectors[50] = vectors[51]  # an exact tie between two rows
    space = Space(keys, vectors, name="random")

    words = keys[:60] + ["unknown"]
    lines = [": first"]
    for i in range(400):
        if i == 200:
            lines.append(": second")
        lines.append(" ".join(rng.choice(words, 4)))
    path = _write(tmp_path, "\n".join(lines) + "\n")

    ours = evaluate_word_analogies(
        space, path, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    score, sections = _kv(space).evaluate_word_analogies(
        str(path),
        restrict_vocab=restrict_vocab or 300,
        case_insensitive=case_insensitive,
    )
    _assert_same_as_gensim(ours, score, sections)


def test_near_ties_fall_back_to_gensims_scan(caplog):
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((200, 5)).astype(np.float32)
    vectors[100:150] = vectors[99]  # 51 identical rows: the top 16 cannot decide
    space = Space([f"k{i}" for i in range(200)], vectors)
    rows = np.array([[1, 2, 3], [4, 5, 6]])
    query = analogy_batch.query_vectors(space, rows)
    rows[0] = [99, 100, 7]

    with caplog.at_level(logging.INFO, logger="embspace.analogy_batch"):
        got = analogy_batch.answer_questions(
            space, rows, restrict_vocab=200, fold=str.upper
        )
    kv = _kv(space)
    for (b, c, a), key in zip(rows, got):
        sims = kv.most_similar(
            positive=[space.keys[b], space.keys[c]], negative=[space.keys[a]], topn=5
        )
        assert key == sims[0][0]
    assert "by a full scan" in caplog.text
    assert query.dtype == np.float32


# -- parsing and bad files -------------------------------------------------------


def test_malformed_lines_are_counted_and_named(tmp_path):
    text = ": s\nman king woman queen\nonly three words\n\nman king woman queen extra\n"
    parsed = read_analogies(_write(tmp_path, text))
    assert len(parsed.sections[0].questions) == 1
    assert parsed.warnings == (
        "q.txt: skipped 2 lines (not four words): lines 3, 5",
        "q.txt: skipped 1 line (blank): line 4",
    )
    score = evaluate_word_analogies(_planted_space(), _write(tmp_path, text))
    assert score.answered == 1 and len(score.warnings) == 2


def test_question_before_section_is_an_error(tmp_path):
    path = _write(tmp_path, "man king woman queen\n: s\n")
    with pytest.raises(ValueError, match=r"q\.txt: line 1: a question before"):
        evaluate_word_analogies(_planted_space(), path)


def test_bad_utf8_names_line_and_byte(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b": s\nman king \xff woman\n")
    with pytest.raises(ValueError, match=r"bad\.txt: line 2, byte 10: not valid UTF-8"):
        read_analogies(path)


def test_gzip_and_bytes_and_bom_are_read(tmp_path):
    data = "\ufeff: s\nman king woman queen\n".encode()
    parsed = read_analogies(gzip.compress(data), name="up.txt.gz")
    assert parsed.sections[0].name == "s"
    assert parsed.warnings == ("up.txt.gz: a byte-order mark opened the file; removed",)


def test_broken_gzip_is_one_line_error():
    with pytest.raises(ValueError, match=r"up\.gz: not a readable gzip file"):
        read_pairs(b"\x1f\x8b\x08\x00garbage", name="up.gz")


def test_pairs_skip_comments_and_name_bad_lines(tmp_path):
    text = (
        "# header\nman\tking\t3.5\nman king 2\nwoman\tqueen\tlots\r\nking\tqueen\t8\n"
    )
    parsed = read_pairs(_write(tmp_path, text, "p.tsv"))
    assert [(p.a, p.b, p.score) for p in parsed.pairs] == [
        ("man", "king", 3.5),
        ("king", "queen", 8.0),
    ]
    assert parsed.warnings == (
        "p.tsv: skipped 1 line (not three fields separated by '\\t'): line 3",
        "p.tsv: skipped 1 line (score is not a number): line 4",
    )


def test_pairs_on_small_space_equal_gensim(tmp_path):
    space = _planted_space()
    text = "man\tking\t3\nwoman\tqueen\t5\nking\tqueen\t9\nparis\tfrance\t7\nx\ty\t1\n"
    path = _write(tmp_path, text, "p.tsv")
    ours = evaluate_word_pairs(space, path)
    pearson, spearman, oov_ratio = _kv(space).evaluate_word_pairs(str(path))
    assert ours.pearson == tuple(pearson) and ours.spearman == tuple(spearman)
    assert ours.oov_ratio == oov_ratio == 20.0
    assert (ours.n_pairs, ours.n_oov) == (4, 1)


def test_pairs_without_known_words_is_an_error(tmp_path):
    path = _write(tmp_path, "foo\tbar\t1\n", "p.tsv")
    with pytest.raises(
        ValueError,
        match=r"p\.tsv: no usable word pairs; no pair could be scored, as the 1 "
        r"pair has a word outside the vocabulary of 300 keys",
    ):
        evaluate_word_pairs(_planted_space(), path)


# -- nothing to score: undefined, not zero --------------------------------------


def test_no_question_asked_says_why(tmp_path):
    path = _write(tmp_path, ": royals\nman king woman queen\nx y z w\n")
    restricted = evaluate_word_analogies(_planted_space(), path, restrict_vocab=3)
    assert (restricted.answered, restricted.accuracy) == (0, 0.0)
    assert restricted.unscored_reason == (
        "no question could be asked, as all 2 questions have a word outside the "
        "first 3 keys (restrict_vocab=3)"
    )

    small = Space(["man", "king", "woman"], np.eye(3, dtype=np.float32))
    unknown = evaluate_word_analogies(small, path)
    assert unknown.unscored_reason == (
        "no question could be asked, as all 2 questions have a word outside the "
        "vocabulary of 3 keys"
    )
    assert evaluate_word_analogies(_planted_space(), path).unscored_reason is None


def test_pairs_without_known_words_can_be_empty(tmp_path):
    path = _write(tmp_path, "foo\tbar\t1\nman\tking\t3\n", "p.tsv")
    score = evaluate_word_pairs(_planted_space(), path, restrict_vocab=1, empty_ok=True)
    assert (score.n_pairs, score.n_oov, score.oov_ratio) == (0, 2, 100.0)
    assert np.isnan(score.spearman).all() and np.isnan(score.pearson).all()
    assert score.unscored_reason == (
        "no pair could be scored, as all 2 pairs have a word outside the first 1 key "
        "(restrict_vocab=1)"
    )


def test_one_or_constant_pairs_give_nan_not_an_error(tmp_path):
    space = _planted_space()
    one = _write(tmp_path, "man\tking\t3\nfoo\tbar\t1\n", "one.tsv")
    score = evaluate_word_pairs(space, one)
    assert score.n_pairs == 1 and np.isnan(score.spearman[0])
    assert score.unscored_reason == (
        "only 1 pair could be scored (1 with a word outside the vocabulary of "
        "300 keys); a correlation needs 2"
    )

    same = _write(tmp_path, "man\tking\t3\nwoman\tqueen\t3\n", "same.tsv")
    score = evaluate_word_pairs(space, same)
    assert score.n_pairs == 2 and np.isnan(score.spearman[0])
    assert score.unscored_reason == (
        "the similarities or the ratings of the 2 scored pairs are all equal"
    )


def test_restrict_vocab_is_checked(tmp_path):
    path = _write(tmp_path, ": s\nman king woman queen\n")
    with pytest.raises(ValueError, match=r"restrict_vocab=0 must be at least 1"):
        evaluate_word_analogies(_planted_space(), path, restrict_vocab=0)
    with pytest.raises(TypeError, match=r"restrict_vocab must be an integer"):
        evaluate_word_pairs(_planted_space(), path, restrict_vocab=2.5)


def test_evaluate_all_report(tmp_path):
    space = _planted_space()
    analogies = _write(tmp_path, ": royals\nman king woman queen\n")
    pairs = _write(tmp_path, "man\tking\t3\nwoman\tqueen\t5\nking\tqueen\t9\n", "p.tsv")
    report = evaluate_all(space, analogies=analogies, pairs=[pairs])
    assert report["analogies"]["accuracy"] == 1.0
    assert report["pairs"][0]["pairs"] == 3
    text = format_report(report)
    assert text.splitlines()[0].startswith("planted: q.txt: accuracy 1.0000")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"benchmark file '.*nope\.txt' is not a file"):
        read_analogies(tmp_path / "nope.txt")


def test_default_paths_are_gensims_test_data_found_without_importing_gensim():
    import subprocess
    import sys

    from gensim.test.utils import datapath

    assert default_paths() == {
        "analogies": Path(datapath("questions-words.txt")),
        "wordsim353": Path(datapath("wordsim353.tsv")),
        "simlex999": Path(datapath("simlex999.txt")),
    }
    script = (
        "import sys; from embspace.benchmarks import default_paths; "
        "default_paths(); print('gensim' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr

"""Queries against gensim on the real GloVe data, and on small planted spaces."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from embspace import queries
from embspace.space import Space, UnknownKeyError

# Frequency ranks spread from the most common keys to rank 300,000.
ORACLE_RANKS = sorted(
    {0, 1, 7, 42, 99, 691, *np.linspace(150, 300_000, 56).astype(int)}
)

# (a, b, c): a is to b as c is to ?
ANALOGIES = [
    ("man", "king", "woman"),
    ("france", "paris", "italy"),
    ("germany", "berlin", "japan"),
    ("walk", "walked", "swim"),
    ("good", "better", "bad"),
    ("big", "bigger", "small"),
    ("man", "he", "woman"),
    ("brother", "sister", "father"),
    ("boy", "girl", "king"),
    ("slow", "slowly", "quick"),
    ("car", "cars", "child"),
    ("dance", "dancing", "read"),
    ("usa", "dollar", "japan"),
    ("tokyo", "japan", "moscow"),
    ("mouse", "mice", "goose"),
    ("cold", "colder", "hot"),
]

SCORE_TOLERANCE = 1e-6


def assert_same(result: queries.QueryResult, expected: list[tuple[str, float]]) -> None:
    """Identical keys in the same order, scores equal to 1e-6."""
    assert result.keys == [key for key, _ in expected]
    assert_allclose(
        [n.score for n in result.results],
        [score for _, score in expected],
        rtol=0,
        atol=SCORE_TOLERANCE,
    )


# -- neighbours against gensim -------------------------------------------------------


def test_oracle_ranks_cover_the_frequency_range():
    assert len(ORACLE_RANKS) >= 50
    assert ORACLE_RANKS[0] == 0 and ORACLE_RANKS[-1] == 300_000


@pytest.mark.parametrize("rank", ORACLE_RANKS)
def test_neighbors_match_gensim(glove, glove_kv, rank):
    key = glove.keys[rank]
    assert glove.valid[rank], f"{key!r} has no direction"

    result = queries.neighbors(glove, key, topn=10)

    assert_same(result, glove_kv.most_similar(key, topn=10))
    assert key not in result.keys
    assert result.inputs == (key,)


@pytest.mark.parametrize("restrict_vocab", [1_000, 20_000, 50_000, 123_457])
@pytest.mark.parametrize("key", ["king", "computer", "river", "beautiful", "1990"])
def test_restrict_vocab_matches_gensim(glove, glove_kv, key, restrict_vocab):
    result = queries.neighbors(glove, key, topn=10, restrict_vocab=restrict_vocab)

    expected = glove_kv.most_similar(key, topn=10, restrict_vocab=restrict_vocab)
    assert_same(result, expected)
    assert all(n.index < restrict_vocab for n in result.results)


@pytest.mark.parametrize("topn", [1, 3, 100])
def test_topn_matches_gensim(glove, glove_kv, topn):
    result = queries.neighbors(glove, "france", topn=topn)

    assert len(result.results) == topn
    assert_same(result, glove_kv.most_similar("france", topn=topn))


def test_neighbors_of_a_vector_match_gensim(glove, glove_kv):
    rng = np.random.default_rng(7)
    vector = rng.normal(size=glove.n_dims).astype(np.float32)

    result = queries.neighbors(glove, vector, topn=10)

    assert_same(result, glove_kv.most_similar(positive=[vector], topn=10))
    assert result.query == "<vector>"


# -- analogies and expressions against gensim ----------------------------------------


@pytest.mark.parametrize("a, b, c", ANALOGIES, ids=" ".join)
def test_3cosadd_matches_gensim(glove, glove_kv, a, b, c):
    result = queries.analogy(glove, a, b, c, method="add", topn=10)

    expected = glove_kv.most_similar(positive=[b, c], negative=[a], topn=10)
    assert_same(result, expected)
    assert set(result.inputs) == {a, b, c}


@pytest.mark.parametrize("a, b, c", ANALOGIES, ids=" ".join)
def test_3cosmul_matches_gensim(glove, glove_kv, a, b, c):
    result = queries.analogy(glove, a, b, c, method="mul", topn=10)

    expected = glove_kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=10)
    assert_same(result, expected)
    assert result.metric == "3cosmul"


def test_classic_analogies_give_the_textbook_answer(glove):
    assert queries.analogy(glove, "man", "king", "woman").keys[0] == "queen"
    assert queries.analogy(glove, "france", "paris", "italy").keys[0] == "rome"


@pytest.mark.parametrize("restrict_vocab", [5_000, 60_000])
def test_3cosmul_restrict_vocab_matches_gensim_scores(glove, glove_kv, restrict_vocab):
    # gensim's most_similar_cosmul ignores restrict_vocab: rank its scores here.
    a, b, c = "man", "king", "woman"
    scores = glove_kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=None)
    scores = scores[:restrict_vocab]
    inputs = {glove.index(key) for key in (a, b, c)}
    order = [i for i in np.argsort(-scores, kind="stable") if i not in inputs][:10]

    result = queries.analogy(
        glove, a, b, c, method="mul", topn=10, restrict_vocab=restrict_vocab
    )

    assert_same(result, [(glove.keys[i], float(scores[i])) for i in order])


def test_cosmul_with_one_positive_key_ranks_like_most_similar(glove, glove_kv):
    result = queries.most_similar_cosmul(glove, ["water"], topn=10)

    assert_same(result, glove_kv.most_similar_cosmul(positive=["water"], topn=10))
    assert result.keys == queries.neighbors(glove, "water").keys


@pytest.mark.parametrize(
    "text, positive, negative",
    [
        ("king - man + woman", ["king", "woman"], ["man"]),
        ("king-man+woman", ["king", "woman"], ["man"]),
        ("paris - france + germany", ["paris", "germany"], ["france"]),
        ("  walked   -walk +swim ", ["walked", "swim"], ["walk"]),
        ("e-mail + phone", ["e-mail", "phone"], []),
    ],
)
def test_expressions_match_gensim(glove, glove_kv, text, positive, negative):
    result = queries.expression(glove, text, topn=10)

    expected = glove_kv.most_similar(positive=positive, negative=negative, topn=10)
    assert_same(result, expected)
    assert result.query == " ".join(text.split())


# -- pairs and sets against gensim ----------------------------------------------------

PAIRS = [
    ("king", "queen"),
    ("king", "man"),
    ("cat", "dog"),
    ("the", "a"),
    ("paris", "banana"),
    ("computer", "software"),
]


@pytest.mark.parametrize("a, b", PAIRS)
def test_similarity_matches_gensim(glove, glove_kv, a, b):
    assert_allclose(
        queries.similarity(glove, a, b), glove_kv.similarity(a, b), atol=1e-6
    )


@pytest.mark.parametrize("a, b", PAIRS)
def test_rank_matches_gensim(glove, glove_kv, a, b):
    assert queries.rank(glove, a, b) == glove_kv.rank(a, b)


def test_rank_of_a_key_to_itself_is_one(glove, glove_kv):
    assert queries.rank(glove, "river", "river") == glove_kv.rank("river", "river") == 1


@pytest.mark.parametrize(
    "keys1, keys2",
    [
        (["king", "queen"], ["man", "woman"]),
        (["paris"], ["france", "italy", "rome"]),
        (["sushi", "rice", "fish"], ["car", "engine"]),
    ],
)
def test_n_similarity_matches_gensim(glove, glove_kv, keys1, keys2):
    expected = glove_kv.n_similarity(keys1, keys2)
    assert_allclose(queries.n_similarity(glove, keys1, keys2), expected, atol=1e-6)


@pytest.mark.parametrize(
    "keys",
    [
        ["breakfast", "cereal", "dinner", "lunch"],
        ["apple", "banana", "cherry", "car"],
        ["paris", "london", "berlin", "cat"],
        ["red", "green", "blue", "seven"],
        ["one", "two", "three"],
    ],
)
def test_doesnt_match_matches_gensim(glove, glove_kv, keys):
    result = queries.doesnt_match(glove, keys)

    assert result.key == glove_kv.doesnt_match(keys)
    expected = {key: float(score) for score, key in glove_kv.rank_by_centrality(keys)}
    assert result.scores.keys() == expected.keys()
    assert_allclose(
        [result.scores[k] for k in keys], [expected[k] for k in keys], atol=1e-6
    )


def test_similarity_matrix_is_symmetric_with_unit_diagonal(glove, glove_kv):
    keys = ["king", "queen", "apple", "the"]

    matrix = queries.similarity_matrix(glove, keys)

    expected = [[glove_kv.similarity(a, b) for b in keys] for a in keys]
    assert_allclose(matrix, expected, atol=1e-6)
    assert_allclose(matrix, matrix.T)


# -- euclidean and dot against scikit-learn and numpy ---------------------------------

SAMPLE_ROWS = 50_000


@pytest.fixture(scope="module")
def euclidean_oracle(glove):
    from sklearn.neighbors import NearestNeighbors

    model = NearestNeighbors(n_neighbors=11, algorithm="brute", metric="euclidean")
    return model.fit(np.asarray(glove.vectors[:SAMPLE_ROWS], dtype=np.float64))


@pytest.mark.parametrize("key", ["king", "of", "river", "1990", "beautiful", "obama"])
def test_euclidean_matches_scikit_learn(glove, euclidean_oracle, key):
    row = glove.index(key)
    vector = np.asarray(glove.vectors[[row]], dtype=np.float64)
    distances, rows = euclidean_oracle.kneighbors(vector, n_neighbors=11)
    keep = rows[0] != row

    result = queries.neighbors(
        glove, key, topn=10, metric="euclidean", restrict_vocab=SAMPLE_ROWS
    )

    assert result.keys == [glove.keys[i] for i in rows[0][keep][:10]]
    assert_allclose(
        [n.score for n in result.results], distances[0][keep][:10], atol=1e-4
    )


@pytest.fixture(scope="module")
def glove64(glove):
    return np.asarray(glove.vectors, dtype=np.float64)


@pytest.mark.parametrize("key", ["king", "of", "river", "1990", "beautiful", "obama"])
def test_dot_matches_numpy(glove, glove64, key):
    row = glove.index(key)
    scores = glove64 @ glove64[row]
    scores[row] = -np.inf
    order = np.argsort(-scores)[:10]

    result = queries.neighbors(glove, key, topn=10, metric="dot")

    assert result.keys == [glove.keys[i] for i in order]
    assert_allclose([n.score for n in result.results], scores[order], rtol=1e-5)


# -- small planted spaces ------------------------------------------------------------


def planted_space(*, n_keys: int = 300, n_dims: int = 8, seed: int = 0) -> Space:
    """Random keys ``w0..``; ``w1``, ``w2``, ``w3`` closer and closer to ``w0``.

    Rows ``w4`` is all zeros, ``w5`` holds a NaN and ``w6`` an infinity; all
    three lie on ``w0``'s direction where they could, so a ranking that forgot
    them would put them first.
    """
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n_keys, n_dims)).astype(np.float32)
    base = vectors[0]
    for row, noise in ((1, 0.05), (2, 0.10), (3, 0.20)):
        vectors[row] = base + noise * rng.normal(size=n_dims)
    vectors[4] = 0
    vectors[5] = base
    vectors[5, 0] = np.nan
    vectors[6] = base
    vectors[6, 1] = np.inf
    keys = [f"w{i}" for i in range(n_keys)]
    return Space(keys, vectors, name="planted")


INVALID = {"w4", "w5", "w6"}
NONFINITE = {"w5", "w6"}


@pytest.fixture()
def planted() -> Space:
    return planted_space()


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_planted_neighbours_come_first(planted, metric):
    result = queries.neighbors(planted, "w0", topn=3, metric=metric)

    assert result.keys == ["w1", "w2", "w3"]
    assert result.metric == metric


@pytest.mark.parametrize("metric", queries.METRICS)
def test_invalid_rows_never_rank_and_no_score_is_nan(planted, metric):
    # The zero row w4 has no direction (cosine) but a place (distance, dot).
    left_out = INVALID if metric == "cosine" else NONFINITE
    for key in ["w0", "w1", "w100", "w299"]:
        result = queries.neighbors(planted, key, topn=planted.n_keys, metric=metric)

        assert left_out.isdisjoint(result.keys)
        assert ("w4" in result.keys) is (metric != "cosine")
        assert len(result.results) == planted.n_keys - len(left_out) - 1
        assert np.isfinite([n.score for n in result.results]).all()


@pytest.mark.parametrize("metric", ["euclidean", "dot"])
def test_zero_row_scores_like_the_origin(planted, metric):
    result = queries.neighbors(planted, "w10", topn=planted.n_keys, metric=metric)
    zero = next(n for n in result.results if n.key == "w4")

    query = planted.vectors[10].astype(np.float64)
    expected = np.linalg.norm(query) if metric == "euclidean" else 0.0
    assert zero.score == pytest.approx(expected, abs=1e-5)

    # A zero key has a neighbourhood by distance too.
    around = queries.neighbors(planted, "w4", topn=3, metric=metric)
    assert len(around.results) == 3
    assert np.isfinite([n.score for n in around.results]).all()


def test_invalid_rows_never_rank_in_analogies(planted):
    for method in queries.ANALOGY_METHODS:
        result = queries.analogy(planted, "w7", "w8", "w9", method=method, topn=400)

        assert INVALID.isdisjoint(result.keys)
        assert {"w7", "w8", "w9"}.isdisjoint(result.keys)
        assert np.isfinite([n.score for n in result.results]).all()


def test_dot_prefers_long_vectors():
    vectors = np.array([[1, 0], [3, 3], [0.5, 0.1], [-2, 0], [1, -1]], np.float32)
    space = Space(["q", "long", "close", "opposite", "orthogonal"], vectors)

    result = queries.neighbors(space, "q", topn=4, metric="dot")

    assert result.keys == ["long", "orthogonal", "close", "opposite"]
    assert_allclose([n.score for n in result.results], [3, 1, 0.5, -2])


def test_euclidean_is_smallest_first_and_dot_largest_first(planted):
    euclidean = queries.neighbors(planted, "w10", topn=20, metric="euclidean")
    dot = queries.neighbors(planted, "w10", topn=20, metric="dot")

    distances = [n.score for n in euclidean.results]
    dots = [n.score for n in dot.results]
    assert distances == sorted(distances)
    assert dots == sorted(dots, reverse=True)


def test_equal_scores_rank_the_lower_row_first():
    vectors = np.array([[1, 0], [0, 1], [0, 2], [0, 1], [1, 1]], dtype=np.float32)
    space = Space(["a", "b", "c", "d", "e"], vectors)

    result = queries.neighbors(space, [0.0, 1.0] and np.array([0, 1.0]), topn=3)

    assert result.keys == ["b", "c", "d"]


@pytest.mark.parametrize(
    "key, problem", [("w4", "zero"), ("w5", "non-finite"), ("w6", "non-finite")]
)
def test_querying_an_invalid_key_is_a_clear_error(planted, key, problem):
    with pytest.raises(ValueError, match=f"key '{key}' has a {problem} vector"):
        queries.neighbors(planted, key)
    if problem == "non-finite":
        for metric in ("euclidean", "dot"):
            with pytest.raises(ValueError, match=f"key '{key}' has a non-finite"):
                queries.neighbors(planted, key, metric=metric)
    with pytest.raises(ValueError, match=f"key '{key}' has a {problem} vector"):
        queries.analogy(planted, "w1", key, "w2")
    with pytest.raises(ValueError, match=f"key '{key}' has a {problem} vector"):
        queries.similarity(planted, "w1", key)


def test_a_query_that_cancels_out_is_a_clear_error(planted):
    with pytest.raises(ValueError, match="the query vector is zero"):
        queries.expression(planted, "w1 - w1")


def test_unknown_key_suggests_the_closest_keys(glove):
    with pytest.raises(
        UnknownKeyError, match=r"^unknown key 'kingg'; closest: king, kings"
    ):
        queries.neighbors(glove, "kingg")
    with pytest.raises(KeyError, match="unknown key 'qeen'; closest: .*queen"):
        queries.analogy(glove, "man", "king", "qeen")


def test_a_capitalised_key_resolves_with_a_note(glove, glove_kv):
    result = queries.neighbors(glove, "King", topn=10)

    assert_same(result, glove_kv.most_similar("king", topn=10))
    assert result.notes == ("'King' is not in glove-6b-50d; using 'king'",)
    assert result.inputs == ("king",)


@pytest.mark.parametrize("empty", ["", "   "])
def test_empty_inputs_are_named_not_unknown(planted, empty):
    with pytest.raises(ValueError, match="^c is empty"):
        queries.analogy(planted, "w1", "w2", empty)
    with pytest.raises(ValueError, match="^a is empty"):
        queries.analogy(planted, empty, "w2", "w3", method="mul")
    with pytest.raises(ValueError, match="a key of the query is empty"):
        queries.neighbors(planted, empty)


# -- bad arguments --------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"topn": 0}, ValueError, r"topn=0 must be at least 1"),
        ({"topn": -3}, ValueError, r"topn=-3 must be at least 1"),
        ({"topn": 2.5}, TypeError, r"topn must be an integer; got 2.5"),
        ({"topn": True}, TypeError, r"topn must be an integer; got True"),
        ({"metric": "manhattan"}, ValueError, r"metric='manhattan' is not one of"),
        ({"restrict_vocab": 0}, ValueError, r"restrict_vocab=0 must be at least 1"),
        ({"restrict_vocab": 2.5}, TypeError, r"restrict_vocab must be an integer"),
    ],
)
def test_bad_arguments(planted, kwargs, error, message):
    with pytest.raises(error, match=message):
        queries.neighbors(planted, "w0", **kwargs)


def test_bad_analogy_method(planted):
    with pytest.raises(ValueError, match=r"method='sub' is not one of add, mul"):
        queries.analogy(planted, "w1", "w2", "w3", method="sub")


def test_bad_query_vector(planted):
    with pytest.raises(
        ValueError, match=r"query vector has shape \(3,\); expected \(8,\)"
    ):
        queries.neighbors(planted, np.ones(3))
    with pytest.raises(ValueError, match="query vector holds NaN or infinite values"):
        queries.neighbors(planted, np.full(8, np.nan))


def test_bad_sets(planted):
    with pytest.raises(ValueError, match="odd one out needs at least 2 keys; got 1"):
        queries.doesnt_match(planted, ["w1"])
    with pytest.raises(ValueError, match="keys2 is empty"):
        queries.n_similarity(planted, ["w1"], [])
    with pytest.raises(ValueError, match="a query needs at least one key or vector"):
        queries.most_similar(planted, [], [])


def test_restrict_vocab_larger_than_the_space_searches_everything(planted):
    everything = queries.neighbors(planted, "w0", topn=5)
    restricted = queries.neighbors(planted, "w0", topn=5, restrict_vocab=10**9)

    assert restricted == everything


def test_result_to_dict_is_json_ready(planted):
    result = queries.neighbors(planted, "w0", topn=2)

    payload = result.to_dict()

    assert payload["query"] == "w0"
    assert [item["key"] for item in payload["results"]] == ["w1", "w2"]
    assert payload["results"][0]["score"] == round(result.results[0].score, 4)

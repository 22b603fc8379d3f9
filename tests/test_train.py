"""Training with gensim: corpus reading, callbacks, stopping, determinism."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from gensim.models import Word2Vec

from embspace import train as training
from embspace.cli import main
from embspace.space import Space


@pytest.fixture(scope="module")
def lee():
    return training.load_corpus("lee")


def test_lee_corpus_is_split_into_sentences(lee):
    stories = training.lee_path().read_text().splitlines()
    assert len(lee) > len([s for s in stories if s.strip()])
    assert lee[0][:4] == ["hundreds", "of", "people", "have"]
    assert all(token == token.lower() for sentence in lee[:50] for token in sentence)


def test_load_corpus_none_is_lee(lee):
    assert training.load_corpus(None) == lee


def test_one_sentence_per_line_and_gzip(tmp_path):
    text = "The cat sat.\nA dog ran! Then it slept.\n\n"
    path = tmp_path / "c.txt.gz"
    path.write_bytes(gzip.compress(text.encode()))
    assert training.load_corpus(path) == [
        ["the", "cat", "sat"],
        ["dog", "ran", "then", "it", "slept"],
    ]
    assert training.load_corpus(path, mode="text")[1] == ["dog", "ran"]


def test_bad_utf8_names_line(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"fine line\nbad \xc3( here\n")
    with pytest.raises(ValueError, match=r"c\.txt: line 2, byte 5: not valid UTF-8"):
        training.load_corpus(path)


def test_binary_and_empty_corpora_are_refused():
    with pytest.raises(ValueError, match=r"up\.bin: holds NUL bytes"):
        training.load_corpus(b"\x00\x01\x02", name="up.bin")
    with pytest.raises(ValueError, match=r"empty\.txt: no words found"):
        training.load_corpus(b"1 2 3\n", name="empty.txt")
    with pytest.raises(ValueError, match=r"mode='x' is not one of"):
        training.load_corpus(b"a b", mode="x")


def test_size_cap(monkeypatch):
    monkeypatch.setattr(training, "MAX_CORPUS_BYTES", 10)
    with pytest.raises(ValueError, match=r"big\.txt: larger than"):
        training.load_corpus(b"x" * 11, name="big.txt")


def test_same_seed_gives_identical_vectors(lee):
    first = training.train(lee, epochs=2, seed=7)
    second = training.train(lee, epochs=2, seed=7)
    other = training.train(lee, epochs=2, seed=8)
    assert first.keys == second.keys
    assert np.array_equal(first.vectors, second.vectors)
    assert not np.array_equal(first.vectors, other.vectors)


def test_vectors_equal_plain_gensim(lee):
    ours = training.train(lee, epochs=2, sg=1, vector_size=20, seed=3, min_count=2)
    model = Word2Vec(lee, epochs=2, sg=1, vector_size=20, seed=3, workers=1,
                     min_count=2, window=5, negative=5)  # fmt: skip
    assert ours.keys == model.wv.index_to_key
    assert np.array_equal(ours.vectors, model.wv.vectors)


def test_callbacks_report_each_epoch_with_snapshots(lee):
    seen = []
    result = training.train(
        lee,
        epochs=3,
        watch_keys=["police", "government", "notaword"],
        topn=4,
        on_epoch=lambda epoch, total, snap: seen.append((epoch, total, snap)),
    )
    assert [(epoch, total) for epoch, total, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    last = seen[-1][2]
    assert set(last.neighbors) == {"police", "government"}
    assert len(last.neighbors["police"]) == 4
    row = result.keys.index("police")
    assert np.array_equal(last.vectors["police"], result.vectors[row])
    assert result.notes == ("not in the vocabulary: notaword",)

    space = Space(result.keys, result.vectors)
    unit = space.unit
    scores = unit @ unit[row]
    best = [space.keys[i] for i in np.argsort(-scores) if i != row][:4]
    assert [key for key, _ in last.neighbors["police"]] == best


def test_should_stop_ends_cleanly(lee):
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) >= 2

    result = training.train(lee, model="fasttext", epochs=5, should_stop=stop)
    assert (result.epochs_done, result.stopped) == (2, True)
    assert len(result.snapshots) == 2
    assert np.isfinite(result.vectors).all()
    assert result.to_space("ft").n_keys == len(result.keys)


def test_watch_positions_use_one_projection(lee):
    from sklearn.decomposition import PCA

    result = training.train(lee, epochs=3, watch_keys=["police"], topn=3)
    frame = training.watch_positions(result.snapshots)
    assert sorted(frame["epoch"].unique()) == [1, 2, 3]
    assert set(frame["role"]) == {"watched", "neighbor"}

    final = result.snapshots[-1]
    keys = list(final.vectors)
    pca = PCA(n_components=2, random_state=0).fit(
        np.stack([final.vectors[k] for k in keys])
    )
    first = result.snapshots[0]
    expected = pca.transform(first.vectors["police"][None, :])[0]
    got = frame[(frame.epoch == 1) & (frame.key == "police")][["x", "y"]].to_numpy()
    np.testing.assert_allclose(got[0], expected, rtol=1e-5, atol=1e-6)

    table = training.neighbor_table(result.snapshots, "police")
    assert list(table.columns) == ["epoch 1", "epoch 2", "epoch 3"]
    assert len(table) == 3


def test_parameters_are_checked(lee):
    with pytest.raises(ValueError, match=r"model='glove' is not one of"):
        training.train(lee, model="glove")
    with pytest.raises(ValueError, match=r"epochs=0 must be at least 1"):
        training.train(lee, epochs=0)
    with pytest.raises(TypeError, match=r"window must be an integer"):
        training.train(lee, window=2.5)
    with pytest.raises(ValueError, match=r"min_count=100000 leaves no words"):
        training.train(lee, min_count=100_000)


def test_cli_evaluate_json(tmp_path, capsys):
    import json

    questions = tmp_path / "q.txt"
    questions.write_text(": s\nman king woman queen\n")
    pairs = tmp_path / "p.tsv"
    pairs.write_text("man\tking\t3\nwoman\tqueen\t5\nking\tqueen\t9\n")
    code = main(
        ["evaluate", "--analogies", str(questions), "--pairs", str(pairs), "--json"]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["analogies"]["answered"] == 1
    assert report["pairs"][0]["pairs"] == 3


def test_cli_errors_are_one_line(tmp_path, capsys):
    missing = tmp_path / "nope.txt"
    assert main(["train", str(missing), "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: corpus") and err.count("\n") == 1


def test_cli_train_stores_a_dataset(capsys):
    import json

    from embspace import store

    code = main(["train", "lee", "--out", "lee-1", "--epochs", "1", "--json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    space = store.load(payload["id"])
    assert space.n_dims == 50 and "police" in space
    assert payload["title"] == "lee-1"


def test_training_job_runs_in_background_and_stops(lee):
    job = training.TrainingJob(lee, epochs=40, watch_keys=["police"]).start()
    job.stop()
    assert job.wait(600)
    assert job.error is None
    assert job.result.stopped and job.result.epochs_done < 40
    assert job.epoch == job.result.epochs_done == len(job.snapshots)


def test_training_job_reports_errors(lee):
    job = training.TrainingJob(lee, epochs=1, min_count=100_000).start()
    assert job.wait(600)
    assert job.result is None
    assert job.error.startswith("min_count=100000 leaves no words")


# -- defaults that learn something ---------------------------------------------

WATCH = ["government", "police", "fire"]


def test_defaults_give_related_neighbours_on_lee(lee):
    from gensim.parsing.preprocessing import STOPWORDS

    result = training.train(lee, watch_keys=WATCH)
    assert result.epochs_done == training.DEFAULTS["epochs"]
    last = result.snapshots[-1]
    for key in WATCH:
        found = last.neighbors[key]
        assert not [k for k, _ in found if k in STOPWORDS], (key, found)
        assert max(score for _, score in found) < 0.9, (key, found)
    assert training.unseparated(last) == []
    assert training.separation_hint(result) is None
    assert "federal" in [k for k, _ in last.neighbors["government"]]


def test_too_few_epochs_leave_vectors_unseparated(lee):
    result = training.train(lee, epochs=5, min_count=2, watch_keys=WATCH)
    last = result.snapshots[-1]
    # Real cosines near 1, not a rounding of the table's "(1.00)".
    scores = [score for found in last.neighbors.values() for _, score in found]
    assert min(scores) > 0.99 and max(scores) < 1.0
    assert training.unseparated(last) == WATCH
    hint = training.separation_hint(result)
    assert hint.startswith(
        "The vectors have not separated yet: after epoch 5 every neighbour of "
        "government, police, fire has cosine 0.99 or more"
    )
    assert "Train for more epochs than 5, or on a larger corpus" in hint


@pytest.mark.parametrize(
    ("corpus", "title"),
    [
        (None, "trained-lee"),
        ("lee", "trained-lee"),
        ("lee_background.cor", "trained-lee"),
        ("my notes.txt.gz", "trained-my notes"),
        ("/tmp/stories.txt", "trained-stories"),
        (".txt", "trained-corpus"),
    ],
)
def test_default_title_follows_the_corpus(corpus, title):
    assert training.default_title(corpus) == title


def test_trained_space_is_in_frequency_order(lee):
    from collections import Counter

    result = training.train(lee, epochs=1)

    counts = Counter(token for sentence in lee for token in sentence)
    ranked = [counts[key] for key in result.keys]
    assert ranked == sorted(ranked, reverse=True)
    assert result.to_space("lee").frequency_ordered

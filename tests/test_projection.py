"""Projections: scikit-learn as the oracle, parameters, the cache, the CLI.

Row choice and the awkward input cases are in test_projection_rows.py.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from embspace import cli, datasets, projection, projection_cache
from embspace.space import Space, UnknownKeyError

ROOT = Path(__file__).resolve().parent.parent


# -- helpers --------------------------------------------------------------------------


def synthetic(n: int = 300, d: int = 8, seed: int = 0) -> Space:
    rng = np.random.default_rng(seed)
    keys = [f"w{i}" for i in range(n)]
    return Space(keys, rng.normal(size=(n, d)), name=f"synthetic-{seed}")


def flip_to(reference: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """``coords`` with each column's sign matched to ``reference``."""
    signs = np.sign(np.sum(reference * coords, axis=0))
    return coords * signs


class Counter:
    """Wraps ``projection._fit`` and counts the fits."""

    def __init__(self) -> None:
        self.calls = 0
        self.fit = projection._fit

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fit(*args, **kwargs)


# -- scikit-learn and gensim as oracles -----------------------------------------------


@pytest.mark.parametrize("n_components", [2, 3])
def test_pca_matches_scikit_learn(glove, n_components):
    from sklearn.decomposition import PCA

    fitted = projection.project(
        glove, method="pca", n_components=n_components, limit=3000, use_cache=False
    )
    rows = np.flatnonzero(glove.valid)[:3000]
    oracle = PCA(n_components=n_components, svd_solver="full")
    expected = oracle.fit_transform(np.asarray(glove.vectors[rows], dtype=np.float64))

    assert_array_equal(fitted.indices, rows)
    assert fitted.keys == [glove.keys[i] for i in rows]
    assert_allclose(
        fitted.explained_variance_ratio, oracle.explained_variance_ratio_, rtol=1e-4
    )
    assert_allclose(fitted.coords, expected, atol=2e-4)  # signs as scikit-learn's


def test_exact_knn_matches_scikit_learn(glove):
    from sklearn.neighbors import NearestNeighbors

    matrix = np.asarray(glove.vectors[:800])
    for metric in projection.METRICS:
        indices, distances = projection.exact_knn(matrix, n_neighbors=10, metric=metric)
        oracle = NearestNeighbors(n_neighbors=10, metric=metric).fit(matrix)
        expected_distances, expected = oracle.kneighbors(matrix)

        assert_array_equal(indices[:, 0], np.arange(800))
        assert_allclose(distances, expected_distances, atol=1e-4)
        agree = np.mean([len(set(a) & set(b)) for a, b in zip(indices, expected)])
        assert agree > 9.9


@pytest.mark.parametrize(
    "method, limit", [("umap", 500), ("tsne", 250)], ids=["umap", "tsne"]
)
def test_fixed_random_state_is_deterministic(glove, method, limit):
    first = projection.project(glove, method=method, limit=limit, use_cache=False)
    again = projection.project(glove, method=method, limit=limit, use_cache=False)

    assert first.coords.shape == (limit, 2)
    assert np.isfinite(first.coords).all()
    assert_array_equal(first.coords, again.coords)
    assert first.params["random_state"] == 42
    assert not first.coords.flags.writeable


def test_umap_seed_changes_the_layout(glove):
    # t-SNE starts from PCA, so only UMAP's layout depends on the seed.
    first = projection.project(glove, method="umap", limit=300, use_cache=False)
    other = projection.project(
        glove, method="umap", limit=300, random_state=7, use_cache=False
    )
    assert not np.allclose(first.coords, other.coords, atol=1e-3)


def test_umap_keeps_neighbours_close(glove):
    fitted = projection.project(glove, method="umap", limit=800, use_cache=False)

    # A word's nearest neighbour in 50-D is among its nearest 20 on the map.
    high, _ = projection.exact_knn(glove.vectors[:800], n_neighbors=2)
    low, _ = projection.exact_knn(fitted.coords, n_neighbors=21, metric="euclidean")
    kept = np.mean([high[i, 1] in low[i] for i in range(800)])
    assert kept > 0.6


def test_word_axes_match_numpy(glove):
    keys = ["king", "queen", "doctor", "nurse", "money", "Paris"]
    placed = projection.word_axes(glove, keys, x=("he", "she"), y="rich")

    vectors = np.asarray(glove.vectors, dtype=np.float64)
    row = glove.key_to_index
    unit = vectors[[row[k.lower()] for k in keys]]
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    x = vectors[row["he"]] - vectors[row["she"]]
    y = vectors[row["rich"]]
    expected = np.stack([unit @ x / np.linalg.norm(x), unit @ y / np.linalg.norm(y)])

    assert placed.method == "axes"
    assert placed.keys == [k.lower() for k in keys]
    assert_allclose(placed.coords, expected.T, atol=1e-6)
    assert placed.params == {"x": ["he", "she"], "y": ["rich"]}
    assert any("'Paris'" in note for note in placed.notes)


def test_word_axes_reject_unknown_keys_and_empty_directions(glove):
    with pytest.raises(UnknownKeyError, match="unknown key 'kingg'"):
        projection.word_axes(glove, ["kingg"])
    with pytest.raises(UnknownKeyError, match="unknown key 'shexq'"):
        projection.word_axes(glove, ["king"], x=("he", "shexq"))
    with pytest.raises(ValueError, match="has no direction"):
        projection.word_axes(glove, ["king"], x=("he", "he"))
    with pytest.raises(ValueError, match="one word or a pair"):
        projection.word_axes(glove, ["king"], y=("a", "b", "c"))


# -- the cache ------------------------------------------------------------------------


def test_cache_hit_does_not_fit_again(monkeypatch):
    space = synthetic(seed=1)
    counter = Counter()
    monkeypatch.setattr(projection, "_fit", counter)

    first = projection.project(space, method="tsne", limit=200)
    again = projection.project(space, method="tsne", limit=200)
    assert counter.calls == 1
    assert_array_equal(first.coords, again.coords)
    assert first.notes == again.notes

    projection.project(space, method="tsne", limit=200, perplexity=10.0)
    projection.project(space, method="tsne", limit=200, use_cache=False)
    assert counter.calls == 3


def test_corrupt_cache_files_are_ignored_and_rewritten(monkeypatch):
    space = synthetic(seed=2)
    first = projection.project(space, method="pca", limit=100)
    folder = Path(os.environ["EMBSPACE_DATA_DIR"]) / projection_cache.SUBDIR
    key = projection_cache.cache_key(
        space.fingerprint,
        first.indices,
        "pca",
        {"n_components": 2, "library": projection.metadata.version("numpy")},
    )
    (folder / f"{key}.npz").write_bytes(b"not a zip file")

    counter = Counter()
    monkeypatch.setattr(projection, "_fit", counter)
    again = projection.project(space, method="pca", limit=100)
    assert counter.calls == 1
    assert_array_equal(first.coords, again.coords)

    (folder / f"{key}.json").write_text("{", encoding="utf-8")
    projection.project(space, method="pca", limit=100)
    projection.project(space, method="pca", limit=100)
    assert counter.calls == 2


SCRIPT = """
import json, sys
import numpy as np
from embspace import projection
from embspace.space import Space

if sys.argv[1] == "cached-only":
    def refuse(*args):
        raise AssertionError("fitted again")
    projection._fit = refuse
rng = np.random.default_rng(5)
space = Space([f"w{i}" for i in range(150)], rng.normal(size=(150, 6)))
fitted = projection.project(space, method="tsne", limit=150)
print(json.dumps(fitted.coords.tolist()))
"""


def test_cache_survives_a_new_process(tmp_path):
    env = {**os.environ, "EMBSPACE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}

    def run(mode: str) -> np.ndarray:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, mode],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return np.array(json.loads(done.stdout))

    fitted = run("fit")
    assert list((tmp_path / "projections").glob("*.npz"))
    assert_array_equal(run("cached-only"), fitted)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "lda"}, ValueError, "method='lda' is not one of pca, umap"),
        ({"n_components": 4}, ValueError, "n_components=4 must be 2 or 3"),
        ({"method": "tsne", "perplexity": 0}, ValueError, "perplexity=0"),
        ({"method": "umap", "n_neighbors": 1}, ValueError, "n_neighbors=1"),
        ({"method": "umap", "min_dist": 2.0}, ValueError, "min_dist=2.0"),
        ({"metric": "dot"}, ValueError, "metric='dot' is not one of cosine"),
        ({"limit": 0}, ValueError, "limit=0 must be at least 1"),
        ({"rows": [0, 400]}, ValueError, "rows must lie in 0..299"),
        ({"rows": [0.5]}, TypeError, "rows must be a 1-D sequence"),
        ({"extra_keys": "w1"}, TypeError, "extra_keys must be a sequence"),
    ],
)
def test_bad_parameters_name_the_value(kwargs, error, match):
    with pytest.raises(error, match=match):
        projection.project(synthetic(), **kwargs)


def test_explicit_rows_override_the_limit():
    space = synthetic()
    fitted = projection.project(space, rows=[5, 3, 3, 250], limit=10)
    assert_array_equal(fitted.indices, [3, 5, 250])
    assert fitted.keys == ["w3", "w5", "w250"]


# -- command line ---------------------------------------------------------------------


def test_cli_writes_csv_like_project(glove, tmp_path, capsys):
    out = tmp_path / "map.csv"
    status = cli.main(
        [
            "project",
            "--method",
            "pca",
            "--dims",
            "3",
            "--limit",
            "1000",
            "--out",
            str(out),
        ]
    )
    assert status == 0

    with out.open(encoding="utf-8", newline="") as stream:
        table = list(csv.reader(stream))
    fitted = projection.project(glove, method="pca", n_components=3, limit=1000)
    assert table[0] == ["key", "x", "y", "z"]
    assert [row[0] for row in table[1:]] == fitted.keys
    assert {",", '"', "'s"} <= set(fitted.keys)
    assert_allclose(
        np.array([row[1:] for row in table[1:]], float), fitted.coords, rtol=1e-6
    )
    assert "wrote 1,000 points" in capsys.readouterr().out


def test_cli_json_summary_and_dataset(cases_dir, tmp_path, capsys):
    from embspace import formats

    path = cases_dir / "B18_nan_inf.vec"
    space = formats.read(path).to_space(name="test-b18")
    datasets.register(
        datasets.DatasetInfo("test-b18", "B18", "NaN and Inf rows", lambda: space)
    )
    out = tmp_path / "b18.csv"
    argv = ["project", "--dataset", "test-b18", "--json", "--out", str(out)]

    assert cli.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_points"] == 4 and summary["n_components"] == 2
    assert len(summary["explained_variance_ratio"]) == 2
    assert any("'moon'" in note for note in summary["notes"])
    assert out.read_text(encoding="utf-8").splitlines()[0] == "key,x,y"


def test_cli_errors_are_one_line(capsys):
    assert cli.main(["project", "--dataset", "no-such-set", "--out", "x.csv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown dataset 'no-such-set'")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("cores", "load", "expected"),
    [
        (2, 0.3, 2),
        (2, 1.2, 2),
        (2, 2.4, 1),
        (2, 6.0, 1),
        (8, 2.5, 7),
        (8, 0.0, 8),
        (1, 0.0, 1),
    ],
)
def test_tsne_threads_leave_busy_cores_alone(monkeypatch, cores, load, expected):
    monkeypatch.setattr(projection.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(projection.os, "getloadavg", lambda: (load, load, load))

    assert projection.tsne_threads() == expected


def test_tsne_threads_without_a_load_average_use_half_the_cores(monkeypatch):
    def no_load() -> tuple[float, float, float]:
        raise OSError("load average unobtainable")

    monkeypatch.setattr(projection.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(projection.os, "getloadavg", no_load)

    assert projection.tsne_threads() == 2

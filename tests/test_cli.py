"""The query commands of ``python -m embspace``: JSON, text and errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from embspace import cli

ROOT = Path(__file__).resolve().parent.parent


def run_json(capsys: pytest.CaptureFixture, argv: list[str]) -> dict:
    status = cli.main(argv)
    captured = capsys.readouterr()

    assert status == 0, captured.err
    assert captured.err == ""
    return json.loads(captured.out)


def assert_matches(payload: dict, expected: list[tuple[str, float]]) -> None:
    """Same keys as gensim, scores rounded to 4 digits."""
    assert [item["key"] for item in payload["results"]] == [k for k, _ in expected]
    assert_allclose(
        [item["score"] for item in payload["results"]],
        [score for _, score in expected],
        atol=5e-5,
    )


def test_neighbors_json_matches_gensim(glove, glove_kv, capsys):
    payload = run_json(capsys, ["neighbors", "king", "--json"])

    assert payload["query"] == "king"
    assert_matches(payload, glove_kv.most_similar("king", topn=10))
    assert set(payload["results"][0]) == {"key", "score"}


def test_neighbors_options(glove, glove_kv, capsys):
    argv = ["neighbors", "river", "--topn", "3", "--restrict-vocab", "5000", "--json"]

    payload = run_json(capsys, argv)

    assert_matches(payload, glove_kv.most_similar("river", topn=3, restrict_vocab=5000))


def test_neighbors_euclidean(glove, capsys):
    from embspace import queries

    payload = run_json(
        capsys, ["neighbors", "paris", "--metric", "euclidean", "--json"]
    )

    expected = queries.neighbors(glove, "paris", metric="euclidean")
    assert payload["metric"] == "euclidean"
    assert [item["key"] for item in payload["results"]] == expected.keys


def test_analogy_json_gives_queen_first(glove, glove_kv, capsys):
    payload = run_json(capsys, ["analogy", "man", "king", "woman", "--json"])

    assert payload["results"][0]["key"] == "queen"
    expected = glove_kv.most_similar(
        positive=["king", "woman"], negative=["man"], topn=5
    )
    assert_matches(payload, expected)
    assert payload["query"] == "man : king :: woman : ?"


def test_analogy_mul_matches_gensim(glove, glove_kv, capsys):
    argv = ["analogy", "france", "paris", "italy", "--method", "mul", "--json"]

    payload = run_json(capsys, argv)

    expected = glove_kv.most_similar_cosmul(
        positive=["paris", "italy"], negative=["france"], topn=5
    )
    assert_matches(payload, expected)
    assert payload["results"][0]["key"] == "rome"


def test_a_capitalised_word_is_found_with_a_note(glove, capsys):
    payload = run_json(capsys, ["neighbors", "King", "--json", "--topn", "2"])

    assert payload["notes"] == ["'King' is not in glove-6b-50d; using 'king'"]
    assert [item["key"] for item in payload["results"]] == ["prince", "queen"]


def test_text_output_lists_keys_and_scores(glove, glove_kv, capsys):
    assert cli.main(["neighbors", "king", "--topn", "3"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "king"
    expected = glove_kv.most_similar("king", topn=3)
    assert [line.split() for line in lines[1:]] == [
        [key, f"{score:.4f}"] for key, score in expected
    ]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["neighbors", "kingg"], "error: unknown key 'kingg'; closest: king, kings"),
        (["analogy", "man", "kingg", "woman"], "error: unknown key 'kingg'; closest:"),
        (["neighbors", "king", "--topn", "0"], "error: topn=0 must be between 1 and"),
        (
            ["analogy", "a", "b", "c", "--topn", "1001"],
            "error: topn=1001 must be between 1 and 1000",
        ),
        (["train", "lee", "--out", ""], "error: dataset name '' is empty"),
        (["train", "lee", "--out", "  "], "error: dataset name '  ' is empty"),
        (
            ["train", "lee", "--out", "glove-6b-50d"],
            "error: dataset name 'glove-6b-50d' is a dataset id already",
        ),
        (
            ["neighbors", "king", "--restrict-vocab", "0"],
            "error: restrict_vocab=0 must be at least 1",
        ),
        (["neighbors", "king", "--dataset", "no-such-set"], "error: .*no-such-set"),
    ],
)
def test_errors_exit_2_with_one_line(glove, capsys, argv, message):
    status = cli.main(argv)

    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert "Traceback" not in captured.err
    assert re.match(message, captured.err)


def test_bad_option_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit, match="2"):
        cli.main(["neighbors", "king", "--metric", "manhattan"])

    assert "invalid choice: 'manhattan'" in capsys.readouterr().err


def test_unknown_word_from_a_real_process(glove, _data_dir):
    process = subprocess.run(
        [sys.executable, "-m", "embspace", "neighbors", "kingg", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert process.returncode == 2
    assert process.stdout == ""
    closest = ", ".join(glove.suggest("kingg"))
    assert process.stderr.splitlines() == [
        f"error: unknown key 'kingg'; closest: {closest}"
    ]
    assert closest.startswith("king, kings")


def test_trained_name_works_as_dataset_everywhere(capsys):
    argv = ["train", "lee", "--out", "lee test", "--epochs", "1", "--json"]
    assert cli.main(argv) == 0
    trained = json.loads(capsys.readouterr().out)

    payload = run_json(
        capsys, ["neighbors", "government", "--dataset", "lee test", "--json"]
    )
    by_id = run_json(
        capsys, ["neighbors", "government", "--dataset", trained["id"], "--json"]
    )
    assert payload == by_id
    assert trained["name"] == "lee test"

    words = ["analogy", "man", "king", "woman", "--dataset", "lee test"]
    assert cli.main(words) in (0, 2)
    assert "unknown dataset" not in capsys.readouterr().err
    assert cli.main(["evaluate", "--dataset", "lee test", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)

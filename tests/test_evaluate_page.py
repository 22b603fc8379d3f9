"""The Evaluate page, driven with Streamlit's AppTest; gensim is the oracle."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from embspace import evaluate, share, store
from embspace.space import Space

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "evaluate.py")
QUESTIONS = (
    ": capitals\nathens greece berlin germany\nparis france rome italy\n"
    "tokyo japan cairo egypt\n: family\nboy girl brother sister\n"
    "king queen man woman\nfather mother son daughter\n"
)
MAX_FAILED_ROWS = 2000
PAIRS = "tiger\tcat\t7.35\nbook\tpaper\t7.46\nking\tqueen\t8.58\nsun\tmoon\t6.0\n"


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.run()
    return app


def test_renders_without_running(page):
    assert not page.exception
    assert page.button(key="eval_go") is not None
    assert len(page.metric) == 0


def test_small_files_show_gensims_scores(page, glove_kv, tmp_path):
    page.file_uploader(key="eval_analogies").upload("q.txt", QUESTIONS.encode())
    page.file_uploader(key="eval_pairs").upload("p.tsv", PAIRS.encode())
    page.button(key="eval_go").click().run()
    assert not page.exception, [e.value for e in page.exception]

    path = tmp_path / "q.txt"
    path.write_text(QUESTIONS)
    score, sections = glove_kv.evaluate_word_analogies(str(path))
    assert page.metric[0].value == f"{score:.2%}"
    correct = len(sections[-1]["correct"])
    answered = correct + len(sections[-1]["incorrect"])
    assert page.metric[1].value == f"{correct:,} of {answered:,}"

    pairs = tmp_path / "p.tsv"
    pairs.write_text(PAIRS)
    pearson, spearman, _ = glove_kv.evaluate_word_pairs(str(pairs))
    table = page.dataframe[-1].value
    assert table["pearson r"][0] == pearson[0]
    assert table["spearman rho"][0] == spearman[0]
    assert len(page.get("plotly_chart")) == 1


def test_failed_questions_link_to_analogies(page):
    text = ": s\nking queen man woman\nsun moon day zebra\ntall short big small\n"
    page.file_uploader(key="eval_analogies").upload("q.txt", text.encode())
    page.button(key="eval_go").click().run()
    assert not page.exception
    failed = page.dataframe[0].value
    assert len(failed) >= 1
    assert all(link.startswith("analogies?a=") for link in failed["open"])


def test_bad_upload_is_one_line_error(page):
    page.file_uploader(key="eval_analogies").upload(
        "bad.txt", b"king queen man woman\n: s\n"
    )
    page.button(key="eval_go").click().run()
    assert not page.exception
    assert "bad.txt: line 1: a question before" in page.error[0].value


# -- links, chart range and the cut list of failed questions -------------------


@pytest.fixture()
def stored_dataset() -> str:
    """A small stored dataset whose keys are not GloVe's."""
    rng = np.random.default_rng(4)
    keys = [f"w{i}" for i in range(50)]
    space = Space(keys, rng.standard_normal((50, 6)).astype("f4"), name="upload")
    return store.save(space, title="small.txt", source="test")


def _link_params(link: str) -> dict[str, list[str]]:
    path, _, query = link.partition("?")
    assert path == "analogies"
    return parse_qs(query)


def test_failed_question_links_name_the_dataset(stored_dataset):
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.session_state["dataset_id"] = stored_dataset
    app.run()
    text = ": s\nw1 w2 w3 w4\nw5 w6 w7 w8\nw9 w10 w11 w12\n"
    app.file_uploader(key="eval_analogies").upload("q.txt", text.encode())
    app.button(key="eval_go").click().run()
    assert not app.exception, [e.value for e in app.exception]

    failed = app.dataframe[0].value
    assert len(failed) >= 1
    for link, question in zip(failed["open"], failed["question"]):
        a, b, c = question.split()[0], question.split()[2], question.split()[4]
        assert _link_params(link) == {
            "dataset": [stored_dataset],
            "a": [a],
            "b": [b],
            "c": [c],
        }


def test_links_on_the_default_dataset_stay_short():
    assert evaluate.analogy_link("a b", "&", "c") == "analogies?a=a%20b&b=%26&c=c"
    assert evaluate.analogy_link("x", "y", "z", dataset=share.DEFAULT_DATASET) == (
        "analogies?a=x&b=y&c=z"
    )


def _accuracy_axis(app: AppTest) -> dict:
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return spec["layout"]["yaxis"]


def test_zero_accuracy_chart_runs_from_0_to_100_percent(page):
    text = ": s\nsun moon day zebra\ntall short big zebra\n"
    page.file_uploader(key="eval_analogies").upload("q.txt", text.encode())
    page.button(key="eval_go").click().run()
    assert page.metric[0].value == "0.00%"

    axis = _accuracy_axis(page)
    assert axis["range"] == [0, 1]
    assert axis["tickformat"] == ".0%"


def test_cut_list_of_failed_questions_says_so_and_offers_all(page):
    questions = ["sun moon day zebra", "tall short big zebra", "man king boy cat"]
    n_failed = MAX_FAILED_ROWS + 7
    text = ": s\n" + "\n".join(questions[i % 3] for i in range(n_failed)) + "\n"
    page.file_uploader(key="eval_analogies").upload("q.txt", text.encode())
    page.button(key="eval_go").click().run()
    assert not page.exception

    assert len(page.dataframe[0].value) == MAX_FAILED_ROWS
    captions = " ".join(c.value for c in page.caption)
    assert (
        f"Showing the first {MAX_FAILED_ROWS:,} of {n_failed:,} failed questions"
        in captions
    )
    button = page.get("download_button")[0]
    assert button.proto.label == f"All {n_failed:,} failed questions (CSV)"


# -- nothing to score -----------------------------------------------------------


def _display_values(frame) -> pd.DataFrame:
    """The table as shown: the Styler's formatted cells."""
    data = frame.proto.arrow_data.styler.display_values
    return pa.ipc.open_stream(data).read_all().to_pandas()


def _infos(app: AppTest) -> list[str]:
    return [info.value for info in app.info]


def test_no_question_within_restrict_vocab_shows_no_accuracy(page):
    page.number_input(key="eval_restrict").set_value(1)
    page.button(key="eval_go").click().run()
    assert not page.exception, [e.value for e in page.exception]

    assert page.metric[0].value == "—"
    assert page.metric[1].value == "—"
    assert (
        "Accuracy not available: no question could be asked, as all 19,544 "
        "questions have a word outside the first 1 key (restrict_vocab=1)."
        in _infos(page)
    )
    assert len(page.get("plotly_chart")) == 0
    assert not page.error

    table = page.dataframe[-1].value
    assert list(table["pairs used"]) == [0, 0]
    assert table["spearman rho"].isna().all()
    shown = _display_values(page.dataframe[-1])
    assert list(shown["spearman rho"]) == ["—", "—"]
    assert list(shown["unknown (%)"]) == ["100.0", "100.0"]
    for name in ("wordsim353.tsv", "simlex999.txt"):
        assert any(
            text.startswith(f"Correlations on {name} not available: no pair could")
            and "outside the first 1 key (restrict_vocab=1)" in text
            for text in _infos(page)
        )


@pytest.fixture()
def three_keys() -> str:
    rng = np.random.default_rng(5)
    space = Space(["king", "queen", "man"], rng.standard_normal((3, 4)).astype("f4"))
    return store.save(space, title="three.txt", source="test")


def test_three_key_dataset_says_why_no_question_was_asked(three_keys):
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.session_state["dataset_id"] = three_keys
    app.run()
    app.file_uploader(key="eval_analogies").upload("q.txt", QUESTIONS.encode())
    app.file_uploader(key="eval_pairs").upload("p.tsv", PAIRS.encode())
    app.button(key="eval_go").click().run()
    assert not app.exception, [e.value for e in app.exception]

    assert app.metric[0].value == "—"
    assert (
        "Accuracy not available: no question could be asked, as all 6 questions "
        "have a word outside the vocabulary of 3 keys." in _infos(app)
    )
    assert len(app.get("plotly_chart")) == 0
    assert not app.error
    assert (
        "Correlations on p.tsv not available: only 1 pair could be scored (3 with "
        "a word outside the vocabulary of 3 keys); a correlation needs 2."
        in _infos(app)
    )


def test_empty_section_has_no_bar(page):
    text = ": known\nking queen man woman\n: unknown\nqqqxx yyyzz king queen\n"
    page.file_uploader(key="eval_analogies").upload("q.txt", text.encode())
    page.button(key="eval_go").click().run()
    assert not page.exception

    spec = json.loads(page.get("plotly_chart")[0].proto.spec)
    bars = spec["data"][0]
    assert bars["x"] == ["known", "unknown", "Total accuracy"]
    assert bars["y"][1] is None
    assert bars["text"][1] == "0/0"

"""The Evaluate page, driven with Streamlit's AppTest; gensim is the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "evaluate.py")
QUESTIONS = (
    ": capitals\nathens greece berlin germany\nparis france rome italy\n"
    "tokyo japan cairo egypt\n: family\nboy girl brother sister\n"
    "king queen man woman\nfather mother son daughter\n"
)
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

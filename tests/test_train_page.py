"""The Train page, driven with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from embspace import store

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "train.py")


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.run()
    return app


def test_renders_with_lee_corpus(page):
    assert not page.exception
    assert page.button(key="train_go") is not None
    assert page.number_input(key="t_epochs").value == 5


def test_training_on_lee_completes_and_saves(page):
    page.number_input(key="t_epochs").set_value(2)
    page.text_input(key="train_watch").input("police, government")
    page.button(key="train_go").click().run()
    assert not page.exception, [e.value for e in page.exception]

    job = page.session_state["train_job"]
    assert job.wait(600)
    page.run()
    assert not page.exception
    assert "Training done" in page.success[0].value
    assert job.result.epochs_done == 2
    tables = [frame.value for frame in page.dataframe]
    assert list(tables[0].columns) == ["epoch 1", "epoch 2"]
    assert len(page.get("plotly_chart")) == 1

    page.text_input(key="train_title").input("lee-2")
    page.button(key="train_save").click().run()
    assert not page.exception
    dataset_id = page.session_state["dataset_id"]
    assert store.exists(dataset_id)
    assert store.load(dataset_id).keys == job.result.keys


def test_bad_upload_is_one_line_error(page):
    page.radio(key="train_corpus").set_value(page.radio(key="train_corpus").options[1])
    page.run()
    page.file_uploader(key="train_upload").upload("c.txt", b"ok\n\xff\xfe broken\n")
    page.run()
    assert not page.exception
    assert "c.txt: line 2, byte 1: not valid UTF-8" in page.error[0].value


def test_disabled_train_button_says_why(page):
    assert page.button(key="train_go").proto.disabled is False

    page.radio(key="train_corpus").set_value("Upload a text file (.txt or .gz)").run()

    button = page.button(key="train_go")
    reason = "Train needs a corpus: upload a text file or pick the Lee corpus."
    assert button.proto.disabled is True
    assert button.help == reason
    assert reason in [caption.value for caption in page.caption]


def test_stop_button_ends_training_early(page):
    page.number_input(key="t_epochs").set_value(200)
    page.button(key="train_go").click().run()
    job = page.session_state["train_job"]
    assert job.running

    page.button(key="train_stop").click().run()
    assert job.wait(120)
    page.run()

    assert not page.exception, [e.value for e in page.exception]
    assert job.result.stopped
    assert job.result.epochs_done < 200
    assert "Training stopped" in page.success[0].value
    assert page.button(key="train_go").proto.disabled is False

"""The Train page, driven with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from embspace import store
from embspace.train import DEFAULTS

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "train.py")


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.run()
    return app


def test_renders_with_lee_corpus(page):
    assert not page.exception
    assert page.button(key="train_go") is not None
    assert page.number_input(key="t_epochs").value == 30
    assert page.number_input(key="t_min_count").value == 5


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


# -- defaults that learn, and a hint when they do not ---------------------------


def _train(app: AppTest) -> None:
    app.button(key="train_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["train_job"].wait(600)
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def _scores(table) -> list[float]:
    return [float(cell.rsplit("(", 1)[1].rstrip(")")) for cell in table]


def test_defaults_give_neighbours_that_are_not_all_one(page):
    _train(page)
    last = page.dataframe[0].value.columns[-1]
    for frame in page.dataframe:
        scores = _scores(frame.value[last])
        assert max(scores) < 0.9, frame.value[last]
    assert not page.warning
    assert last == f"epoch {DEFAULTS['epochs']}"


def test_too_few_epochs_say_train_longer(page):
    page.number_input(key="t_epochs").set_value(3)
    page.number_input(key="t_min_count").set_value(2)
    _train(page)
    hints = [w.value for w in page.warning]
    assert any(
        "The vectors have not separated yet: after epoch 3" in w
        and "Train for more epochs" in w
        for w in hints
    ), hints
    assert set(_scores(page.dataframe[0].value["epoch 3"])) == {1.0}


# -- stale state ---------------------------------------------------------------

CORPUS = (
    "the cat sat on the mat and the dog lay by the door\n"
    "a dog and a cat ran to the door of the house\n"
) * 20


def _infos(app: AppTest) -> list[str]:
    return [info.value for info in app.info]


def _saved(app: AppTest) -> list[str]:
    return [text for text in _infos(app) if text.startswith("Saved as")]


def test_saved_message_goes_with_a_new_corpus_or_run(page):
    page.number_input(key="t_epochs").set_value(1)
    _train(page)
    assert page.text_input(key="train_title").value == "trained-lee"
    page.button(key="train_save").click().run()
    assert len(_saved(page)) == 1

    # A new run on the same corpus: the old message goes.
    _train(page)
    assert _saved(page) == []
    page.button(key="train_save").click().run()
    assert len(_saved(page)) == 1

    # Another corpus: the message goes, and the next title follows its file.
    page.radio(key="train_corpus").set_value(page.radio(key="train_corpus").options[1])
    page.run()
    page.file_uploader(key="train_upload").upload("pets corpus.txt", CORPUS.encode())
    page.run()
    assert not page.exception
    assert _saved(page) == []
    _train(page)
    assert page.text_input(key="train_title").value == "trained-pets corpus"
    page.button(key="train_save").click().run()
    dataset_id = page.session_state["dataset_id"]
    meta = store.describe(dataset_id)
    assert meta["title"] == "trained-pets corpus"
    assert meta["source"].endswith("corpus pets corpus.txt")


def test_save_uses_the_title_typed_in_the_same_run(page):
    page.number_input(key="t_epochs").set_value(1)
    page.number_input(key="t_seed").set_value(11)  # vectors no other test stores
    _train(page)
    page.text_input(key="train_title").input("my lee vectors")
    page.button(key="train_save").click().run()
    assert not page.exception
    dataset_id = page.session_state["dataset_id"]
    assert store.describe(dataset_id)["title"] == "my lee vectors"
    assert page.text_input(key="train_title").value == "my lee vectors"

"""Sniffing files that are not vectors: fastText model binaries."""

from __future__ import annotations

import re
import struct

import pytest
from gensim.models import FastText
from gensim.test.utils import common_texts, datapath

from embspace import formats
from embspace.formats import FormatError

FASTTEXT_MESSAGE = (
    ": a fastText model binary (.bin); export its vectors as .vec text (fastText "
    "print-word-vectors or gensim save_word2vec_format) and upload that"
)


@pytest.mark.parametrize(
    "name",
    [
        "lee_fasttext.bin",  # the header of fastText before 0.2, no magic
        "lee_fasttext_new.bin",  # magic 793712314 at byte 0
        "toy-model.bin",
        "non_ascii_fasttext.bin",
    ],
)
def test_gensim_fasttext_binaries_are_named(name):
    with pytest.raises(FormatError, match=re.escape(name + FASTTEXT_MESSAGE)):
        formats.read(datapath(name))


def test_a_model_saved_now_is_named_too(tmp_path):
    from gensim.models.fasttext import save_facebook_model

    model = FastText(vector_size=4, min_count=1, epochs=1, seed=1)
    model.build_vocab(corpus_iterable=common_texts)
    model.train(corpus_iterable=common_texts, total_examples=9, epochs=1)
    path = tmp_path / "model.bin"
    save_facebook_model(model, str(path))
    assert struct.unpack("<i", path.read_bytes()[:4])[0] == 793712314

    with pytest.raises(FormatError, match=re.escape("model.bin" + FASTTEXT_MESSAGE)):
        formats.sniff(path)


def test_fasttext_vec_text_still_loads():
    result = formats.read(datapath("lee_fasttext.vec"))

    assert result.format == "word2vec"
    assert result.n_keys > 1000


def test_counts_of_one_are_singular(tmp_path):
    path = tmp_path / "one.vec"
    path.write_bytes(b"1 2\na 1 2\nb 3 4\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("x\n")

    warnings = formats.read(path).warnings

    assert any("the header says 1 vector, the file has 2" in w for w in warnings)
    with pytest.raises(FormatError, match="1 label for 2 vectors;"):
        formats.read(path, labels_path=labels)

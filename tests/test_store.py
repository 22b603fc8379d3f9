"""The content-addressed store of uploaded datasets."""

from __future__ import annotations

import numpy as np
import pytest

from embspace import config, datasets, formats, store


@pytest.fixture
def b09(cases_dir) -> formats.LoadResult:
    return formats.read(cases_dir / "B09_bom_header.csv")


def test_save_then_load_round_trips(b09):
    dataset_id = store.save(b09, title="B09", source="test")

    space = store.load(dataset_id)

    assert space.keys == b09.keys
    np.testing.assert_array_equal(space.vectors, b09.vectors)
    assert space.metadata["label"].tolist() == b09.keys
    assert not space.vectors.flags.writeable


def _random(seed: int) -> formats.LoadResult:
    vectors = np.random.default_rng(seed).normal(size=(4, 3)).astype(np.float32)
    return formats.LoadResult(list("abcd"), vectors, None, "npy", [])


def test_same_content_gives_same_id():
    first = store.save(_random(1), title="one", source="a")
    second = store.save(_random(1), title="two", source="b")

    assert first == second
    assert store.describe(first)["title"] == "one"


def test_id_depends_on_every_value(b09):
    changed = np.array(b09.vectors)
    changed[2, 2] = np.nextafter(changed[2, 2], np.float32(2))
    other = formats.LoadResult(b09.keys, changed, b09.metadata, "csv", [])

    assert store.save(other, title="x", source="y") != store.save(
        b09, title="x", source="y"
    )


def test_id_shape_and_describe():
    dataset_id = store.save(_random(2), title="r", source="upload: r.npy (npy)")

    assert store.ID_PATTERN.fullmatch(dataset_id)
    info = store.describe(dataset_id)
    assert (info["n_keys"], info["n_dims"]) == (4, 3)
    assert info["source"] == "upload: r.npy (npy)"
    assert store.exists(dataset_id)


def test_no_temporary_folders_are_left(b09):
    store.save(b09, title="B09", source="test")

    leftovers = [
        p for p in config.subdir("datasets").iterdir() if p.name.startswith(".")
    ]
    assert leftovers == []


def test_registry_resolves_stored_ids(b09):
    dataset_id = store.save(b09, title="B09", source="test")

    space = datasets.load(dataset_id)

    assert space.keys == b09.keys
    assert datasets.get_info(dataset_id).title.startswith("B09")


@pytest.mark.parametrize(
    "bad",
    ["../../etc/passwd", "u-../../x", "u-ABCDEF0123456789abcd", "u-123", "", "glove"],
)
def test_malformed_ids_touch_nothing(bad):
    assert not store.exists(bad)
    with pytest.raises(KeyError, match="is not a stored dataset id"):
        store.load(bad)


def test_unknown_well_formed_id():
    with pytest.raises(KeyError, match="no stored dataset 'u-0000"):
        store.load("u-" + "0" * 20)

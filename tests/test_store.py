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


def test_frequency_order_is_kept_for_trained_spaces_only(b09):
    from embspace.space import Space

    vectors = np.random.default_rng(4).normal(size=(5, 3)).astype(np.float32)
    ordered = Space(list("vwxyz"), vectors, frequency_ordered=True)

    assert store.load(store.save(ordered, title="t", source="train")).frequency_ordered
    assert not store.load(
        store.save(b09, title="B09", source="upload")
    ).frequency_ordered


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


def test_stored_space_is_named_after_its_file():
    dataset_id = store.save(_random(11), title="my vectors.csv", source="test")

    space = store.load(dataset_id)

    assert space.name == "my vectors.csv"
    assert datasets.get_info(dataset_id).title == "my vectors.csv (4 x 3)"


def test_counts_in_the_description_are_singular_for_one():
    one = formats.LoadResult(["only"], np.ones((1, 1), np.float32), None, "npy", [])

    dataset_id = store.save(one, title="one.vec", source="test")

    description = datasets.get_info(dataset_id).description
    assert description.startswith("1 key x 1 dimension;")


def test_names_stand_for_stored_datasets():
    dataset_id = store.save(_random(7), title="seven", source="test")

    assert store.name_dataset(" seven ", dataset_id) == "seven"

    assert store.named("seven") == dataset_id
    assert store.named("eight") is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "is empty"),
        ("glove-6b-50d", "is a dataset id already"),
        ("u-0123456789abcdef0123", "is a dataset id already"),
        ("a\tb", "control character"),
        ("x" * 201, "at most 200"),
    ],
)
def test_bad_names_are_refused(name, message):
    with pytest.raises(ValueError, match=message):
        store.check_name(name)

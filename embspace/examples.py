"""Classic analogies, shared by the Analogies page, the benchmarks and tests.

Each is ``(a, b, c)``: a is to b as c is to ? Semantic ones (capitals,
currencies, gender) and syntactic ones (tense, comparative, plural), all in
GloVe 6B's lower-case vocabulary.
"""

from __future__ import annotations

ANALOGIES: tuple[tuple[str, str, str], ...] = (
    ("man", "king", "woman"),
    ("france", "paris", "italy"),
    ("germany", "berlin", "japan"),
    ("walk", "walked", "swim"),
    ("good", "better", "bad"),
    ("big", "bigger", "small"),
    ("man", "he", "woman"),
    ("brother", "sister", "father"),
    ("boy", "girl", "king"),
    ("slow", "slowly", "quick"),
    ("car", "cars", "child"),
    ("dance", "dancing", "read"),
    ("usa", "dollar", "japan"),
    ("tokyo", "japan", "moscow"),
    ("mouse", "mice", "goose"),
    ("cold", "colder", "hot"),
)

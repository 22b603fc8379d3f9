"""About: what the map shows, what it hides, and where the data comes from."""

from __future__ import annotations

import streamlit as st

from embspace import datasets
from pages.common import current_dataset_id, guarded

ABOUT = """
embspace shows a **word embedding**: a table with one row of numbers per key
(word). The row `E[x]` of the matrix is the vector of key `x`; keys that occur
in similar contexts in the training text get similar rows.

### What the map shows, and what it hides

- **A projection distorts distances.** The vectors have many dimensions (50
  for the default GloVe set); the map squeezes them into 2 or 3. PCA keeps
  the directions of largest variance and drops the rest, so two keys may
  overlap in the map and still be far apart. UMAP and t-SNE keep local
  neighbourhoods but bend global distances and cluster sizes: the gaps
  between clusters mean little. The neighbour table is computed in the full
  space and is the thing to trust. A query outside the map's keys is placed
  into the map without refitting it: exactly for PCA, only approximately
  (near its nearest mapped keys) for UMAP and t-SNE.
- **Directions carry relations.** `king − man + woman` lands near `queen`
  because the offset from *man* to *king* is roughly the offset from *woman*
  to *queen*; the Analogies page draws both offsets as arrows, and Word sets
  measures keys along directions such as `he − she`.
- **Training shapes the space.** The vectors are learned: word2vec and GloVe
  move a key's row towards the rows of the keys it occurs with. On the Train
  page you can train vectors on your own text and watch the neighbours of a
  few keys form epoch by epoch; a small corpus gives a small, noisy space.
- **Why many dimensions?** One number per key could only order the keys on a
  line. With many dimensions a key can be near several different groups at
  once (*bank* near *river* and near *money*), and relations such as
  gender or tense can line up as directions.
- **Static, not contextual.** Each key has one vector whatever the sentence.
  *Bank* gets a single blend of its senses; contextual models (such as BERT)
  give a word a different vector in every sentence, which this app does not
  show.
- **Proximity reflects the training text, not truth.** Neighbours are words
  used in similar contexts in Wikipedia and newswire. The associations,
  including social biases about gender, ethnicity or religion, are those of
  the text, and analogies often fail or return a near-synonym of an input.
- **Frequency matters.** Keys are ordered by frequency; the map draws the most
  frequent ones. Rare keys have noisier vectors.

### Data

The default vectors are **GloVe 6B, 50 dimensions** (400,000 lower-case keys
from Wikipedia 2014 and Gigaword 5): Jeffrey Pennington, Richard Socher and
Christopher D. Manning, *GloVe: Global Vectors for Word Representation*,
EMNLP 2014. Released under the Open Data Commons Public Domain Dedication and
License (PDDL 1.0).

Analogy scores follow gensim's `most_similar` (3CosAdd) and
`most_similar_cosmul` (3CosMul, Levy and Goldberg 2014).
"""


def body() -> None:
    """The About page."""
    st.title("About embspace")
    st.markdown(ABOUT)
    info = datasets.get_info(current_dataset_id())
    st.caption(f"Current dataset: {info.title}. {info.description}")


guarded(body)

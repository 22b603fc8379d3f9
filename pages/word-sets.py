# ruff: noqa: N999  (named after its URL path, /word-sets)
"""/word-sets for the first visitor of a freshly started server.

Until a session has called ``st.navigation``, Streamlit maps URL paths to the
files of ``pages/`` and would answer /word-sets with "Page not found". This
file takes that path and reruns through ``app.py`` (see
``pages.common.guarded``), whose navigation shows ``pages/word_sets.py``.
"""

from pages.common import guarded

guarded(lambda: None)

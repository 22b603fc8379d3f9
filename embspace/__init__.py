"""embspace: explore embedding spaces.

Load static word vectors, query their neighbours and analogies, and project
them to two or three dimensions.
"""

from embspace.config import configure_numba

configure_numba()

__version__ = "0.1.0"

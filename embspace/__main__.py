"""``python -m embspace``: see :mod:`embspace.cli`."""

import sys

from embspace.cli import main

sys.exit(main())

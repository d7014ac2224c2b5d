"""``python -m align`` — same as the ``align`` console script."""

import sys

from align.cli import main

sys.exit(main())

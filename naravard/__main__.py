"""``python -m naravard``: the command line (see :mod:`naravard.cli`)."""

import sys

from naravard.cli import main

if __name__ == "__main__":
    sys.exit(main())

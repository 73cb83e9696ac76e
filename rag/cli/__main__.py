"""`python -m rag.cli …` runs the `rag` command (the tests and scripts use it where no entry point is installed)."""

import sys

from rag.cli import main

sys.exit(main())

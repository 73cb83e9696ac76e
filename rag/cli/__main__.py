"""`python -m rag.cli`: the same command as the installed `rag` script (rag is a package since the move)."""

import sys

from rag.cli import main

sys.exit(main())

"""``python -m mtcalm``."""

import sys

EXIT_INTERRUPTED = 130  # the shell's own code for Ctrl-C

try:
    from mtcalm.cli import main
except KeyboardInterrupt:  # Ctrl-C while still starting up: no traceback
    sys.exit(EXIT_INTERRUPTED)

sys.exit(main())

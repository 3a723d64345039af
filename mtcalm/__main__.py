"""``python -m mtcalm``."""

import sys

from mtcalm.cli import main

sys.exit(main())

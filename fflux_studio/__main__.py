"""``python -m fflux_studio`` runs the command line."""

import sys

from fflux_studio.cli import main

sys.exit(main())

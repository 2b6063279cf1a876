"""The command line's own error: a value on the command line that makes no sense.

Its own module so that subcommands can raise it without importing ``fflux_studio.cli``, which
imports every subcommand.
"""


class UsageError(ValueError):
    """A command-line value that makes no sense; reported like bad input (exit status 2)."""

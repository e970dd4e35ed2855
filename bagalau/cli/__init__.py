"""The `bagalau` command line: the rules, the calendar and (later) the appraisals, for
operators and scripts. Every command reads and writes the same JSON the docs describe."""

from bagalau.cli.main import main

__all__ = ["main"]

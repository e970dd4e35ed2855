"""`python -m bagalau` runs the command line, as the `bagalau` script does."""

from bagalau.cli import main

main()

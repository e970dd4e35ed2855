"""The commission's meetings in the console (issue #12, part 2 of the web console)."""

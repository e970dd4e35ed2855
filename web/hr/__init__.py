"""HR's console per state body (issue #12, part 2 of the web console)."""

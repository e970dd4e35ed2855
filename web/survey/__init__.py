"""The 360 questionnaire of a respondent (issue #12, part 2 of the web console)."""

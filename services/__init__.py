"""The use cases: what a person or a schedule asks of bagalau, composed from the lifecycle
(`states/`) and the output layer (`notifications/`), as plain functions of a database and a
moment. The CLI (`bagalau/cli`), the flows (`flows/`) and the web console call these same
functions, so a use case is written once and behaves alike from each entry point; none of
them reads the clock (the entry point passes `on`/`at`) or opens a Prefect run.

Above `notifications/` and `states/`, below the entry points (docs/architecture.md).
"""

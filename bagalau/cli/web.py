"""`bagalau web`: serve the console (uvicorn) on the database BAGALAU_DATABASE_URL names;
`--demo` first builds the demo database and prints its sign-ins (`make web`)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from bagalau.cli.common import LangOption, use_lang

DEMO_DATABASE = Path("out/web-demo.sqlite3")


def web(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Processes serving the console (one per core for a country on PostgreSQL)."),
    demo: bool = typer.Option(False, "--demo", help="Build the demo database (out/web-demo.sqlite3) and serve it at its simulated day."),
    lang: str = LangOption,
) -> None:
    """Serve the web console and its JSON API (/api/v1, OpenAPI at /api/v1/openapi.json)."""
    use_lang(lang)
    from models.migrate import upgrade
    from web.serving import serve
    from web.settings import from_environment

    if demo:
        from bagalau.web_demo import TODAY, build

        accounts = build(DEMO_DATABASE)
        os.environ["BAGALAU_DATABASE_URL"] = f"sqlite:///{DEMO_DATABASE}"
        os.environ.setdefault("BAGALAU_WEB_TODAY", TODAY.isoformat())
        print(f"Demo database {DEMO_DATABASE}, console day {os.environ['BAGALAU_WEB_TODAY']}. Sign in as:")
        for login, secret, role in accounts:
            print(f"  {login:10} password {secret:22} {role}")
    from_environment()  # the console's settings checked here, not in each process it starts
    upgrade()
    print(f"Open http://{host}:{port}/")
    serve(host, port, workers)

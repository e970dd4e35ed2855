"""`bagalau score FILE`: score one appraisal sheet given as JSON (see docs/cli.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from methodology import inputs
from methodology.errors import InvalidInput
from methodology.i18n import Lang
from methodology.scoring import Result, score_request
from methodology.scoring.requests import CONTRACT


def score(
    file: str = typer.Argument(..., help="JSON file of the sheet, or - for standard input."),
    lang: str = LangOption,
) -> None:
    """Score a sheet: prints score, band and band label as JSON."""
    reader = use_lang(lang)
    print_json(result_json(score_request(read_json(file)), reader))


def read_json(file: str) -> Any:
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text("utf-8")
    except FileNotFoundError:
        raise InvalidInput("file_missing", field="FILE", value=file, rule=CONTRACT) from None
    except PermissionError:
        raise InvalidInput("file_denied", field="FILE", value=file, rule=CONTRACT) from None
    except IsADirectoryError:
        raise InvalidInput("file_folder", field="FILE", value=file, rule=CONTRACT) from None
    except UnicodeDecodeError:
        raise InvalidInput("file_encoding", field="FILE", value=file, rule=CONTRACT) from None
    except OSError as error:
        raise InvalidInput("file", field="FILE", value=file, rule=CONTRACT, detail=error.strerror or "") from None
    return inputs.parse_json(text, "FILE", CONTRACT)


def result_json(result: Result, lang: Lang) -> dict[str, Any]:
    return {
        "methodology": result.methodology,
        "kind": result.kind,
        "score": result.score,
        "band": result.band.id,
        "band_label": result.band.label(lang),
        **result.details,
    }

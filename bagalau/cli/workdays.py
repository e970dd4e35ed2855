"""`bagalau workdays add|check`: Kazakhstan's working days, as every deadline counts them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import typer

from bagalau.cli.common import LangOption, print_json, use_lang
from methodology import inputs
from methodology.errors import InvalidInput
from methodology.labels import message
from methodology.workdays import ALMATY, WorkCalendar, default_calendar

app = typer.Typer(help="Working days of Kazakhstan.", no_args_is_help=True)

CalendarOption = typer.Option(None, "--calendar", help="Extra calendar table (YAML) with transfers of days off; default: BAGALAU_CALENDAR.")


def parse_date(text: str, field: str) -> date:
    return inputs.day_of(text, field)


def parse_moment(text: str | None, field: str = "--now") -> datetime | None:
    """An ISO date-time; without a zone it is Asia/Almaty's."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(inputs.wrong_day(text), field=field, value=text, rule="ISO 8601") from None
    inputs.day_in_range(moment.date(), field, "ISO 8601")
    return moment if moment.tzinfo else moment.replace(tzinfo=ALMATY)


def moment_or_now(text: str | None, field: str = "--now") -> datetime:
    """`parse_moment` in Asia/Almaty; without one, now: the CLI is an entry point, where
    the clock is read and passed down."""
    moment = parse_moment(text, field)
    return moment.astimezone(ALMATY) if moment else datetime.now(ALMATY)


def day_or_today(text: str | None, field: str = "--on") -> date:
    """`parse_date`; without one, today in Asia/Almaty."""
    return parse_date(text, field) if text else datetime.now(ALMATY).date()


def calendar_from(path: Optional[str]) -> WorkCalendar:
    return default_calendar(path)


# "-5" is a count, not an option: a negative N counts back.
@app.command("add", context_settings={"ignore_unknown_options": True})
def add(
    start: str = typer.Argument(..., metavar="DATE", help="ISO date, e.g. 2026-03-20."),
    count: int = typer.Argument(..., metavar="N", help="How many working days after DATE (negative: before)."),
    calendar: Optional[str] = CalendarOption,
    lang: str = LangOption,
) -> None:
    """Print the Nth working day after DATE (the day itself is not counted)."""
    use_lang(lang)
    day = parse_date(start, "DATE")
    if count == 0:
        raise InvalidInput("at_least", field="N", value=count, rule="docs/cli.md", low=1)
    print(calendar_from(calendar).add_working_days(day, count).isoformat())


@app.command("check")
def check(
    day: str = typer.Argument(..., metavar="DATE", help="ISO date."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object instead."),
    calendar: Optional[str] = CalendarOption,
    lang: str = LangOption,
) -> None:
    """Print whether DATE is a working day (in the reader's words), and why on the next line;
    `--json` gives `working` or `non-working` for scripts."""
    reader = use_lang(lang)
    status = calendar_from(calendar).status(parse_date(day, "DATE"))
    word = "working" if status.working else "non-working"
    if as_json:
        print_json({"date": status.day, "status": word, "why": status.explain(reader), "reviewed": status.reviewed})
        return
    print(message("cli_working" if status.working else "cli_non_working", reader))
    print(status.explain(reader))
    if not status.reviewed:
        print(_UNREVIEWED[reader].format(year=status.day.year))


_UNREVIEWED = {
    "kk": "Ескерту: {year} жылғы демалыс күндерін ауыстыру кестеге әлі енгізілмеген (BAGALAU_CALENDAR).",
    "ru": "Внимание: переносы выходных на {year} год в таблицу ещё не внесены (BAGALAU_CALENDAR).",
    "en": "Note: the transfers of days off for {year} are not in the table yet (BAGALAU_CALENDAR).",
}

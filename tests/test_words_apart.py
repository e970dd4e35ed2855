"""The step, the period and the escalation's rung are three things, and every catalogue a
person reads names them with three words in each language: in Kazakh "кезең" was both the
step and the period of the console and the report, and "саты" both the step of the report
and the rung of the console (issue #14). The step is "қадам" wherever it is labelled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from methodology.i18n import LANGS, Lang
from methodology.labels import catalogue
from notifications.compliance_report import labels as report_labels

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "notifications" / "templates" / "notices"


def word(key: str, lang: Lang) -> str:
    """The console's word, read from its files (`web` here would be tests/web)."""
    for path in sorted((ROOT / "web").glob("labels*.yaml")):
        if key in (entries := yaml.safe_load(path.read_text("utf-8"))):
            return str(entries[key][lang])
    raise KeyError(key)


@pytest.mark.parametrize("lang", LANGS)
def test_step_period_and_rung_are_three_words_in_every_catalogue(lang: Lang) -> None:
    web = {word("step", lang).casefold(), word("period", lang).casefold(), word("hr_rung", lang).casefold()}
    assert len(web) == 3 and word("step", lang) == word("hr_step", lang)  # the console's pages and HR's console agree
    columns = report_labels()["columns"]
    assert columns["step"][lang] != columns["period"][lang]
    assert len({names[lang] for names in columns.values()}) == len(columns)  # no two report columns headed alike
    cli = catalogue()["columns"]
    assert cli["step"](lang) != cli["period"](lang)
    assert {columns["step"][lang].casefold(), cli["step"](lang).casefold()} == {word("step", lang).casefold()}


@pytest.mark.parametrize("path", sorted(NOTICES.glob("*.kk.j2")), ids=lambda p: p.name)
def test_a_kazakh_notice_names_the_step_qadam_never_kezen(path: Path) -> None:
    for line in path.read_text("utf-8").splitlines():
        if "step.label" in line:
            assert not re.search(r"\bкезең", line, re.IGNORECASE | re.UNICODE), line

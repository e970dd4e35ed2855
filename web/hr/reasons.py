"""Why a servant was set apart, in the reader's words. The opening stores its reason as
plain English text (states/placement.py: "in the position since 2026-03-02 (п.3)"); the
console reads its known openings back and says them in Kazakh, Russian or English,
leaving anything it does not know as written.
"""

from __future__ import annotations

import re
from datetime import date

from methodology.i18n import Lang
from notifications.render import day

OPENINGS = {
    "in the position since": {"kk": "лауазымға тағайындалған күні: {day}", "ru": "в должности с {day}", "en": "in the position since {day}"},
    "on probation until": {"kk": "сынақ мерзімінің аяқталатын күні: {day}", "ru": "испытательный срок до {day}", "en": "on probation until {day}"},
    "dismissed": {"kk": "қызметтен босатылған күні: {day}", "ru": "уволен {day}", "en": "dismissed {day}"},
}
SHAPE = re.compile(r"^(?P<opening>[a-z ]+?) (?P<day>\d{4}-\d{2}-\d{2})(?P<rest> \(.*\))?$")


def reason_in(reason: str, lang: Lang) -> str:
    found = SHAPE.match(reason)
    if not found or found["opening"] not in OPENINGS:
        return reason
    words = OPENINGS[found["opening"]][lang].format(day=day(date.fromisoformat(found["day"]), lang))
    return words + (found["rest"] or "")

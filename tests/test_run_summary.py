"""The summary a flow run publishes for HR (notifications/run_summary.py), without Prefect:
a section per body with its notices, a name that cannot break the table or inject markup,
at most SHOWN rows per body with the rest counted, and a word when nobody is late."""

from __future__ import annotations

from datetime import date

from notifications.run_summary import SHOWN, LateStep, summary


def _step(body: str, servant: str, days: int = 3) -> LateStep:
    return LateStep(state_body=body, unit="Бөлім", servant=servant, step="Тоқсандық бағалау", responsible="Басшы",
                    due=date(2026, 4, 10), days_overdue=days)


def test_a_section_per_body_with_its_notices_in_the_readers_language() -> None:
    text = summary("Есеп", [_step("Агенттік", "Бірінші"), _step("Министрлік", "Екінші")], {"Министрлік": (3, 2), "Комитет": (1, 0)}, "kk")
    sections = text.split("\n## ")[1:]
    assert [s.partition("\n")[0] for s in sections] == ["Агенттік", "Комитет", "Министрлік"]
    assert "Хабарламалар: 3 жазылды, 2 жіберілді." in sections[2] and "Хабарламалар" not in sections[0]
    assert "Мерзімі өткен қадам жоқ." in sections[1]  # notices but nobody late
    assert "| Бөлім | Бірінші | Тоқсандық бағалау | Басшы | 2026-04-10 | 3 | мерзімі өтті |" in sections[0]
    assert summary("Report", [], {}, "en").endswith("No step is overdue.\n")


def test_a_name_stays_one_cell_of_text() -> None:
    text = summary("R", [_step("Body", "A | B\n<script>alert(1)</script> *x*")], {}, "en")
    row = next(line for line in text.splitlines() if "alert" in line)
    assert "A \\| B &lt;script&gt;alert(1)&lt;/script&gt; \\*x\\*" in row and "<script" not in text
    assert row.count(" | ") == 6  # seven cells, the name's pipe escaped


def test_at_most_shown_rows_per_body_and_the_rest_counted() -> None:
    text = summary("R", [_step("Body", f"Person {n}") for n in range(SHOWN + 7)], {}, "ru")
    assert sum(line.startswith("| Подразделение") is False and line.startswith("| ") for line in text.splitlines()) == SHOWN
    assert "…и ещё 7; полный список — в файлах отчёта и в консоли кадровой службы." in text

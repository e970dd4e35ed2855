"""The one error boundary of the command line: whatever fails, one line, never a traceback.

The product's own refusals (`BagalauError`) already say what was wrong; the rest is told
by `services.failures` (shared with the web console and the flows), in the reader's
language, with what to do. Exit 2 for what the person can fix (input, settings, paths, the
database they named), 1 for a fault of the product. A URL's password or `?token=` is never
printed.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from methodology.i18n import Lang
from services.failures import Failure, classify, redact

__all__ = ["Failure", "classify", "redact", "report"]


def report(error: BaseException, lang: Lang) -> NoReturn:
    failure = classify(error)
    print("bagalau: " + " ".join(failure.render(lang).split()), file=sys.stderr)
    sys.exit(failure.exit_code)

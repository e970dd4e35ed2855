"""Every score the methodologies define, as plain typed functions over a definition.

One module per method: `quarterly` and `plan` (mne2017), `annual` (both), `kpi`,
`differentiation` and `survey360` (typical2023); `requests` reads the JSON of `bagalau score`.
"""

from methodology.scoring.common import Result
from methodology.scoring.requests import score_request

__all__ = ["Result", "score_request"]

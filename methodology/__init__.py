"""The rules of the methodologies: definitions as data, scores, working days, deadlines.

Nothing here touches a database or a flow: every function is plain and typed, so the
lifecycle (`states/`), the flows (`flows/`) and the CLI (`bagalau/`) all apply the same rules.
"""

from methodology.loader import available, load
from methodology.schema import Methodology

__all__ = ["Methodology", "available", "load"]

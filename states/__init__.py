"""The appraisal lifecycle: one `transitions` state machine per appraisal kind, generated
from the methodology definition; arrives with the lifecycle issue."""

from states import audit_chain as _audit_chain  # noqa: E402,F401  (seals the trail at every commit)

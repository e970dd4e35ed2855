"""The appraisal lifecycle: one `transitions` state machine per appraisal kind, generated
from the methodology definition; arrives with the lifecycle issue."""

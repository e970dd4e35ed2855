"""bagalau: the orchestrator of the performance appraisal of B-corps civil servants."""

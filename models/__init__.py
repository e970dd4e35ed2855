"""SQLModel tables (organisation, cycles, appraisals, deadlines, audit trail) and their
Alembic migrations; arrive with the lifecycle issue."""

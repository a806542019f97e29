"""Background jobs: the phased import, its progress, and the cron jobs."""

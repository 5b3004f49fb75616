"""People, roles, cohorts and one-time tokens (invitations and password resets)."""

"""A student's attempts, evidence, judgements and records (filled by the student issue)."""

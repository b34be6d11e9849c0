"""IAM as plain data: statements, the grants each integration needs, and trust policies."""

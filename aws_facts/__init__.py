"""Facts about AWS, each written down once with its source: quotas and naming rules, the names
the stack derives, ARN builders and patterns, and the schedule-expression grammar.

The ground floor: nothing here imports the project, only the standard library.
"""

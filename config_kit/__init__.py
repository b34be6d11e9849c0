"""The configuration machinery, knowing no section: reading TOML tables key by key while
collecting every problem, typed keys, the schema sections that arrange them, and the checks of
single values. The sections themselves live in core/.

Imports nothing of the project but aws_facts/.
"""

"""The pipeline as plain data: configuration, ASL states and the IAM they need.

Nothing here imports cdktf, so all of it is tested in milliseconds.
"""

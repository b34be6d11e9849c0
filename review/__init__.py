"""Offline review of an infrastructure change: what a change to this project does to the
synthesized Terraform of each stack, as a Markdown report for pull requests.

Pure functions turn two synthesized `cdk.tf.json` documents into report data
(`report.compare`) and the data into Markdown (`markdown.render`). Only `cli`,
`worktree` and `terraform` run processes.
"""

"""Terraform stacks: one per environment, each composed from components."""

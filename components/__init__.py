"""Thin CDKTF constructs: each turns core data into the provider resources of one concept."""

"""Run the pipeline's failure path on one machine, with no AWS account.

The synthesized Terraform is applied to moto (an AWS emulator, in this process),
the state machine runs in moto's Step Functions interpreter, and the ticket is
posted over real HTTP to a recording server on 127.0.0.1. See docs/offline.md.
"""

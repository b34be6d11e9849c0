"""How a dead-letter queue is encrypted: with the stack's customer-managed key, or SQS-managed keys."""

from __future__ import annotations

from typing import Any


def queue_encryption(key_arn: str | None, data_key_reuse_seconds: int) -> dict[str, Any]:
    """sqs_queue's arguments (provider 5.100.0): SSE-KMS with the key, else SSE-SQS. The two are
    exclusive. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html"""
    if key_arn is None:
        return {"sqs_managed_sse_enabled": True}
    return {"kms_master_key_id": key_arn, "kms_data_key_reuse_period_seconds": data_key_reuse_seconds}

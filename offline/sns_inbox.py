"""Reads what the state machine publishes to the failure topic.

An e-mail subscription cannot be read locally, so an SQS queue of the emulator
is subscribed to the topic (without raw delivery, so each message keeps its
SNS envelope: Subject and Message). moto delivers to SQS inside the Publish
call, so by the time an execution has ended its messages are in the queue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_BATCHES = 20
"""At most 200 messages per read; a run publishes one or two."""


@dataclass(frozen=True)
class SnsMessage:
    subject: str | None
    message: str
    topic_arn: str


class SnsInbox:
    def __init__(self, sqs: Any, sns: Any, topic_arn: str, queue_name: str = "offline-failure-inbox"):
        self._sqs = sqs
        self._queue_url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self.subscription_arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)[
            "SubscriptionArn"
        ]

    def take(self) -> list[SnsMessage]:
        """Every message delivered so far, oldest first; they are removed from the queue."""
        messages: list[SnsMessage] = []
        for _ in range(MAX_BATCHES):
            batch = self._sqs.receive_message(
                QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not batch:
                break
            for received in batch:
                envelope = json.loads(received["Body"])
                messages.append(
                    SnsMessage(envelope.get("Subject"), envelope["Message"], envelope["TopicArn"])
                )
                self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=received["ReceiptHandle"])
        return messages

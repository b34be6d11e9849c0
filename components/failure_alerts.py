"""The SNS topic the failure path publishes to, and the team's e-mail subscriptions."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from aws_facts import names as aws_names
from core.sections.notifications import NotificationSettings


class FailureAlerts(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, settings: NotificationSettings, key_arn: str | None = None
    ):
        """key_arn: the customer-managed key ([encryption]); None: the topic is not encrypted."""
        super().__init__(scope, id_)
        self.topic = SnsTopic(self, "Topic", name=settings.topic_name, kms_master_key_id=key_arn)
        for email in settings.emails:
            SnsTopicSubscription(
                self,
                aws_names.email_subscription_id(email),
                topic_arn=self.topic.arn,
                protocol="email",
                endpoint=email,
            )
        self.topic_arn = self.topic.arn

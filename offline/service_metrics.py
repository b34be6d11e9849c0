"""The metrics and alarm actions AWS records for the fire drill to read, which moto does not.

- EventBridge's `AWS/Events` `Invocations` and `FailedInvocations` by `RuleName`, one datapoint
  per delivery to a target (offline.event_targets reports each one here): Invocations counts every
  final outcome, FailedInvocations the failed ones
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html);
- an alarm's actions: on a change of state (SetAlarmState, by hand or by offline.alarm_evaluation),
  CloudWatch publishes its notification (part of CloudWatch's message: the fields a reader needs)
  to the SNS actions of the new state and records each in the alarm's history as "Successfully executed action
  <ARN>" or "Failed to execute action <ARN>" (DescribeAlarmHistory, which moto 5.2.5 lacks:
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html).
Not modelled: the topic policy's check of CloudWatch's publish (the IAM tests simulate policies).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from moto.cloudwatch.models import Alarm, CloudWatchBackend, MetricDatum, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sns.models import sns_backends
from moto.utilities.arns import parse_arn

_SET_ALARM_STATE = CloudWatchBackend.set_alarm_state
_ACTIONS = {"ALARM": "alarm_actions", "OK": "ok_actions", "INSUFFICIENT_DATA": "insufficient_data_actions"}
_history: dict[str, list[dict[str, Any]]] = {}
_lock = threading.Lock()


def install() -> None:
    """Idempotent."""
    CloudWatchBackend.set_alarm_state = _set_alarm_state  # type: ignore[method-assign]
    CloudWatchResponse.describe_alarm_history = _describe_alarm_history  # type: ignore[attr-defined]


def reset() -> None:
    with _lock:
        _history.clear()


def record_invocation(account: str, region: str, rule: str, failed: bool) -> None:
    """One delivery of an event by `rule` to one of its targets."""
    backend = cloudwatch_backends[account][region]
    dimensions = [{"Name": "RuleName", "Value": rule}]
    now = utcnow()
    for name, value in (("Invocations", 1.0), ("FailedInvocations", float(failed))):
        backend.metric_data.append(MetricDatum("AWS/Events", name, value, dimensions, now))


def _set_alarm_state(
    self: CloudWatchBackend, alarm_name: str, reason: str, reason_data: str, state_value: str
) -> None:
    old = self.alarms[alarm_name].state_value if alarm_name in self.alarms else None
    _SET_ALARM_STATE(self, alarm_name, reason, reason_data, state_value)
    alarm = self.alarms[alarm_name]
    if state_value == old or not alarm.actions_enabled:
        return
    for action in getattr(alarm, _ACTIONS[state_value]) or []:
        summary = f"Successfully executed action {action}"
        try:
            arn = parse_arn(action)
            sns_backends[arn.account][arn.region].publish(
                message=json.dumps(_notification(self, alarm, old, reason)),
                arn=action,
                subject=f'{state_value}: "{alarm_name}" in {self.region_name}',
            )
        except Exception as problem:  # noqa: BLE001 - CloudWatch records any failure in the history
            summary = f"Failed to execute action {action}: {problem}"
        with _lock:
            _history.setdefault(alarm_name, []).append(
                {
                    "AlarmName": alarm_name,
                    "AlarmType": "MetricAlarm",
                    "Timestamp": utcnow(),
                    "HistoryItemType": "Action",
                    "HistorySummary": summary,
                    "HistoryData": json.dumps(
                        {"actionState": "Succeeded" if summary[0] == "S" else "Failed"}
                    ),
                }
            )


def _notification(backend: CloudWatchBackend, alarm: Alarm, old: str | None, reason: str) -> dict[str, Any]:
    """Part of CloudWatch's alarm notification (the fields a reader needs)."""
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": backend.account_id,
        "NewStateValue": alarm.state_value,
        "NewStateReason": reason,
        "StateChangeTime": alarm.state_updated_timestamp.isoformat(),
        "Region": backend.region_name,
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old,
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "Dimensions": [{"name": d.name, "value": d.value} for d in alarm.dimensions],
            "Period": alarm.period,
            "EvaluationPeriods": alarm.evaluation_periods,
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": alarm.threshold,
            "TreatMissingData": alarm.treat_missing_data,
        },
    }


def _describe_alarm_history(self: CloudWatchResponse) -> ActionResult:
    name = self._get_param("AlarmName")
    kind = self._get_param("HistoryItemType")
    with _lock:
        items = [
            item
            for alarm, alarm_items in _history.items()
            if name in (None, alarm)
            for item in alarm_items
            if kind in (None, item["HistoryItemType"])
        ]
    return ActionResult({"AlarmHistoryItems": list(reversed(items))})

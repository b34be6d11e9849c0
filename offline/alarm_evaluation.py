"""CloudWatch's evaluation of the night watch's two alarms, which moto stores but never evaluates.

moto neither computes AWS/States or AWS/SQS metrics nor evaluates alarms. Here
the two metrics the night watch alarms on are read from the emulator's own
resources, and an alarm is evaluated as CloudWatch documents it
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html):
the last EvaluationPeriods periods, each a datapoint or missing;
DatapointsToAlarm of them breaching put the alarm in ALARM; a missing one
counts as TreatMissingData says. On a change of state, the alarm's new state
is recorded (SetAlarmState), and offline.service_metrics publishes the
notification to each of its actions for that state, as CloudWatch does.

- AWS/States ExecutionsStarted (StateMachineArn): the executions of that state
  machine started within each period (no execution: no datapoint);
- AWS/SQS ApproximateNumberOfMessagesVisible (QueueName): the queue's visible
  messages now, as the last period's datapoint.

`now` is a parameter, so a test can ask about a night long past without waiting for it.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime, timedelta

from offline.emulator import Emulator

_COMPARE = {
    "GreaterThanOrEqualToThreshold": operator.ge,
    "GreaterThanThreshold": operator.gt,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


@dataclass(frozen=True)
class Evaluation:
    alarm: str
    old_state: str
    new_state: str
    datapoints: list[float | None]
    """Oldest first; None where the period had no data."""


def evaluate_alarm(emulator: Emulator, alarm_name: str, now: datetime) -> Evaluation:
    cloudwatch = emulator.client("cloudwatch")
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    datapoints = _datapoints(emulator, alarm, now)
    state = _state(alarm, datapoints)
    old = alarm["StateValue"]
    if state != old:
        reason = f"Threshold Crossed: {len(datapoints)} datapoints were evaluated: {datapoints}"
        cloudwatch.set_alarm_state(AlarmName=alarm_name, StateValue=state, StateReason=reason)
    return Evaluation(alarm_name, old, state, datapoints)


def _state(alarm: dict, datapoints: list[float | None]) -> str:
    compare = _COMPARE[alarm["ComparisonOperator"]]
    missing = alarm.get("TreatMissingData", "missing")
    breaching = 0
    for value in datapoints:
        if value is None:
            breaching += missing == "breaching"
        else:
            breaching += compare(value, alarm["Threshold"])
    return "ALARM" if breaching >= alarm.get("DatapointsToAlarm", alarm["EvaluationPeriods"]) else "OK"


def _datapoints(emulator: Emulator, alarm: dict, now: datetime) -> list[float | None]:
    period = timedelta(seconds=alarm["Period"])
    dimensions = {dimension["Name"]: dimension["Value"] for dimension in alarm["Dimensions"]}
    starts = [now - period * (index + 1) for index in reversed(range(alarm["EvaluationPeriods"]))]
    metric = (alarm["Namespace"], alarm["MetricName"])
    if metric == ("AWS/States", "ExecutionsStarted"):
        started = _execution_starts(emulator, dimensions["StateMachineArn"])
        counts = [sum(start <= moment < start + period for moment in started) for start in starts]
        return [float(count) if count else None for count in counts]
    if metric == ("AWS/SQS", "ApproximateNumberOfMessagesVisible"):
        return [None] * (len(starts) - 1) + [float(_visible_messages(emulator, dimensions["QueueName"]))]
    raise ValueError(f"offline: no metric {metric} to evaluate")


def _execution_starts(emulator: Emulator, state_machine_arn: str) -> list[datetime]:
    sfn = emulator.client("stepfunctions")
    return [
        execution["startDate"]
        for execution in sfn.list_executions(stateMachineArn=state_machine_arn)["executions"]
    ]


def _visible_messages(emulator: Emulator, queue_name: str) -> int:
    sqs = emulator.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])

"""Pipeline steps: each renders its Task state and the IAM statements that state needs."""

from core.steps.ecs_run_task import ContainerOverride, EcsStep
from core.steps.http_invoke import HttpRequest, HttpStep
from core.steps.lambda_invoke import LambdaStep
from core.steps.task import Retry

Step = LambdaStep | EcsStep | HttpStep

__all__ = ["ContainerOverride", "EcsStep", "HttpRequest", "HttpStep", "LambdaStep", "Retry", "Step"]

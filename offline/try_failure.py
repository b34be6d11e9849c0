"""`make try-failure`: one failed night of the pipeline, on this machine, in under a minute.

Synthesizes a configuration (config/dev.toml by default), deploys it to the
emulator with real Terraform, makes one step fail (the last one by default)
and prints the ticket that would have been opened, the e-mail the team would
get and how the execution ended. Nothing leaves 127.0.0.1.

    python -m offline.try_failure [CONFIG] [--step NAME | --night timed-out|aborted|runtime-error]

--night runs a night no Catch can see (offline.night_failures): the night watch's
EventBridge rules then open the ticket and send the e-mail.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from config_kit.errors import ConfigError

import fast_synth
from core.config import PipelineConfig
from core.loading import load_config
from offline.deployment import Deployment, OfflineSettings, deployed
from offline.executions import ExecutionResult
from offline.failures import make_step_fail
from offline.night_failures import Night, NightNotPossible, prepared_config, run_night
from offline.report import format_execution, format_sns, format_ticket, section
from terraform_cli import TerraformError

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT / "config" / "dev.toml"


# Deploys a synthesized stack to the emulator; scratch is a folder it may use until the run ends.
Deployer = Callable[[PipelineConfig, Path, Path], AbstractContextManager[Deployment]]


def deploy_afresh(
    config: PipelineConfig, stack_dir: Path, scratch: Path
) -> AbstractContextManager[Deployment]:
    """A new emulator, terraform init + apply; all gone when the run ends."""
    print("Deploying it to the local AWS emulator (terraform init + apply) ...", file=sys.stderr, flush=True)
    return deployed(config, stack_dir, OfflineSettings(), workdir=scratch / "terraform")


def main(argv: list[str] | None = None, deploy: Deployer = deploy_afresh) -> int:
    """deploy: offline.warm passes one that keeps the deployment for the next run."""
    arguments = _parser().parse_args(argv)
    _enable_fast_synth()
    try:
        config = load_config(arguments.config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    night_kind = Night(arguments.night) if arguments.night else None
    step = arguments.step or config.steps[-1].name
    if step not in {candidate.name for candidate in config.steps}:
        print(f"--step {step!r}: not a step of {arguments.config}", file=sys.stderr)
        return 1
    if night_kind is not None:
        try:
            config = prepared_config(config, night_kind)
        except NightNotPossible as error:
            print(f"--night {night_kind.value}: {error}", file=sys.stderr)
            return 1
    try:
        return _try(arguments.config, config, step, night_kind, deploy)
    except TerraformError as error:
        print(
            f"make try-failure: Terraform failed on the local emulator, so no night ran.\n{error.errors or error}",
            file=sys.stderr,
        )
        return 1


def _try(source: Path, config: PipelineConfig, step: str, night_kind: Night | None, deploy: Deployer) -> int:
    with tempfile.TemporaryDirectory(prefix="try-failure-") as scratch:
        print(f"Synthesizing {source} ...", file=sys.stderr, flush=True)
        stack_dir = _synthesize(config, Path(scratch))
        with deploy(config, stack_dir, Path(scratch)) as night:
            if night_kind is not None:
                print(f"Running a night that ends {night_kind.value} ...", file=sys.stderr, flush=True)
                result = run_night(night, night_kind)
                return _report(night, result, night_kind.expected_status, None)
            print(f"Running the state machine with step {step} failing ...", file=sys.stderr, flush=True)
            expected_error = make_step_fail(night, step)
            return _report(night, night.run(), "FAILED", expected_error)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="make try-failure", description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", type=Path, default=DEFAULT_CONFIG, help="default: %(default)s")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--step", help="the step that fails (default: the last one)")
    choice.add_argument(
        "--night",
        choices=[night.value for night in Night],
        help="a night no Catch can see, reported by the night watch instead of the failure path",
    )
    return parser


@functools.cache
def _enable_fast_synth() -> None:
    """Synth as `make synth` does it (about 1 s instead of 15-20 s); the jsii kernel boots meanwhile.
    Once per process: a warm server (offline.warm) synthesizes many times with the same kernel."""
    fast_synth.notice_if_off(fast_synth.enable())


def _synthesize(config: PipelineConfig, scratch: Path) -> Path:
    from stacks.app import synthesize  # the provider bindings take a while to import

    synthesize([config], scratch / "cdktf.out", PROJECT)
    return scratch / "cdktf.out" / "stacks" / config.stack.name


def _report(
    night: Deployment, result: ExecutionResult, expected_status: str, expected_error: str | None
) -> int:
    """expected_error: None when any error (or none) is as expected."""
    ticket_config = night.config.ticket.request
    tickets = night.ticket_server.requests
    for number, ticket in enumerate(tickets, start=1):
        title = "Ticket request" + (f" {number} of {len(tickets)}" if len(tickets) > 1 else "")
        print(section(title, format_ticket(ticket, ticket_config.endpoint, night.secret_values())))
    if not tickets:
        print(section("Ticket request", "(none was sent)"))
    messages = night.inbox.take()
    for message in messages:
        print(section("SNS message (e-mail to the team)", format_sns(message)))
    print(section("Execution", format_execution(result)))
    as_expected = (
        result.status == expected_status
        and expected_error in (None, result.error)
        and len(tickets) == len(messages) == 1
    )
    wanted = f"{expected_status} with {expected_error}" if expected_error else expected_status
    print("As expected." if as_expected else f"NOT as expected: wanted {wanted}, one ticket and one message.")
    return 0 if as_expected else 1


if __name__ == "__main__":
    sys.exit(main())

"""moto's AWS emulator, in this process, on a free port of 127.0.0.1.

In-process, because the offline integrations (offline.task_factory) are Python
objects plugged into moto's Step Functions interpreter, which runs in the
server's threads. The interpreter sends its own AWS calls (sns:Publish, ...)
to `localhost:$MOTO_PORT`, so MOTO_PORT is set to the port the server got.
MOTO_ACCOUNT_ID makes every request, including the interpreter's, act in the
configured account: the synthesized provider refuses any other
(`allowed_account_ids`), and the definition names resources in it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import requests
from moto.core.config import default_user_config
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer

from offline import connection_update, jsonata, service_metrics, sfn_missing_actions

LOOPBACK = "127.0.0.1"
FAKE_CREDENTIALS = {"aws_access_key_id": "offline", "aws_secret_access_key": "offline"}


@dataclass(frozen=True)
class Emulator:
    endpoint: str
    """http://127.0.0.1:<port>; every service answers on it."""
    account_id: str
    region: str

    def client(self, service: str, region: str | None = None, **credentials: str) -> Any:
        """A boto3 client of the emulator; fake credentials unless others are given."""
        return boto3.client(
            service,
            region_name=region or self.region,
            endpoint_url=self.endpoint,
            **(credentials or FAKE_CREDENTIALS),
        )


@contextmanager
def running_emulator(region: str, account_id: str | None = None) -> Iterator[Emulator]:
    """Starts moto with Step Functions execution on; stops it and restores the environment after."""
    sfn_missing_actions.install()
    connection_update.install()
    jsonata.install()
    service_metrics.install()
    # moto's server logs every request through werkzeug; the tests and the CLI report what matters.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # The interpreter logs every caught task failure as an ERROR, though a failing step is the very
    # thing the offline runs exercise; the execution's history holds the same details.
    logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component").setLevel(logging.CRITICAL)
    default_user_config["stepfunctions"]["execute_state_machine"] = True
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    account = account_id or DEFAULT_ACCOUNT_ID
    saved = {name: os.environ.get(name) for name in ("MOTO_PORT", "MOTO_ACCOUNT_ID")}
    os.environ.update(MOTO_PORT=str(port), MOTO_ACCOUNT_ID=account)
    emulator = Emulator(endpoint=f"http://{LOOPBACK}:{port}", account_id=account, region=region)
    try:
        yield emulator
    finally:
        # Forget every resource, so a later emulator in this process starts empty.
        requests.post(f"{emulator.endpoint}/moto-api/reset", timeout=10)
        service_metrics.reset()
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

"""JSONata for moto's Step Functions interpreter: jsonata-python in place of its JVM bridge.

moto 5.2.5 parses JSONata states (QueryLanguage "JSONata", `{% ... %}`) and
hands each expression, with $states and the variables written into it as
literals, to moto.stepfunctions.parser.asl.jsonata.jsonata._eval_jsonata,
which it leaves unset: the Java library it expects is not shipped. This puts
jsonata-python (pure Python, PyPI) there. Step Functions runs JSONata 2.0.6
(https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html);
the functions this project uses ($substring, $length, $merge, the conditional
operator, block variables) behave alike in both.
"""

from __future__ import annotations

import json
from typing import Any

import jsonata as jsonata_python
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata


def evaluate(expression: str) -> Any:
    """The value, as plain JSON data; a failure is moto's JSONataException, as from the JVM bridge."""
    try:
        result = jsonata_python.Jsonata(expression).evaluate(None)
    except Exception as error:
        raise moto_jsonata.JSONataException("UNKNOWN", str(error)) from error
    # jsonata-python returns its own list type; the interpreter needs plain JSON values.
    return None if result is None else json.loads(json.dumps(result))


def install() -> None:
    """Idempotent; for the whole process."""
    moto_jsonata._eval_jsonata = evaluate

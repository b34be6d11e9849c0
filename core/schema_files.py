"""`make schema`: writes the key reference in docs/configuration.md and the JSON Schema from core.loading.CONFIG."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from config_kit.schema import json_schema, reference

from core.loading import CONFIG

PROJECT = Path(__file__).resolve().parent.parent
REFERENCE = PROJECT / "docs" / "configuration.md"
JSON_SCHEMA = PROJECT / "schema" / "pipeline-config.schema.json"


def rendered() -> dict[Path, str]:
    """Each file's expected text."""
    return {
        REFERENCE: reference(CONFIG, REFERENCE.read_text(encoding="utf-8")),
        JSON_SCHEMA: json.dumps(json_schema(CONFIG), indent=2) + "\n",
    }


def main() -> None:
    for path, text in rendered().items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(PROJECT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

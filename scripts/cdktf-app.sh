#!/bin/sh
# cdktf.json's app, what `cdktf synth`, `cdktf diff` and `cdktf deploy` run: main.py with the
# Python of .venv/ (make setup makes it), directly: `pipenv run` would add about a second to each.
# Without .venv/ (a venv elsewhere), through pipenv as before.
project="$(cd "$(dirname "$0")/.." && pwd)"
if [ -x "$project/.venv/bin/python" ]; then
  exec "$project/.venv/bin/python" "$project/main.py" "$@"
fi
exec pipenv run python "$project/main.py" "$@"

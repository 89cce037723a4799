#!/usr/bin/env python3
"""Validates every recording of testdata/recordings/ against testdata/recording.schema.json
(and each JSON Lines line against its `record` definition). Usage: check_schema.py REPO_ROOT."""

import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit(
        "schema check needs the `jsonschema` module: run it with the project venv (make setup)"
    )
root = sys.argv[1]
with open(os.path.join(root, "testdata/recording.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
rec = jsonschema.Draft202012Validator(
    {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/record"}
)
d = os.path.join(root, "testdata/recordings")
n = 0
for name in sorted(os.listdir(d)):
    p = os.path.join(d, name)
    if name.endswith(".json") and name != "manifest.json":
        with open(p) as f:
            v.validate(json.load(f))
        n += 1
    elif name.endswith(".jsonl"):
        with open(p) as f:
            for line in f:
                if line.strip():
                    rec.validate(json.loads(line))
        n += 1
# The schema must reject what readers reject.
bad = {
    "format": "ssert-recording",
    "version": 1,
    "connections": [{"request": {}, "chunks": [{"t": 0, "data": "x", "text": "y"}]}],
}
try:
    v.validate(bad)
    raise SystemExit("schema accepted a chunk with both data and text")
except jsonschema.ValidationError:
    pass
print(f"schema check: {n} recordings valid")

#!/usr/bin/python3
"""Validates JSON documents against a JSON Schema with Debian's
python3-jsonschema, an implementation independent of ours. The schema's
draft comes from its $schema; the schemas it refers to by relative name are
read from its own folder (no network).
  validate_json.py SCHEMA FILE          FILE is one JSON document
  validate_json.py --lines SCHEMA FILE  FILE has one JSON document a line
Prints each error with its line and JSON path; exit status 1 if any."""
import os
import json
import sys

import jsonschema

args = sys.argv[1:]
lines = args[0] == "--lines"
if lines:
    args = args[1:]
schema = json.load(open(args[0]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
# Siblings by the URI a relative $ref resolves to from the schema's $id.
base = schema.get("$id", "").rsplit("/", 1)[0]
store = {}
folder = os.path.dirname(os.path.abspath(args[0]))
for name in os.listdir(folder):
    if name.endswith(".json"):
        store[base + "/" + name] = json.load(open(os.path.join(folder, name)))
resolver = jsonschema.RefResolver.from_schema(schema, store=store)
validator = cls(schema, resolver=resolver)
text = open(args[1], encoding="utf-8").read()
docs = [l for l in text.split("\n") if l] if lines else [text]
bad = 0
for n, doc in enumerate(docs, 1):
    for e in validator.iter_errors(json.loads(doc)):
        print("document %d at %s: %s" % (n, "/".join(map(str, e.absolute_path)),
                                         e.message[:300]))
        bad += 1
sys.exit(1 if bad else 0)

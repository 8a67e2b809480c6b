#!/usr/bin/env python3
"""Structural checks of contrib/elastic and contrib/splunk (no Elasticsearch
or Splunk here):

    check_siem_configs.py SOURCE_DIR [ECS_LINES_FILE...]

- the index template maps every field schemas/ecs.schema.json defines, with a
  type compatible with the schema's, and every field of the given real ECS
  lines (after Filebeat's processors) is mapped;
- filebeat.yml parses (python3-yaml) and reads ndjson to the root;
- the Splunk add-on's .conf files parse as INI, props.conf assigns the CIM
  Alerts fields, its lookup exists with the columns it names, the finding
  eventtype carries the alert tag.
Prints each problem and exits 1 if there is any.
"""

import configparser
import csv
import json
import os
import sys

import yaml

problems = []


def problem(msg):
    problems.append(msg)


def schema_leaves(schema):
    """{dotted path: [schema node]} of every leaf field of the finding and
    summary line definitions ($refs resolved)."""
    defs = schema["$defs"]

    def resolve(n):
        while "$ref" in n:
            n = defs[n["$ref"].split("/")[-1]]
        return n

    leaves = {}

    def walk(n, path, line_kind):
        n = resolve(n)
        if n.get("type") == "object" and "properties" in n:
            for k, v in n["properties"].items():
                walk(v, path + [k], line_kind)
        else:
            leaves.setdefault(".".join(path), []).append((line_kind, n))

    walk(defs["finding"], [], "alert")
    walk(defs["summary"], [], "state")
    return leaves


def mapping_at(mappings, path):
    node = mappings
    for part in path.split("."):
        props = node.get("properties")
        if props is None or part not in props:
            return None
        node = props[part]
    return node


def compatible(node, mapping):
    """Whether an Elasticsearch mapping can hold the schema node's values."""
    es = mapping.get("type", "object")
    if "const" in node:
        value = node["const"]
        values = value if isinstance(value, list) else [value]
        kinds = {type(v) for v in values}
        if kinds <= {str}:
            return es in ("keyword", "constant_keyword")
        return False
    if "enum" in node:
        kinds = {type(v) for v in node["enum"]}
        if kinds <= {str}:
            return es in ("keyword", "constant_keyword")
        if kinds <= {int}:
            return es in ("long", "integer", "short", "byte")
        return False
    t = node.get("type")
    if t == "string":
        if node.get("pattern", "").startswith("^[0-9]{4}-[0-9]{2}-[0-9]{2}"):
            return es in ("date", "date_nanos")
        return es in ("keyword", "constant_keyword", "wildcard")
    if t == "integer":
        return es in ("long", "unsigned_long")
    if t == "array":
        items = node.get("items", {})
        if items.get("type") == "object":
            return es in ("flattened", "nested", "object")
        return compatible(items, mapping)
    if t == "object":
        return es in ("flattened", "object")
    return False


def filebeat_rename(line, processors):
    """Apply the rename processors of filebeat.yml to one line."""
    for p in processors:
        r = p.get("rename")
        if not r:
            continue
        cond = r.get("when", {}).get("equals", {})
        ok = all(get_path(line, k) == v for k, v in cond.items())
        if not ok:
            continue
        for f in r.get("fields", []):
            value = pop_path(line, f["from"])
            if value is not None:
                set_path(line, f["to"], value)
    return line


def get_path(d, path):
    for part in path.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def pop_path(d, path):
    parts = path.split(".")
    for part in parts[:-1]:
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d.pop(parts[-1], None) if isinstance(d, dict) else None


def set_path(d, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        d = d.setdefault(part, {})
    d[parts[-1]] = value


def line_leaves(value, path, mappings, where):
    """Every leaf of a real line must be mapped (or sit under flattened)."""
    if path:
        m = mapping_at(mappings, path)
        if m is not None and m.get("type") == "flattened":
            return
    if isinstance(value, dict):
        for k, v in value.items():
            line_leaves(v, f"{path}.{k}" if path else k, mappings, where)
        return
    if isinstance(value, list):
        for v in value:
            if isinstance(v, dict):
                line_leaves(v, path, mappings, where)
        if any(not isinstance(v, dict) for v in value):
            if mapping_at(mappings, path) is None:
                problem(f"{where}: field {path} is not in the index template")
        return
    m = mapping_at(mappings, path)
    if m is None:
        problem(f"{where}: field {path} is not in the index template")
    elif isinstance(value, bool):
        if m.get("type") not in ("boolean", "keyword"):
            problem(f"{where}: {path} is a boolean, mapped {m.get('type')}")
    elif isinstance(value, int):
        if m.get("type") not in ("long", "integer", "short", "byte", "unsigned_long"):
            problem(f"{where}: {path} is a number, mapped {m.get('type')}")
    elif isinstance(value, str):
        if m.get("type") not in ("keyword", "constant_keyword", "wildcard", "date"):
            problem(f"{where}: {path} is a string, mapped {m.get('type')}")


def check_elastic(src, line_files):
    schema = json.load(open(os.path.join(src, "schemas/ecs.schema.json")))
    template = json.load(open(os.path.join(src, "contrib/elastic/index-template.json")))
    mappings = template["template"]["mappings"]
    fb = yaml.safe_load(open(os.path.join(src, "contrib/elastic/filebeat.yml")))
    inputs = fb.get("filebeat.inputs") or []
    if len(inputs) != 1:
        problem("filebeat.yml: expected one input")
        return
    fb_input = inputs[0]
    parsers = fb_input.get("parsers") or []
    ndjson = [p["ndjson"] for p in parsers if "ndjson" in p]
    if not ndjson or ndjson[0].get("target") != "" or not ndjson[0].get("overwrite_keys"):
        problem("filebeat.yml: no ndjson parser to the root with overwrite_keys")
    processors = fb_input.get("processors") or []
    if fb.get("output.elasticsearch", {}).get("index", "").startswith("contraband-") is False:
        problem("filebeat.yml: output index does not match the template's pattern")
    for pattern in template["index_patterns"]:
        if not fb["output.elasticsearch"]["index"].startswith(pattern.rstrip("*")):
            problem("filebeat.yml: output index outside " + pattern)

    renamed = {}
    for p in processors:
        for f in (p.get("rename") or {}).get("fields", []):
            kind = (p["rename"].get("when") or {}).get("equals", {}).get("event.kind")
            renamed[(f["from"], kind)] = f["to"]
    checked = 0
    for path, nodes in sorted(schema_leaves(schema).items()):
        for kind, node in nodes:
            target = renamed.get((path, kind), path)
            m = mapping_at(mappings, target)
            checked += 1
            if m is None:
                problem(f"index template: {target} (schema {path}, {kind} line) not mapped")
            elif not compatible(node, m):
                problem(f"index template: {target} mapped {m.get('type', 'object')}, "
                        f"schema says {json.dumps(node)[:120]}")
    if checked < 50:
        problem(f"only {checked} schema fields found: is the schema walk broken?")
    lines = 0
    for path in line_files:
        with open(path) as f:
            for number, raw in enumerate(f, 1):
                line = filebeat_rename(json.loads(raw), processors)
                line_leaves(line, "", mappings, f"{os.path.basename(path)}:{number}")
                lines += 1
    print(f"elastic: {checked} schema fields and {lines} real lines checked")


def read_conf(path):
    parser = configparser.ConfigParser(interpolation=None, strict=True,
                                       delimiters=("=",), comment_prefixes=("#",))
    parser.optionxform = str  # Splunk keys are case-sensitive
    with open(path) as f:
        parser.read_file(f)
    return parser


def check_splunk(src):
    app = os.path.join(src, "contrib/splunk/TA-contraband")
    confs = {}
    for name in ("app", "props", "transforms", "eventtypes", "tags"):
        try:
            confs[name] = read_conf(os.path.join(app, "default", name + ".conf"))
        except (OSError, configparser.Error) as e:
            problem(f"splunk {name}.conf: {e}")
            return
    props = confs["props"]
    if "contraband:ecs" not in props:
        problem("props.conf: no [contraband:ecs] stanza")
        return
    st = props["contraband:ecs"]
    if st.get("KV_MODE") != "json":
        problem("props.conf: KV_MODE is not json")
    # CIM Alerts fields (Splunk CIM 5.x/6.x Alerts data model).
    for field in ("app", "description", "dest", "id", "signature", "type",
                  "user", "vendor_severity"):
        if "EVAL-" + field not in st:
            problem(f"props.conf: CIM Alerts field {field} not assigned")
    lookups = [k for k in st if k.startswith("LOOKUP-")]
    if not lookups:
        problem("props.conf: no severity lookup")
    for key in lookups:
        words = st[key].split()
        name, outputs = words[0], words[words.index("OUTPUTNEW") + 1:]
        if name not in confs["transforms"]:
            problem(f"props.conf {key}: no transforms.conf stanza {name}")
            continue
        csv_path = os.path.join(app, "lookups", confs["transforms"][name]["filename"])
        with open(csv_path) as f:
            rows = list(csv.DictReader(f))
        columns = set(rows[0]) if rows else set()
        for col in [words[1]] + outputs:
            if col not in columns:
                problem(f"{csv_path}: no column {col}")
        if {r["vendor_severity"] for r in rows} != {"high", "medium", "low"}:
            problem(f"{csv_path}: does not cover high, medium, low")
        if not all(r["severity"] in ("critical", "high", "medium", "low",
                                     "informational", "unknown") for r in rows):
            problem(f"{csv_path}: a severity outside the CIM's words")
    if "contraband_finding" not in confs["eventtypes"]:
        problem("eventtypes.conf: no contraband_finding")
    elif "contraband:ecs" not in confs["eventtypes"]["contraband_finding"]["search"]:
        problem("eventtypes.conf: contraband_finding does not search the sourcetype")
    tags = confs["tags"]
    if tags.get("eventtype=contraband_finding", "alert", fallback="") != "enabled":
        problem("tags.conf: contraband_finding is not tagged alert (CIM Alerts)")
    print("splunk: props, transforms, eventtypes, tags and app.conf parse; "
          "CIM Alerts fields assigned")


def main():
    src = sys.argv[1]
    check_elastic(src, sys.argv[2:])
    check_splunk(src)
    for p in problems:
        print("problem: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

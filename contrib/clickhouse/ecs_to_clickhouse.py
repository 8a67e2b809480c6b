#!/usr/bin/env python3
"""Flatten contraband ECS lines into rows for ClickHouse's JSONEachRow.

    ecs_to_clickhouse.py --table findings|scans [--host-from-filename] FILE...

Writes one flat JSON object a line, with the columns of schema.sql, for

    ... | clickhouse-client --query 'INSERT INTO contraband_findings FORMAT JSONEachRow'

ClickHouse 18.16 reads neither nested objects in JSONEachRow nor ISO 8601
times with a "T" and "Z", so both are done here. With --host-from-filename a
line without host.name (a scan of a folder, not of the live host) takes its
host from the file name, HOST.ecs.jsonl, as the Ansible role fetches it.
A line that is not a JSON object is skipped with a message on stderr.
"""

import argparse
import json
import os
import sys

MAX_LINE_BYTES = 1 << 20


def get(d, *keys, default=""):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def text(v):
    return v if isinstance(v, str) else ("" if v is None else str(v))


def strings(v):
    return [text(x) for x in v] if isinstance(v, list) else []


def clickhouse_time(ts):
    """'2026-12-04T15:43:09Z' as ClickHouse 18.16 parses DateTime text."""
    ts = text(ts)
    if len(ts) == 20 and ts[10] == "T" and ts[19] == "Z":
        return ts[:10] + " " + ts[11:19]
    return "1970-01-01 00:00:00"


def finding_row(line, host):
    software = get(line, "contraband", "software", default={})
    severity = get(line, "event", "severity", default=0)
    return {
        "timestamp": clickhouse_time(line.get("@timestamp")),
        "event_id": text(get(line, "event", "id")),
        "host_name": text(get(line, "host", "name")) or host,
        "host_id": text(get(line, "host", "id")),
        "os_name": text(get(line, "host", "os", "name")),
        "os_version": text(get(line, "host", "os", "version")),
        "product": text(get(line, "rule", "id")),
        "product_name": text(get(line, "rule", "name")),
        "vendor": text(get(line, "contraband", "vendor")),
        "policies": strings(get(line, "contraband", "policies", default=[])),
        "rule_version": text(get(line, "rule", "version")),
        "rule_reference": text(get(line, "rule", "reference")),
        "confidence": text(get(line, "contraband", "confidence")),
        "severity": severity if isinstance(severity, int) and 0 <= severity <= 255 else 0,
        "state": text(get(software, "state")),
        "package_name": text(get(line, "package", "name")),
        "package_version": text(get(line, "package", "version")),
        "package_type": text(get(line, "package", "type")),
        "package_path": text(get(line, "package", "path")),
        "user_name": text(get(line, "user", "name")),
        "file_path": text(get(line, "file", "path")),
        "file_sha256": text(get(line, "file", "hash", "sha256")),
        "evidence": text(get(software, "evidence")),
        "raw": json.dumps(line, separators=(",", ":"), ensure_ascii=False),
    }


def count(v):
    return v if isinstance(v, int) and 0 <= v < (1 << 32) else 0


def scan_row(line, host):
    stats = get(line, "contraband", "stats", default={})
    scan = get(line, "contraband", "scan", default={})
    evidence = get(scan, "evidence", default=[])
    return {
        "timestamp": clickhouse_time(line.get("@timestamp")),
        "host_name": text(get(line, "host", "name")) or host,
        "host_id": text(get(line, "host", "id")),
        "verdict": text(get(line, "contraband", "verdict")),
        "findings": count(get(stats, "findings", default=0)),
        "installed": count(get(stats, "installed", default=0)),
        "software": count(get(stats, "software", default=0)),
        "warnings": count(get(stats, "warnings", default=0)),
        "duration_ms": count(get(stats, "duration_ms", default=0)),
        "tool_version": text(get(line, "contraband", "tool", "version")),
        "catalog_version": text(get(line, "contraband", "catalog", "version")),
        "catalog_sha256": text(get(line, "contraband", "catalog", "sha256")),
        "evidence": [text(get(e, "path")) for e in evidence]
        if isinstance(evidence, list) else [],
        "unreadable": strings(get(scan, "unreadable", default=[])),
    }


def convert(path, table, host, out):
    kind_wanted = "alert" if table == "findings" else "state"
    make = finding_row if table == "findings" else scan_row
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if len(raw) > MAX_LINE_BYTES or not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except ValueError:
                print(f"{path}:{number}: not JSON, skipped", file=sys.stderr)
                continue
            if not isinstance(line, dict):
                print(f"{path}:{number}: not an object, skipped", file=sys.stderr)
                continue
            if get(line, "event", "kind") != kind_wanted:
                continue
            out.write(json.dumps(make(line, host), separators=(",", ":"),
                                 ensure_ascii=False))
            out.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", choices=["findings", "scans"], required=True)
    parser.add_argument("--host-from-filename", action="store_true",
                        help="a line without host.name takes HOST of HOST.ecs.jsonl")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    out = sys.stdout
    for path in args.files:
        host = ""
        if args.host_from_filename:
            host = os.path.basename(path)
            for suffix in (".ecs.jsonl", ".jsonl", ".json"):
                if host.endswith(suffix):
                    host = host[: -len(suffix)]
                    break
        convert(path, args.table, host, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

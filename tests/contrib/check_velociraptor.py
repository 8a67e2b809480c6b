#!/usr/bin/env python3
"""Structural checks of the generated Velociraptor artifacts (there is no
Velociraptor binary here, so nothing is run by Velociraptor itself):

    check_velociraptor.py BINARY ARTIFACT_DIR FIXTURE_ROOT

- each artifact is YAML with the keys Velociraptor requires (name, type,
  sources with a query; parameters named; tools pinned) and its file name
  is its name;
- every tool's expected_hash is the SHA-256 of BINARY;
- the Windows and macOS collection globs are exactly the requests that
  `BINARY collectors --requests --format json` lists for those platforms;
- the Linux artifact's argv (ContrabandArgs plus what the query appends),
  run here on FIXTURE_ROOT, writes JSONL whose finding rows have every
  column the artifact selects.
Prints each problem and exits 1 if there is any.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

problems = []


def problem(msg):
    problems.append(msg)


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def param_default(artifact, name):
    for p in artifact.get("parameters", []):
        if p.get("name") == name:
            return p.get("default")
    problem(f"{artifact.get('name')}: no parameter {name}")
    return None


def contraband_args(query):
    m = re.search(r"LET ContrabandArgs <= (\[.*\])", query)
    if not m:
        problem("no 'LET ContrabandArgs <= [...]' line")
        return []
    return json.loads(m.group(1))


def selected_columns(query):
    """(jsonl path, column) of each 'a.b AS Column' in the final SELECT."""
    final = query[query.rindex("SELECT product AS"):] if "SELECT product AS" in query else ""
    return re.findall(r"([a-z_]+(?:\.[a-z_]+)?) AS ([A-Za-z]+)", final)


def main():
    binary, out, root = sys.argv[1:4]
    digest = hashlib.sha256(open(binary, "rb").read()).hexdigest()
    names = sorted(n for n in os.listdir(out) if n.endswith(".yaml"))
    expected = ["Custom.Contraband.Collect.MacOS.yaml",
                "Custom.Contraband.Collect.Windows.yaml",
                "Custom.Contraband.Scan.yaml",
                "Server.Contraband.ScanCollections.yaml",
                "offline-collector.yaml"]
    if names != expected:
        problem(f"artifacts {names}, expected {expected}")
    artifacts = {}
    for n in names:
        if n == "offline-collector.yaml":
            continue
        a = load(os.path.join(out, n))
        artifacts[a.get("name")] = a
        if a.get("name") + ".yaml" != n:
            problem(f"{n}: name is {a.get('name')}")
        for key in ("name", "description", "type", "sources"):
            if key not in a:
                problem(f"{n}: no {key}")
        if a.get("type") not in ("CLIENT", "SERVER", "SERVER_EVENT", "CLIENT_EVENT"):
            problem(f"{n}: type {a.get('type')}")
        for s in a.get("sources", []):
            if not isinstance(s.get("query"), str) or "SELECT" not in s["query"]:
                problem(f"{n}: a source without a query")
        for p in a.get("parameters", []):
            if "name" not in p:
                problem(f"{n}: a parameter without a name")
            if p.get("type") == "json_array":
                try:
                    if not isinstance(json.loads(p.get("default", "[]")), list):
                        problem(f"{n}: {p['name']} default is not an array")
                except ValueError:
                    problem(f"{n}: {p['name']} default is not JSON")
        for t in a.get("tools", []):
            if t.get("expected_hash") != digest:
                problem(f"{n}: tool {t.get('name')} hash {t.get('expected_hash')}, "
                        f"binary {digest}")
    spec = load(os.path.join(out, "offline-collector.yaml"))
    if "Custom.Contraband.Collect.Windows" not in spec.get("Artifacts", {}):
        problem("offline-collector.yaml: does not collect the Windows artifact")

    scan = artifacts.get("Custom.Contraband.Scan", {})
    if not scan.get("tools"):
        problem("Custom.Contraband.Scan: no pinned tool")
    if "linux" not in scan.get("precondition", ""):
        problem("Custom.Contraband.Scan: not limited to Linux")

    # The collection globs equal the collectors' own requests.
    listing = json.loads(subprocess.run(
        [binary, "collectors", "--requests", "--format", "json"],
        check=True, capture_output=True, text=True).stdout)
    for artifact, platform in (("Custom.Contraband.Collect.Windows", "windows"),
                               ("Custom.Contraband.Collect.MacOS", "macos")):
        a = artifacts.get(artifact, {})
        got = json.loads(param_default(a, "RecordGlobs") or "[]")
        got_exe = json.loads(param_default(a, "ExecutableGlobs") or "[]")
        want, want_exe = [], []
        for c in listing["collectors"]:
            if c["platform"] != platform:
                continue
            for r in c["requests"]:
                if r["name_only"]:
                    continue
                g = r["pattern"].replace("[12]", "{1,2}")
                target = want_exe if r["ranges"] else want
                if g not in target:
                    target.append(g)
        if got != want:
            problem(f"{artifact}: RecordGlobs differ from the collectors' requests:\n"
                    f"  got  {got}\n  want {want}")
        if got_exe != want_exe:
            problem(f"{artifact}: ExecutableGlobs differ from the collectors' requests")
        if any("[" in g for g in got + got_exe):
            problem(f"{artifact}: a character class left in a glob")
    windows = json.loads(param_default(artifacts.get("Custom.Contraband.Collect.Windows", {}),
                                       "RecordGlobs") or "[]")
    for must in ("/Windows/System32/config/SOFTWARE",
                 "/Windows/System32/config/SOFTWARE.LOG{1,2}",
                 "/Users/*/NTUSER.DAT",
                 "/Windows/appcompat/Programs/Amcache.hve",
                 "/Program Files/WindowsApps/*/AppxManifest.xml",
                 "/Windows/System32/winevt/Logs/Application.evtx"):
        if must not in windows:
            problem(f"Windows collection lacks {must}")

    # The Linux artifact's argv, run here, gives rows with every column.
    query = scan["sources"][0]["query"]
    args = contraband_args(query)
    max_runtime = str(param_default(scan, "MaxRuntime"))
    with tempfile.TemporaryDirectory() as tmp:
        output = os.path.join(tmp, "out.jsonl")
        argv = [binary] + args + ["--max-runtime", max_runtime, "-o", output] + [root]
        rc = subprocess.run(argv, capture_output=True, text=True).returncode
        if rc != 1:
            problem(f"the artifact's argv {argv} exited {rc}, expected 1")
        rows = [json.loads(line) for line in open(output)] if os.path.exists(output) else []
    findings = [r for r in rows if r.get("type") == "finding"]
    if not findings:
        problem("the artifact's argv gave no finding rows")
    columns = selected_columns(query)
    if len(columns) < 10:
        problem(f"only {len(columns)} selected columns found")
    for r in findings:
        for path, column in columns:
            v = r
            for part in path.split("."):
                v = v.get(part) if isinstance(v, dict) else None
            if v is None:
                problem(f"row of {r.get('product')}: no {path} for column {column}")
    print(f"velociraptor: {len(artifacts)} artifacts, tool sha256 {digest}, "
          f"{len(findings)} finding rows with {len(columns)} columns: "
          + ", ".join(sorted({r['product'] for r in findings})))
    for p in problems:
        print("problem: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

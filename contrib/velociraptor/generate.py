#!/usr/bin/env python3
"""Generate the Velociraptor artifacts from a built contraband binary.

    generate.py --binary build/contraband --out DIR [--tool-url URL]

Writes into DIR, from templates/*.in:
  Custom.Contraband.Scan.yaml               Linux client: runs the pinned tool
  Custom.Contraband.Collect.Windows.yaml    Windows client: collects the files
  Custom.Contraband.Collect.MacOS.yaml      macOS client: collects the files
  Server.Contraband.ScanCollections.yaml    server: scans each collection zip
  offline-collector.yaml                    spec for `velociraptor collector`

The tool hash is the binary's SHA-256, and the collection globs come from
`contraband collectors --requests --format json`, so neither can drift from
the binary they were generated with. Regenerate after every build you ship.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def velociraptor_glob(pattern):
    """A contraband request pattern as a Velociraptor glob: character
    classes ("LOG[12]") become brace alternatives ("LOG{1,2}"), which every
    Velociraptor glob understands."""
    def alternatives(m):
        return "{" + ",".join(m.group(1)) + "}"
    return re.sub(r"\[([^\]!^-]+)\]", alternatives, pattern)


def globs_for(collectors, platform):
    """(record globs, executable globs) of one platform's collectors.
    Presence-only requests (install markers) are left out: a collection
    cannot carry a folder's existence without its contents."""
    records, executables = [], []
    for c in collectors:
        if c["platform"] != platform:
            continue
        for r in c["requests"]:
            if r["name_only"]:
                continue
            target = executables if r["ranges"] else records
            g = velociraptor_glob(r["pattern"])
            if g not in target:
                target.append(g)
    return records, executables


def yaml_single_quoted(text):
    return text.replace("'", "''")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tool-url", default="",
                        help="where clients may download the tool; empty: "
                             "upload it to the server (air-gapped)")
    args = parser.parse_args()

    listing = json.loads(subprocess.run(
        [args.binary, "collectors", "--requests", "--format", "json"],
        check=True, capture_output=True, text=True).stdout)
    version_text = subprocess.run([args.binary, "--version"], check=True,
                                  capture_output=True, text=True).stdout
    m = re.match(r"contraband (\S+)\ncatalog (\S+)", version_text)
    version, catalog_version = (m.group(1), m.group(2)) if m else ("unknown", "unknown")
    win_records, win_exes = globs_for(listing["collectors"], "windows")
    mac_records, mac_exes = globs_for(listing["collectors"], "macos")
    values = {
        "@SHA256@": sha256_of(args.binary),
        "@VERSION@": version,
        "@CATALOG_VERSION@": catalog_version,
        # An empty url keeps the tool served from the server's own store.
        "@TOOL_URL@": json.dumps(args.tool_url),
    }
    os.makedirs(args.out, exist_ok=True)
    templates = os.path.join(HERE, "templates")
    for name in sorted(os.listdir(templates)):
        if not name.endswith(".in"):
            continue
        text = open(os.path.join(templates, name), encoding="utf-8").read()
        if "Windows" in name:
            records, exes = win_records, win_exes
        else:
            records, exes = mac_records, mac_exes
        local = dict(values)
        local["@RECORD_GLOBS@"] = yaml_single_quoted(json.dumps(records))
        local["@EXECUTABLE_GLOBS@"] = yaml_single_quoted(json.dumps(exes))
        for key, value in local.items():
            text = text.replace(key, value)
        leftover = re.findall(r"@[A-Z_]+@", text)
        if leftover:
            sys.exit(f"{name}: unreplaced {leftover}")
        with open(os.path.join(args.out, name[:-3]), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"contraband {version} sha256 {values['@SHA256@']}: "
          f"{len(win_records)}+{len(win_exes)} Windows globs, "
          f"{len(mac_records)}+{len(mac_exes)} macOS globs, into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

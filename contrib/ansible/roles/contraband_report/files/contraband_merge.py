#!/usr/bin/env python3
"""Merge the ECS lines contraband wrote on many hosts into one fleet summary.

    contraband_merge.py FETCH_DIR OUT_DIR

FETCH_DIR holds, per host, HOST.ecs.jsonl (`contraband scan --format ecs`)
and, when the Ansible role wrote it, HOST.status.json (exit code, stderr).
OUT_DIR gets summary.json (per product and per host, counts), summary.txt
(the same for people; also printed) and fleet.html (one self-contained page,
every value escaped: package names come from hostile evidence).

The host is the file's name (the inventory name Ansible knows it by), not the
ECS host.name: a folder scan has none, and the controller's name for a host is
the one an operator acts on. Files are read a line at a time, so memory grows
with the number of findings, not with the size of the files.
"""

import html
import json
import os
import sys
import time

# The fleet page lists findings in full up to this many; beyond it the
# per-product and per-host tables still count everything.
MAX_DETAIL_ROWS = 20000
# One ECS line is a few KiB; a longer one is not contraband's.
MAX_LINE_BYTES = 1 << 20

VERDICT_ORDER = ["banned-installed", "incomplete", "failed", "clean",
                 "no-report"]


def verdict_of(rc, state_verdict):
    """The host's verdict from its exit code and its summary line."""
    if rc == 1:
        return "banned-installed"
    if rc == 3:
        return "incomplete"
    if rc not in (None, 0, 1, 3):
        return "failed"
    if state_verdict:
        return state_verdict
    return "no-report" if rc is None else "clean"


def read_host(ecs_path, warnings):
    """(findings, state line or None) of one host's ECS file."""
    findings, state = [], None
    with open(ecs_path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if len(raw) > MAX_LINE_BYTES:
                warnings.append(f"{ecs_path}:{number}: line too long, skipped")
                continue
            raw = raw.strip()
            if not raw:
                continue
            try:
                line = json.loads(raw)
            except ValueError as e:
                warnings.append(f"{ecs_path}:{number}: not JSON ({e}), skipped")
                continue
            if not isinstance(line, dict):
                warnings.append(f"{ecs_path}:{number}: not an object, skipped")
                continue
            kind = (line.get("event") or {}).get("kind")
            if kind == "alert":
                findings.append(line)
            elif kind == "state":
                state = line
    return findings, state


def get(d, *keys, default=""):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def merge(fetch_dir):
    hosts = {}
    warnings = []
    names = sorted(os.listdir(fetch_dir))
    for name in names:
        path = os.path.join(fetch_dir, name)
        if name.endswith(".status.json"):
            host = name[: -len(".status.json")]
            try:
                with open(path, encoding="utf-8") as f:
                    status = json.load(f)
                rc = status.get("rc")
                hosts.setdefault(host, {})["rc"] = rc if isinstance(rc, int) else None
                hosts[host]["stderr"] = str(status.get("stderr", ""))
            except (OSError, ValueError) as e:
                warnings.append(f"{path}: unreadable status ({e})")
        elif name.endswith(".ecs.jsonl"):
            host = name[: -len(".ecs.jsonl")]
            findings, state = read_host(path, warnings)
            h = hosts.setdefault(host, {})
            h["findings"] = findings
            h["state"] = state
            h["report_bytes"] = os.path.getsize(path)

    summary_hosts = {}
    products = {}
    detail = []
    for host in sorted(hosts):
        h = hosts[host]
        findings = h.get("findings", [])
        state = h.get("state")
        rc = h.get("rc")
        verdict = verdict_of(rc, get(state, "contraband", "verdict") or None
                             if state else None)
        per_product = {}
        installed = 0
        for f in findings:
            product = str(get(f, "rule", "id") or "unknown")
            is_installed = get(f, "contraband", "software", "state") == "installed"
            installed += is_installed
            p = per_product.setdefault(product, {"findings": 0, "installed": 0})
            p["findings"] += 1
            p["installed"] += is_installed
            agg = products.setdefault(product, {
                "name": str(get(f, "rule", "name") or product),
                "hosts": 0, "installed_hosts": 0, "findings": 0,
                "installed": 0, "host_names": []})
            agg["findings"] += 1
            agg["installed"] += is_installed
            detail.append((host, f))
        for product, p in per_product.items():
            products[product]["hosts"] += 1
            products[product]["installed_hosts"] += p["installed"] > 0
            products[product]["host_names"].append(host)
        summary_hosts[host] = {
            "rc": rc,
            "verdict": verdict,
            "host_name": str(get(findings[0] if findings else state or {},
                                 "host", "name") or ""),
            "findings": len(findings),
            "installed": installed,
            "products": per_product,
            "report": "report_bytes" in h,
            "stderr": h.get("stderr", ""),
        }
    verdicts = {}
    for s in summary_hosts.values():
        verdicts[s["verdict"]] = verdicts.get(s["verdict"], 0) + 1
    summary = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "hosts": len(summary_hosts),
        # An incomplete scan's findings are real: count its host here too.
        "hosts_with_installed": sum(1 for s in summary_hosts.values() if s["installed"]),
        "verdicts": verdicts,
        "findings": len(detail),
        "products": dict(sorted(products.items())),
        "per_host": summary_hosts,
        "warnings": warnings,
    }
    return summary, detail


def summary_text(summary):
    out = []
    v = summary["verdicts"]
    out.append(f"contraband fleet summary: {summary['hosts']} hosts, "
               f"{summary['findings']} findings")
    out.append(f"hosts with banned software installed: {summary['hosts_with_installed']}")
    out.append("hosts by verdict: " + ", ".join(
        f"{k} {v[k]}" for k in VERDICT_ORDER if k in v))
    out.append("")
    out.append(f"{'PRODUCT':<16} {'HOSTS':>7} {'INSTALLED':>9} {'FINDINGS':>9}")
    for pid, p in summary["products"].items():
        out.append(f"{pid:<16} {p['hosts']:>7} {p['installed_hosts']:>9} "
                   f"{p['findings']:>9}")
    out.append("")
    out.append(f"{'HOST':<24} {'EXIT':>4} {'VERDICT':<17} {'FINDINGS':>8}  PRODUCTS")
    # Hosts that need attention first; a clean fleet of thousands is one line.
    shown = 0
    clean = 0
    for host, h in sorted(summary["per_host"].items(),
                          key=lambda kv: (VERDICT_ORDER.index(kv[1]["verdict"])
                                          if kv[1]["verdict"] in VERDICT_ORDER
                                          else 9, kv[0])):
        if h["verdict"] == "clean":
            clean += 1
            continue
        if shown == 200:
            out.append("… (summary.json lists every host)")
            break
        shown += 1
        rc = "-" if h["rc"] is None else str(h["rc"])
        products = ", ".join(f"{p} {c['findings']}" for p, c in
                             sorted(h["products"].items()))
        out.append(f"{host:<24} {rc:>4} {h['verdict']:<17} {h['findings']:>8}  {products}")
    if clean:
        out.append(f"(and {clean} clean hosts)")
    for w in summary["warnings"][:20]:
        out.append("warning: " + w)
    return "\n".join(out) + "\n"


CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
h1{margin-bottom:.2em} table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eee} td.n{text-align:right}
.banned-installed{background:#fbd5d5} .incomplete,.failed,.no-report{background:#fde8c8}
.clean{background:#d8f0d8} .verdict{font-size:1.3em;padding:.6em;border-radius:4px}
code{font-size:.9em}
@media print{body{margin:0}}
"""


def fleet_html(summary, detail):
    e = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    v = summary["verdicts"]
    worst = next((k for k in VERDICT_ORDER if v.get(k)), "clean")
    if summary["hosts_with_installed"]:
        worst = "banned-installed"
    unfinished = v.get("incomplete", 0) + v.get("failed", 0) + v.get("no-report", 0)
    words = {
        "banned-installed": f"Banned software is installed on {summary['hosts_with_installed']} of {summary['hosts']} hosts."
        + (f" {unfinished} hosts were not scanned completely." if unfinished else ""),
        "incomplete": f"No banned software found, but {v.get('incomplete', 0)} hosts were not scanned completely.",
        "failed": f"No banned software found, but the scan failed on {v.get('failed', 0)} hosts.",
        "no-report": "No banned software found, but some hosts sent no report.",
        "clean": f"No banned software installed on any of {summary['hosts']} hosts.",
    }
    p = []
    p.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<title>contraband fleet report</title>"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
             f"<style>{CSS}</style></head><body>")
    p.append("<h1>contraband fleet report</h1>")
    p.append(f"<p>Generated {e(summary['generated'])} from {summary['hosts']} "
             f"hosts' reports.</p>")
    p.append(f"<p class=\"verdict {e(worst)}\">{e(words[worst])}</p>")
    p.append("<h2>Hosts by verdict</h2><table><tr><th>verdict</th><th>hosts</th></tr>")
    for k in VERDICT_ORDER:
        if k in v:
            p.append(f"<tr class=\"{e(k)}\"><td>{e(k)}</td><td class=\"n\">{v[k]}</td></tr>")
    p.append("</table>")
    p.append("<h2>Products</h2><table><tr><th>product</th><th>name</th>"
             "<th>hosts</th><th>hosts with it installed</th><th>findings</th></tr>")
    for pid, prod in summary["products"].items():
        p.append(f"<tr><td><code>{e(pid)}</code></td><td>{e(prod['name'])}</td>"
                 f"<td class=\"n\">{prod['hosts']}</td>"
                 f"<td class=\"n\">{prod['installed_hosts']}</td>"
                 f"<td class=\"n\">{prod['findings']}</td></tr>")
    p.append("</table>")
    p.append("<h2>Hosts</h2><table><tr><th>host</th><th>exit</th><th>verdict</th>"
             "<th>findings</th><th>products</th><th>errors</th></tr>")
    for host, h in summary["per_host"].items():
        rc = "-" if h["rc"] is None else h["rc"]
        products = ", ".join(f"{pid} ({c['findings']})"
                             for pid, c in sorted(h["products"].items()))
        p.append(f"<tr class=\"{e(h['verdict'])}\"><td>{e(host)}</td>"
                 f"<td class=\"n\">{e(rc)}</td><td>{e(h['verdict'])}</td>"
                 f"<td class=\"n\">{h['findings']}</td><td>{e(products)}</td>"
                 f"<td><code>{e(h['stderr'][:500])}</code></td></tr>")
    p.append("</table>")
    p.append("<h2>Findings</h2>")
    if len(detail) > MAX_DETAIL_ROWS:
        p.append(f"<p>The first {MAX_DETAIL_ROWS} of {len(detail)} findings; "
                 "summary.json and the hosts' files hold all.</p>")
    p.append("<table><tr><th>host</th><th>product</th><th>software</th>"
             "<th>version</th><th>type</th><th>state</th><th>user</th>"
             "<th>file</th><th>severity</th></tr>")
    for host, f in detail[:MAX_DETAIL_ROWS]:
        p.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in (
            host, get(f, "rule", "id"), get(f, "package", "name"),
            get(f, "package", "version"), get(f, "package", "type"),
            get(f, "contraband", "software", "state"),
            get(f, "user", "name"),
            get(f, "file", "path"), get(f, "event", "severity"))) + "</tr>")
    p.append("</table>")
    if summary["warnings"]:
        p.append("<h2>Warnings</h2><ul>")
        p.extend(f"<li>{e(w)}</li>" for w in summary["warnings"])
        p.append("</ul>")
    p.append("</body></html>\n")
    return "".join(p)


def main(argv):
    if len(argv) != 3:
        print("usage: contraband_merge.py FETCH_DIR OUT_DIR", file=sys.stderr)
        return 2
    fetch_dir, out_dir = argv[1], argv[2]
    summary, detail = merge(fetch_dir)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, sort_keys=False)
        f.write("\n")
    text = summary_text(summary)
    with open(os.path.join(out_dir, "summary.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(out_dir, "fleet.html"), "w", encoding="utf-8") as f:
        f.write(fleet_html(summary, detail))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Turns the peer harness's raw TSVs (one row per wrk run) and the micro-benchmark JSON into one
table on stdout and docs/BENCHMARKS.md. Called by bench/run.sh; reads only files, runs nothing.

Every figure is the median over repetitions of that metric; ratios compare targets measured in the
same run (never across runs: the machine is shared and noisy)."""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict

ap = argparse.ArgumentParser()
for a in ("work", "root", "out", "highc", "command", "mode", "settings"):
    ap.add_argument("--" + a, required=True)
args = ap.parse_args()
RES = os.path.join(args.work, "results")
LOGS = os.path.join(args.work, "logs")
HIGHC = int(args.highc)

# ------------------------------------------------------------------ load raw rows
rows = []  # every wrk run, tagged with its real connection count
def load(tag, conns_for_c64):
    p = os.path.join(RES, "raw-%s.tsv" % tag)
    if not os.path.exists(p):
        return
    for r in csv.DictReader(open(p), delimiter="\t"):
        r["tag"] = tag
        r["conns"] = 1 if r["kind"] == "c1" else conns_for_c64
        rows.append(r)

load("parapet", 64)
if HIGHC:
    load("parapet-c%d" % HIGHC, HIGHC)
if not rows:
    sys.exit("no raw results in %s" % RES)

groups = defaultdict(list)  # (target, proto, conns) -> rows
for r in rows:
    sc = r["scenario"]
    proto = "sse" if sc.endswith("-sse") else "json"
    name = sc.rsplit("-", 1)[0]
    target = {"custom": "parapet", "custom-nostore": "parapet-nostore",
              "portkey-hono2": "portkey", "portkey": "portkey"}.get(name, name)
    groups[(target, proto, r["conns"])].append(r)


def num(r, k):
    v = r.get(k, "")
    return None if v in ("", "nan", None) else float(v)


def med(rs, k):
    v = [num(r, k) for r in rs if num(r, k) is not None]
    return statistics.median(v) if v else None


def cpu_per_req(rs, target):
    col = "upstream_cpu_pct" if target == "direct" else "peer_cpu_pct"
    v = [num(r, col) / 100.0 / num(r, "rps") * 1e6 for r in rs if num(r, col) is not None and num(r, "rps")]
    return statistics.median(v) if v else None


def stats(target, proto, conns):
    rs = groups.get((target, proto, conns))
    if not rs:
        return None
    req = sum(num(r, "requests") or 0 for r in rs)
    up = sum(num(r, "upstream_reqs") or 0 for r in rs)
    return {
        "n": len(rs), "rps": med(rs, "rps"),
        "rps_lo": min(num(r, "rps") for r in rs), "rps_hi": max(num(r, "rps") for r in rs),
        "p50": med(rs, "p50_us"), "p99": med(rs, "p99_us"), "p999": med(rs, "p999_us"),
        "cpu": cpu_per_req(rs, target), "cpu_pct": med(rs, "peer_cpu_pct"),
        "usr": med(rs, "peer_usr_pct"), "sys": med(rs, "peer_sys_pct"),
        "rss": (med(rs, "peer_rss_max_kb") or 0) / 1024.0 if target != "direct" else None,
        "up_ratio": up / req if req else None,
        "non2xx": int(sum(num(r, "non2xx3xx") or 0 for r in rs)),
        "sockerr": int(sum(num(r, "sock_errors") or 0 for r in rs)),
    }


TARGETS = [("direct", "direct (fake upstream)"), ("nginx", "nginx proxy_pass"),
           ("portkey", "Portkey"), ("parapet", "**Parapet** (workers=1)"),
           ("parapet-nostore", "Parapet, log store off")]
CASES = [("json", 1), ("json", 64)] + ([("json", HIGHC)] if HIGHC else []) + [("sse", 1), ("sse", 64)]
S = {(t, p, c): stats(t, p, c) for t, _ in TARGETS for p, c in CASES}


def f(x, fmt="%.0f"):
    return "–" if x is None else fmt % x


def ratio(a, b):
    return None if a is None or not b else a / b


def headline():
    out = ["| scenario | target | req/s | p50 µs | p99 µs | p99.9 µs | +p50 µs vs direct | +p99 µs vs direct "
           "| CPU µs/req | peak RSS MB | upstream/wrk reqs | non-2xx / sock err | req/s ×nginx | req/s ×Portkey "
           "| CPU/req ×nginx |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for proto, conns in CASES:
        d = S[("direct", proto, conns)]
        ng = S[("nginx", proto, conns)]
        pk = S[("portkey", proto, conns)]
        for t, label in TARGETS:
            s = S[(t, proto, conns)]
            if not s:
                continue
            if t == "portkey" and proto == "sse":
                label = "Portkey (+@hono/node-server 2.1.8)"
            add50 = None if t == "direct" or not d else s["p50"] - d["p50"]
            add99 = None if t == "direct" or not d else s["p99"] - d["p99"]
            cpu = f(s["cpu"], "%.1f") + (" (upstream)" if t == "direct" else "")
            out.append("| %s c%d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d | %s | %s | %s |" % (
                proto.upper(), conns, label, f(s["rps"]), f(s["p50"]), f(s["p99"]), f(s["p999"]),
                f(add50, "%+.0f"), f(add99, "%+.0f"), cpu, f(s["rss"], "%.1f"), f(s["up_ratio"], "%.3f"),
                s["non2xx"], s["sockerr"],
                "–" if t in ("direct", "nginx") else f(ratio(s["rps"], ng and ng["rps"]), "%.2f"),
                "–" if t in ("direct", "portkey") else f(ratio(s["rps"], pk and pk["rps"]), "%.1f"),
                "–" if t in ("direct", "nginx") else f(ratio(s["cpu"], ng and ng["cpu"]), "%.2f")))
    return "\n".join(out)


def targets_check():
    """VISION.md targets that this run can speak to."""
    lines = ["| target (VISION.md) | measured here | verdict |", "|---|---|---|"]

    def verdict(ok):
        return "–" if ok is None else ("met" if ok else "**not met**")

    for proto, conns in [c for c in CASES if c[1] != 1]:
        p, n = S[("parapet", proto, conns)], S[("nginx", proto, conns)]
        r = ratio(p and p["rps"], n and n["rps"])
        # Parapet's defaults parse usage, store and roll up every record: VISION's "with logging,
        # usage parsing and analytics on" target (0.85×) applies; 1.0× is for pass-through.
        lines.append("| throughput per core, logging + usage + analytics on (default) ≥ 0.85× nginx, %s c%d | %s× | %s |" % (
            proto.upper(), conns, f(r, "%.2f"), verdict(None if r is None else r >= 0.85)))
    for proto, conns in [c for c in CASES if c[1] != 1]:
        p, k = S[("parapet", proto, conns)], S[("portkey", proto, conns)]
        r = ratio(p and p["rps"], k and k["rps"])
        if r is not None:
            lines.append("| throughput ≥ 30× Portkey, %s c%d | %s× | %s |" % (
                proto.upper(), conns, f(r, "%.1f"), verdict(r >= 30)))
    for proto in ("json", "sse"):
        d, p, n = S[("direct", proto, 1)], S[("parapet", proto, 1)], S[("nginx", proto, 1)]
        if not (d and p and n):
            continue
        for q in ("p50", "p99"):
            pa, na = p[q] - d[q], n[q] - d[q]
            lines.append("| added latency %s ≤ nginx's + 50 µs, %s c1 | Parapet %+.0f µs, nginx %+.0f µs | %s |" % (
                q, proto.upper(), pa, na, verdict(pa <= na + 50)))
    lines.append("| 10 000 idle keep-alive connections < 100 MB; flat RSS in a soak; WAF < 10 µs | "
                 "not measured yet (later parts of issue 6) | – |")
    return "\n".join(lines)


def raw_table():
    cols = ["rps", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "requests", "non2xx3xx", "sock_errors",
            "upstream_reqs", "wrk_cpu_pct", "upstream_cpu_pct", "peer_cpu_pct", "peer_usr_pct", "peer_sys_pct",
            "peer_rss_max_kb", "core0_busy_pct", "core1_busy_pct"]
    out = ["| pass | scenario | conns | rep | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 4)]
    for r in rows:
        out.append("| %s | %s | %s | %s | %s |" % (r["tag"], r["scenario"], r["conns"], r["rep"],
                                                   " | ".join(r.get(c, "") for c in cols)))
    return "\n".join(out)


def micro_table():
    p = os.path.join(RES, "micro.json")
    if not os.path.exists(p):
        return None, None
    j = json.load(open(p))
    out = ["| benchmark | CPU ns / op | throughput | notes |", "|---|---|---|---|"]
    for b in j["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b["run_name"] if "run_name" in b else b["name"]
        bps = b.get("bytes_per_second")
        extra = ", ".join("%s=%g" % (k, b[k]) for k in ("bytes", "reads") if k in b)
        out.append("| %s | %.0f | %s | %s |" % (name, b["cpu_time"], "%.0f MB/s" % (bps / 1e6) if bps else "", extra))
    ctx = j.get("context", {})
    info = "Google Benchmark %s; %s; %s CPUs at %s MHz; library_build_type=%s; load avg %s" % (
        sh("dpkg-query -W -f='${Version}' libbenchmark-dev"), ctx.get("executable", ""), ctx.get("num_cpus"),
        ctx.get("mhz_per_cpu"), ctx.get("library_build_type"), ctx.get("load_avg"))
    return "\n".join(out), info


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return ""


def read(p):
    return open(p).read().strip() if os.path.exists(p) else ""


def idle_rss():
    found = {}
    for tag in ("parapet",):
        for line in read(os.path.join(LOGS, "run-all-%s.log" % tag)).splitlines():
            m = re.search(r"idle RSS ([\w-]+): ([\d.]+ MB)", line)
            if m:
                found[m.group(1)] = m.group(2)
    return ", ".join("%s %s" % ({"custom": "Parapet"}.get(k, k), v) for k, v in found.items())


def gateway_log_notes():
    """Crashes recorded by parapet-runs.sh, and any unexpected line in the gateway's logs."""
    notes = []
    crashes = [l.split("\t") for l in read(os.path.join(RES, "crashes.tsv")).splitlines() if l]
    if crashes:
        notes.append("**Parapet crashed %d time(s)** (process restarted; every measured run still used a live process): %s" % (
            len(crashes), "; ".join("%s %s rep %s, %s" % (c[1], c[2], c[3], c[4]) for c in crashes)))
    seen = defaultdict(int)
    for fn in sorted(os.listdir(LOGS)) if os.path.isdir(LOGS) else []:
        if not fn.startswith("custom-"):
            continue
        for l in read(os.path.join(LOGS, fn)).splitlines():
            if not l.startswith("listening ") and "draining" not in l:
                seen[l.strip()] += 1
    for l, n in sorted(seen.items(), key=lambda kv: -kv[1]):
        notes.append("gateway stderr, %d run(s): `%s`" % (n, l[:200]))
    return notes


# ------------------------------------------------------------------ write
table = headline()
print(table)
micro, micro_info = micro_table()
if micro:
    print()
    print(micro)

env = read(os.path.join(RES, "env-parapet.txt"))
commit = sh("git -C '%s' rev-parse --short HEAD" % args.root)
dirty = " (+ uncommitted changes)" if sh("git -C '%s' status --porcelain -- src CMakeLists.txt cmake" % args.root) else ""
machine = "%s, %s cores, %s RAM, kernel %s" % (
    sh("lscpu | awk -F: '/Model name/{gsub(/^ +/,\"\",$2);print $2}'"), sh("nproc"),
    sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"), sh("uname -r"))
virt = sh("lscpu | awk -F: '/Hypervisor vendor/{gsub(/^ +/,\"\",$2);print \"VM, hypervisor \" $2}'")
loads = read(os.path.join(RES, "loadavg.txt"))
notes = gateway_log_notes()
anomalies = []
for (t, p, c), s in S.items():
    if s and (s["non2xx"] or s["sockerr"]):
        anomalies.append("%s %s c%d: %d non-2xx, %d socket errors" % (t, p, c, s["non2xx"], s["sockerr"]))
    if s and s["up_ratio"] is not None and t != "direct" and abs(s["up_ratio"] - 1.0) > 0.01:
        anomalies.append("%s %s c%d: upstream requests / wrk requests = %.3f" % (t, p, c, s["up_ratio"]))
anomalies += notes

md = []
md.append("# Benchmarks\n")
md.append("Generated by `bench/run.sh` (issue 6, part 1: the harness). Do not edit by hand: rerun and commit.\n")
md.append("**This run:** %s mode, `%s` (%s), %s.\n" % (args.mode, args.command, args.settings,
                                                       env.splitlines()[0] if env else ""))
md.append("## How it is measured\n")
md.append("""- One command: `%s` installs nginx-light, wrk and Google Benchmark (apt) and the npm peers (through the
  shared harness's own `npm ci`), builds Parapet (`RelWithDebInfo`, `-O2 -g`) with `-DPARAPET_BENCH=ON`, copies
  `../shared/bench/peers` to a scratch folder (`build-rel/bench-peers`) and runs its `run-all.sh` for direct, nginx and
  Portkey, then Parapet (below), then the micro-benchmarks' results are added. `QUICK=1` = 1 rep of 5 s, no Portkey,
  no high-concurrency pass.
- Fake upstream: nginx on 127.0.0.1:9001 returning a fixed 558 B `chat.completion` or a 3127 B SSE stream (10 chunks +
  usage chunk + `[DONE]`, one write). Requests: 483 B chat JSON (SSE: 522 B with `"stream":true`) via `wrk -t2`
  (`-t1 -c1` for single-connection runs) with the harness's `lua/chat.lua`.
- Pinning (same scheme as the shared harness): wrk on core 0; the fake upstream **and** the proxy under test on
  core 1. So every proxy shares its one core with the upstream, and **the load generator shares the machine's
  2 cores** with them (wrk alone can do ~120 k req/s on core 0): "direct" is client-bound, and req/s ratios to
  direct are conservative. Compare proxies by req/s **and** CPU µs/request, and only within one run.
- Parapet: measured by `bench/parapet-runs.sh` with the harness's own functions (`verify`, `one_run`: same wrk
  flags, CPU, RSS and upstream-count accounting), but on a **fresh process per measured run**, warmed up for
  `PARAPET_WARM` s at 64 connections (a C++ process needs no JIT warm-up): the harness's CUSTOM mode keeps one
  process for everything, and a gateway crash would end the whole harness run (see Anomalies).
  `parapet serve --config parapet-bench.toml` (`[server] workers = 1`, the per-core comparison)
  `--upstream openai=http://127.0.0.1:9001/v1 --upstream groq=http://127.0.0.1:9001/stream/v1`; JSON goes to
  `/default/openai/chat/completions`, SSE to `/default/groq/chat/completions` (another OpenAI-protocol provider,
  because the fake upstream serves SSE on a different path). These are Parapet's defaults: usage parsed from
  every answer (the SSE requests do not ask for usage, so `stream_options.include_usage` is injected upstream and
  its chunk hidden from the client), one record per request stored in SQLite and rolled up into analytics. The
  "log store off" rows (`NOSTORE_VARIANT=1`) set `[logs] store = false`.
- nginx: `proxy_pass` with upstream keep-alive, 1 worker (`proxy_buffering off` for SSE). Portkey 1.15.2 from
  npm, stock for JSON; SSE needs the `@hono/node-server 2.1.8` override (stock answers HTTP 500, shared
  RESULTS.md pitfall 4).
- Figures: median of the reps; latency from wrk's histogram; "+p50/+p99 vs direct" = target minus the direct
  call in the same run and at the same connection count (at c64 and above latency ≈ connections / throughput, so
  the single-connection rows are the ones that show added latency); CPU µs/req = the target's utime+stime
  (from /proc) / requests (direct: the upstream's); peak RSS sampled each second; "upstream/wrk reqs" =
  requests the fake upstream counted (stub_status) / requests wrk completed (1.000 = every request forwarded once).
""" % args.command)
md.append("## Machine and versions\n")
md.append("- Machine: %s%s" % (machine, (", " + virt) if virt else ""))
md.append("- Parapet: commit %s%s, g++ %s, RelWithDebInfo `-O2 -g`" % (commit, dirty, sh("g++ -dumpfullversion")))
for line in env.splitlines()[1:]:
    if line.startswith(("nginx", "wrk", "node", "npm", "portkey", "pinning")):
        md.append("- " + line.replace("portkey-hono2:", "portkey (SSE variant):"))
if loads:
    md.append("- Load average (1/5/15 min) before → after the runs: %s" % loads)
ir = idle_rss()
if ir:
    md.append("- Idle RSS right after start: %s" % ir)
md.append("- The machine is shared with other work (other sessions' builds and tests may run at the same time);"
          " that is one more reason to read only same-run ratios.\n")
md.append("## Results\n")
md.append(table + "\n")
md.append("## Targets from VISION.md\n")
md.append(targets_check() + "\n")
md.append("## Anomalies\n")
md.append(("\n".join("- " + a for a in anomalies) if anomalies else "- none detected (no errors, every request reached the upstream once)") + "\n")
if micro:
    md.append("## Micro-benchmarks (`bench/micro/`, pinned to core 1)\n")
    md.append(micro + "\n")
    md.append(micro_info + ". Debian's libbenchmark reports itself as a debug build; that affects only the"
              " harness's own bookkeeping, not the measured code (Parapet's libraries are `-O2`).\n")
findings = os.path.join(args.root, "bench", "findings.md")
if os.path.exists(findings):
    # Hand-written profile notes (not generated): what the numbers above point at, with evidence.
    md.append(read(findings) + "\n")
md.append("## Raw runs\n")
md.append("One row per wrk run, straight from the harness's `results/raw-*.tsv` (latencies in µs, CPU in % of one core, RSS in KB).\n")
md.append(raw_table() + "\n")
md.append("## Reproduce\n")
md.append("```\n%s\n```\nOutputs: `build-rel/bench-peers/results/` (raw TSV, every wrk output, micro.json), "
          "`build-rel/bench-peers/logs/` (server logs).\n" % args.command)
os.makedirs(os.path.dirname(args.out), exist_ok=True)
open(args.out, "w").write("\n".join(md))

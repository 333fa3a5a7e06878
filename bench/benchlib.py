#!/usr/bin/env python3
"""Helpers for bench/run.sh (Python 3.11, standard library only).

  benchlib.py freeport                          print a free TCP port on 127.0.0.1
  benchlib.py wait-echo PORT T0 TIMEOUT [PID [PROTO]]
                                                poll-connect to 127.0.0.1:PORT until a message echoes back;
                                                print milliseconds since T0 (an epoch time in seconds, as
                                                bash's $EPOCHREALTIME); exit 1 after TIMEOUT seconds, 3 as
                                                soon as process PID has exited (0: none). PROTO: tcp (default),
                                                tls (any certificate accepted) or ws (a binary message to /ws)
  benchlib.py jar-has JAR ENTRY                 exit 0 when the jar holds ENTRY
  benchlib.py machine OUT.json KEY=VALUE...     describe this machine (plus the given settings)
  benchlib.py record RUNS.jsonl KEY=VALUE...    append one round result (result=FILE reads the load JSON)
  benchlib.py report WORKDIR OUT.json OUT.md    aggregate the rounds: medians, ratios, Markdown table
"""
import base64
import datetime
import json
import os
import platform
import socket
import ssl
import statistics
import subprocess
import sys
import time
import zipfile

# Which raw-Netty server each server is compared with: the same transport (asyncio uses epoll on Linux).
REFERENCE = {
    "echokit-nio": "netty-nio",
    "echokit-epoll": "netty-epoll",
    "echokit-io_uring": "netty-io_uring",
    "echokit-epoll-pipe": "netty-epoll",
    "echokit-epoll-nometrics": "netty-epoll",
    "netty-nio": "netty-nio",
    "netty-epoll": "netty-epoll",
    "netty-io_uring": "netty-io_uring",
    "python-asyncio": "netty-epoll",
    # Over TLS and WebSocket EchoKit is compared with itself over plain TCP: the ratio is what the protocol costs.
    "echokit-tls": "echokit-epoll",
    "echokit-ws": "echokit-epoll",
}


def freeport() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _recv_exactly(s, n: int) -> bytes:
    got = b""
    while len(got) < n:
        chunk = s.recv(n - len(got))
        if not chunk:
            break
        got += chunk
    return got


def _ws_echo(s, payload: bytes) -> bool:
    """One RFC 6455 handshake on /ws and one masked binary message; True when it comes back as one binary frame."""
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 8192:
        chunk = s.recv(1)
        if not chunk:
            return False
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        return False
    mask = os.urandom(4)
    s.sendall(bytes([0x82, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    frame = _recv_exactly(s, 2 + len(payload))
    return frame == bytes([0x82, len(payload)]) + payload


def wait_echo(port: int, t0: float, timeout: float, pid: int | None = None, proto: str = "tcp") -> int:
    payload = b"echokit-startup-probe\n"
    deadline = time.monotonic() + timeout
    tls = ssl.create_default_context()
    # The benchmark's servers use a certificate made for the run: the probe checks the echo, not the certificate.
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    while time.monotonic() < deadline:
        if pid and not _alive(pid):
            return 3
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0) as raw:
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s = tls.wrap_socket(raw) if proto == "tls" else raw
                if proto == "ws":
                    ok = _ws_echo(s, payload)
                else:
                    s.sendall(payload)
                    ok = _recv_exactly(s, len(payload)) == payload
                if ok:
                    print(f"{(time.time() - t0) * 1000:.1f}")
                    return 0
        except OSError:
            pass
        time.sleep(0.005)
    return 1


def jar_has(jar: str, entry: str) -> int:
    try:
        with zipfile.ZipFile(jar) as z:
            z.getinfo(entry)
        return 0
    except (KeyError, OSError, zipfile.BadZipFile):
        return 1


def _run(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (p.stdout + p.stderr).strip()
    except (OSError, subprocess.SubprocessError) as e:
        return f"unavailable ({e})"


def _pairs(args: list[str]) -> dict:
    out = {}
    for a in args:
        k, _, v = a.partition("=")
        out[k] = v
    return out


def _loadavg():
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except (OSError, ValueError):
        return None


def _jar_versions(jar: str) -> dict:
    """Versions of the libraries inside the fat jar, from their Maven metadata."""
    out = {}
    try:
        with zipfile.ZipFile(jar) as z:
            for name, entry in (("vertx", "META-INF/maven/io.vertx/vertx-core/pom.properties"),
                                ("netty", "META-INF/maven/io.netty/netty-transport/pom.properties")):
                try:
                    for line in z.read(entry).decode().splitlines():
                        if line.startswith("version="):
                            out[name] = line.split("=", 1)[1].strip()
                except KeyError:
                    pass
    except (OSError, zipfile.BadZipFile):
        pass
    return out


def machine(out: str, args: list[str]) -> None:
    model = ""
    for line in _run(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
            break
    mem_gib = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    settings = {k: _num(v) for k, v in _pairs(args).items()}
    java_cmd = settings.pop("java", "java")
    jar = settings.pop("jar", "")
    desc = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": _run(["nproc"]),
        "cpuModel": model,
        "memGiB": mem_gib,
        "kernel": platform.release(),
        "os": _run(["uname", "-srvm"]),
        "java": _run([java_cmd, "-version"]).splitlines(),
        "python": platform.python_version(),
        "libraries": _jar_versions(jar) if jar else {},
        "loadAverageAtStart": _loadavg(),
        "settings": settings,
    }
    with open(out, "w") as f:
        json.dump(desc, f, indent=2)


def _num(v):
    if v in (None, ""):
        return None
    try:
        f = float(v)
    except ValueError:
        return v
    return int(f) if f.is_integer() and "." not in str(v) else f


def record(path: str, args: list[str]) -> None:
    rec = {}
    for k, v in _pairs(args).items():
        if k == "result":
            try:
                with open(v) as f:
                    rec["result"] = json.load(f)
            except (OSError, ValueError) as e:
                rec["result"] = None
                rec.setdefault("error", f"no load-generator JSON ({type(e).__name__})")
        elif k in ("error", "warning", "server", "scenario"):
            if v:
                rec[k] = v
        else:
            rec[k] = _num(v)
    with open(path, "a") as f:
        f.write(json.dumps(rec) + "\n")


# ---------------------------------------------------------------- report

def _median(xs):
    xs = [x for x in xs if isinstance(x, (int, float))]
    return statistics.median(xs) if xs else None


def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _fmt_int(x):
    return "–" if x is None else f"{x:,.0f}"


def _fmt_mib(x):
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 1 else f"{x:.2f}"


def _fmt_time_us(us):
    if us is None:
        return "–"
    if us < 1000:
        return f"{us:.0f} µs" if us >= 10 else f"{us:.1f} µs"
    if us < 1_000_000:
        ms = us / 1000
        return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
    return f"{us / 1e6:.2f} s"


def summarize(runs: list, servers: list, scenarios: list) -> list:
    rows = []
    for sc in scenarios:
        for srv in servers:
            rs = [r for r in runs if r.get("server") == srv and r.get("scenario") == sc]
            if not rs:
                continue
            row = {"scenario": sc, "server": srv, "rounds": len(rs)}
            rss = [r.get("peakRssKiB") for r in rs]
            row["peakRssMiB"] = (lambda m: None if m is None else m / 1024)(_median(rss))
            if sc == "startup":
                ok = [r for r in rs if isinstance(r.get("startupMillis"), (int, float))]
                row["ok"] = len(ok)
                row["startupMillis"] = _median([r["startupMillis"] for r in ok])
                row["startupMillisAll"] = [r["startupMillis"] for r in ok]
            else:
                ok = [r for r in rs if isinstance(r.get("result"), dict)]
                row["ok"] = len(ok)
                res = [r["result"] for r in ok]
                row["msgPerSec"] = _median([_get(x, "msgPerSec") for x in res])
                row["mibPerSec"] = _median([_get(x, "mibPerSec") for x in res])
                row["p50Micros"] = _median([_get(x, "latencyMicros", "p50") for x in res])
                row["p99Micros"] = _median([_get(x, "latencyMicros", "p99") for x in res])
                row["p999Micros"] = _median([_get(x, "latencyMicros", "p999") for x in res])
                row["maxMicros"] = max([v for v in (_get(x, "latencyMicros", "max") for x in res)
                                        if isinstance(v, (int, float))], default=None)
                row["connectP50Millis"] = _median([_get(x, "connectMillis", "p50") for x in res])
                row["errors"] = sum(v for v in (_get(x, "errors", "total") for x in res) if isinstance(v, (int, float)))
                row["msgPerSecAll"] = [_get(x, "msgPerSec") for x in res]
                spread = [v for v in row["msgPerSecAll"] if isinstance(v, (int, float))]
                if len(spread) > 1 and row["msgPerSec"]:
                    row["spreadPct"] = round(100 * (max(spread) - min(spread)) / 2 / row["msgPerSec"], 1)
            failures = sorted({r.get("error") for r in rs if r.get("error")})
            if failures:
                row["failures"] = failures
            warnings = sorted({r.get("warning") for r in rs if r.get("warning")})
            if warnings:
                row["warnings"] = warnings
            rows.append(row)
    # Ratios against raw Netty with the same transport, as "relative speed": above 1 = better than Netty.
    by_key = {(r["scenario"], r["server"]): r for r in rows}
    for r in rows:
        ref = by_key.get((r["scenario"], REFERENCE.get(r["server"], "")))
        r["reference"] = REFERENCE.get(r["server"])
        if not ref:
            continue
        if r["scenario"] == "startup":
            a, b, metric = ref.get("startupMillis"), r.get("startupMillis"), "netty startup time / this startup time"
        elif r["scenario"] == "idle10k":
            a, b, metric = ref.get("p99Micros"), r.get("p99Micros"), "netty p99 / this p99"
        else:
            a, b, metric = r.get("msgPerSec"), ref.get("msgPerSec"), "this msg/s / netty msg/s"
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0:
            r["ratio"] = round(a / b, 3)
            r["ratioMetric"] = metric
    return rows


def markdown(machine: dict, rows: list, settings: dict) -> str:
    m = machine
    java = (m.get("java") or ["?"])
    java_line = next((l for l in java if "Runtime Environment" in l), java[0])
    libs = m.get("libraries") or {}
    lines = [
        "# EchoKit benchmark results",
        "",
        f"- **Machine:** {m.get('cpuModel') or '?'}, nproc {m.get('nproc')}, {m.get('memGiB')} GiB RAM, "
        f"kernel {m.get('kernel')}",
        f"- **Software:** {java_line}; Python {m.get('python')}; "
        f"Vert.x {libs.get('vertx', '?')}, Netty {libs.get('netty', '?')}",
        f"- **Run:** {m.get('date')}; {settings.get('rounds')} interleaved round(s), "
        f"{settings.get('duration')} s per scenario after a {settings.get('warmup')} s warm-up; "
        f"{settings.get('pinning')}",
        "- Figures are medians over the rounds. Noise between runs is ±15-30%: compare rows of this run, "
        "on this machine, only.",
        "",
        "| scenario | server | msg/s | MiB/s | p50 | p99 | peak RSS MiB | vs netty |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for r in rows:
        if r["scenario"] == "startup":
            cells = ["–", "–", _fmt_time_us(None if r.get("startupMillis") is None else r["startupMillis"] * 1000), "–"]
        else:
            msg = _fmt_int(r.get("msgPerSec"))
            if r.get("spreadPct") is not None and r["spreadPct"] >= 10:
                msg += f" ±{r['spreadPct']:.0f}%"
            cells = [msg, _fmt_mib(r.get("mibPerSec")), _fmt_time_us(r.get("p50Micros")), _fmt_time_us(r.get("p99Micros"))]
        ratio = "–"
        if r.get("ratio") is not None:
            ratio = f"{r['ratio']:.2f}"
            if r["server"] == "python-asyncio" or r["server"].endswith(("-pipe", "-nometrics")) \
                    or not str(r["reference"]).startswith("netty-"):
                ratio += f" ({r['reference']})"
        flags = []
        if r.get("ok", 0) < r["rounds"]:
            flags.append(f"{r['ok']}/{r['rounds']} rounds ok")
        if r.get("errors"):
            flags.append(f"{r['errors']:,} errors")
        server = r["server"]
        if flags or r.get("failures") or r.get("warnings"):
            notes.append((len(notes) + 1, r, flags))
            server += f" [{len(notes)}]"
        rss = _fmt_int(r.get("peakRssMiB"))
        lines.append(f"| {r['scenario']} | {server} | " + " | ".join(cells) + f" | {rss} | {ratio} |")
    lines += [
        "",
        "*vs netty* is relative to raw Netty with the same transport (python-asyncio: netty-epoll); above 1 is "
        "better than Netty: msg/s ÷ Netty's msg/s, but for *startup* (launch → first echo, shown in the p50 "
        "column) and *idle10k* (open loop at a fixed rate, so p99 is what differs) it is Netty's time ÷ this one. "
        "echokit-tls and echokit-ws are compared the same way with echokit-epoll, the same server over plain TCP: "
        "their ratio is what TLS or WebSocket framing costs. "
        "Peak RSS is the server's VmHWM during the scenario (reset before each one; the JVM keeps heap it grew "
        "in earlier scenarios of the round). ±N% is half the min-max spread of msg/s over the rounds, when ≥10%.",
    ]
    if notes:
        lines.append("")
        for n, r, flags in notes:
            parts = flags + list(r.get("failures", [])) + list(r.get("warnings", []))
            lines.append(f"[{n}] {r['scenario']} / {r['server']}: " + "; ".join(parts))
    return "\n".join(lines) + "\n"


def report(workdir: str, out_json: str, out_md: str) -> None:
    with open(os.path.join(workdir, "machine.json")) as f:
        mach = json.load(f)
    runs = []
    try:
        with open(os.path.join(workdir, "runs.jsonl")) as f:
            runs = [json.loads(line) for line in f if line.strip()]
    except OSError:
        pass
    settings = mach.pop("settings", {})
    servers = settings.get("servers", "").split()
    scenarios = settings.get("scenarios", "").split()
    rows = summarize(runs, servers, scenarios)
    doc = {"machine": mach, "settings": settings, "medians": rows, "runs": runs}
    os.makedirs(os.path.dirname(os.path.abspath(out_json)), exist_ok=True)
    with open(out_json, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    with open(out_md, "w") as f:
        f.write(markdown(mach, rows, settings))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "freeport":
        freeport()
        return 0
    if cmd == "wait-echo" and len(args) in (3, 4, 5) and (len(args) < 5 or args[4] in ("tcp", "tls", "ws")):
        return wait_echo(int(args[0]), float(args[1]), float(args[2]), int(args[3]) if len(args) >= 4 else None,
                         args[4] if len(args) == 5 else "tcp")
    if cmd == "jar-has" and len(args) == 2:
        return jar_has(args[0], args[1])
    if cmd == "machine" and args:
        machine(args[0], args[1:])
        return 0
    if cmd == "record" and args:
        record(args[0], args[1:])
        return 0
    if cmd == "report" and len(args) == 3:
        report(*args)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

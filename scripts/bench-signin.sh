#!/usr/bin/env bash
# Load script for sign-in under attack (issue "Safeguarding and sign-in hold against an
# attacker"), against the release server on a fresh demo database:
#   1. 50 simultaneous wrong PINs for one family's phone, each from its own address: how many
#      PINs the server checked (answered "wrong PIN") and how many it refused unchecked;
#   2. 200 simultaneous anonymous sign-ins (logins that name nobody), while a signed-in house
#      parent keeps opening a page: the server's peak memory (VmHWM) and that page's latency.
#
#   bash scripts/bench-signin.sh
#   BENCH_BUILD=0 bash scripts/bench-signin.sh        (the release server already built)
#   BENCH_SERVER=path/to/server BENCH_BUILD=0 ...     (another build, e.g. of an older commit)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${BENCH_PORT:-3302}"
# shellcheck source=scripts/bench-server.sh
source "$root/scripts/bench-server.sh"
start_bench_server "$port" error

python3 - "$port" "$server" <<'PY'
import asyncio, json, sys, time, urllib.parse

port, pid = int(sys.argv[1]), int(sys.argv[2])
origin = f"http://127.0.0.1:{port}"

async def request(method, path, body=b"", headers=None):
    """One HTTP/1.1 request on its own connection: (status, headers text, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Origin: {origin}",
            "Connection: close", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    text, _, rest = data.partition(b"\r\n\r\n")
    lines = text.decode("latin-1").split("\r\n")
    return int(lines[0].split()[1]), "\n".join(lines[1:]), rest

def form(**fields):
    return urllib.parse.urlencode(fields).encode()

async def sign_in(login, secret, address):
    status, _, body = await request("POST", "/api/log_in", form(login=login, password=secret, back="/"), {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "X-Forwarded-For": address,
    })
    return status, body.decode("utf-8", "replace")

def verdict(status, body):
    if "login.failed" in body: return "wrong PIN (checked)"
    if "TooManyAttempts" in body: return "refused: too many attempts"
    if "Busy" in body or "error.busy" in body: return "refused: try again shortly"
    if status < 400: return "signed in"
    return f"other {status}"

def peak_mb():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")

async def main():
    accounts = json.load(open("demo/accounts.json"))
    phone = accounts["families"][0]["phone"]
    print(f"server pid {pid}, resident memory before: {peak_mb():.0f} MB (peak so far)")

    # 1. A burst of wrong PINs for one family.
    answers = await asyncio.gather(*(sign_in(phone, "111111", f"198.51.100.{n + 1}") for n in range(50)))
    tally = {}
    for status, body in answers:
        key = verdict(status, body)
        tally[key] = tally.get(key, 0) + 1
    print("\n== 50 simultaneous wrong PINs for", phone)
    for key, count in sorted(tally.items()):
        print(f"  {count:3d}  {key}")
    print(f"  PINs checked: {tally.get('wrong PIN (checked)', 0)}")

    # 2. 200 anonymous sign-ins while a signed-in house parent opens the residents list.
    house = next(s for s in accounts["staff"] if s["login"] == "house")
    status, headers, _ = await request("POST", "/api/log_in", form(login="house", password=house["password"], back="/"),
                                       {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "192.0.2.1"})
    cookie = next(l.split(":", 1)[1].strip().split(";")[0] for l in headers.split("\n") if l.lower().startswith("set-cookie: sid="))
    latencies, stop = [], asyncio.Event()
    async def browse():
        while not stop.is_set():
            started = time.perf_counter()
            status, _, _ = await request("GET", "/residents", headers={"Cookie": f"{cookie}; lang=km"})
            latencies.append((time.perf_counter() - started, status))
    browser = asyncio.create_task(browse())
    await asyncio.sleep(0.5)
    quiet = list(latencies)
    started = time.perf_counter()
    burst = await asyncio.gather(*(sign_in(f"0170{n:05d}", "123456", f"203.0.{n // 200}.{n % 200 + 1}") for n in range(200)))
    took = time.perf_counter() - started
    await asyncio.sleep(0.5)
    stop.set()
    await browser
    during = latencies[len(quiet):]
    tally = {}
    for status, body in burst:
        key = verdict(status, body)
        tally[key] = tally.get(key, 0) + 1
    print(f"\n== 200 simultaneous anonymous sign-ins (answered in {took:.2f} s)")
    for key, count in sorted(tally.items()):
        print(f"  {count:3d}  {key}")
    print(f"  server's peak memory (VmHWM): {peak_mb():.0f} MB")
    if during:
        worst = max(l for l, _ in during)
        ordered = sorted(l for l, _ in during)
        print(f"  signed-in page /residents meanwhile: {len(during)} loads, "
              f"median {ordered[len(ordered) // 2] * 1000:.0f} ms, worst {worst * 1000:.0f} ms, "
              f"statuses {sorted(set(s for _, s in during))}")
    if quiet:
        print(f"  the same page before the burst: median {sorted(l for l, _ in quiet)[len(quiet) // 2] * 1000:.0f} ms")

asyncio.run(main())
PY

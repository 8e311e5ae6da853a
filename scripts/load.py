"""The load script of the issue "Load and faults" (run it through scripts/load.sh).

In one run against one release server on a fresh demo database, with wrk: a static file, the
sign-in page, then the director's dashboard, the residents list and a roll call page, each
for `SECONDS` at `CONNECTIONS` connections after a short warm-up; then the dashboard again
while a house parent marks the roll once a second. For each it prints the rate, the server's
CPU per request (user + system time from /proc, divided by the requests wrk counted) and the
latency percentiles, then checks the budgets:

  dashboard, residents, roll call: at most 2 ms of CPU per request;
  dashboard: at least 0.2 of the static file's rate;
  dashboard with a roll mark every second: p99 at most 100 ms.

Exit status 1 when a budget does not hold (`LOAD_BUDGETS=0` only prints).
"""

import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loadlib import Client, Server, ids  # noqa: E402

SECONDS = int(os.environ.get("SECONDS_EACH", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "64"))
WARM_UP = 3
PORT = int(os.environ.get("LOAD_PORT", "3303"))

REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def wrk(server, path, cookie, seconds, script):
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", script,
               "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{server.port}{path}"]
    before = server.cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - before
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    requests, micros, p50, p99, bad_status, socket_errors = map(int, match.groups())
    return {
        "rate": requests / (micros / 1e6),
        "cpu_ms": 1000 * cpu / max(requests, 1),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "errors": bad_status + socket_errors,
        "requests": requests,
    }


class Marker(threading.Thread):
    """A house parent marking the roll once a second, one resident after another, each mark
    the opposite of that resident's last so that every one is a change."""

    def __init__(self, port, building, residents):
        super().__init__(daemon=True)
        self.client = Client(port).sign_in_staff("house")
        self.building, self.residents = building, residents
        self.stop = threading.Event()
        self.sent = self.failed = 0

    def run(self):
        n = 0
        while not self.stop.wait(1.0):
            resident = self.residents[n % len(self.residents)]
            mark = "missing" if (n // len(self.residents)) % 2 == 0 else "present"
            status, _, _ = self.client.post("/api/mark_roll", {
                "building_id": self.building, "night": "", "resident_id": resident, "mark": mark})
            self.sent += 1
            self.failed += status >= 400
            n += 1


def main():
    budgets = os.environ.get("LOAD_BUDGETS", "1") != "0"
    data = tempfile.mkdtemp(prefix="load-")
    server = Server(PORT, os.path.join(data, "load.db"))
    seeded = server.run("seed-demo")
    if seeded.returncode:
        sys.exit(f"seed-demo failed: {seeded.stderr}")
    server.start()
    try:
        server.wait_ready()
        director = Client(PORT).sign_in_staff("director")
        _, _, page = director.get("/")
        for part in ("dash-roll", "chart-occupancy", "chart-meals", "chart-homework"):
            if f'id="{part}"' not in page:
                sys.exit(f"the director's dashboard lacks #{part}")
        static = re.search(r'href="(/pkg/[^"]+\.css)"', page).group(1)
        building = ids(page, "roll-")[0]
        _, _, roll_page = director.get(f"/roll/{building}")
        # Those with marking buttons: a resident away on leave is not marked.
        residents = [int(n) for n in re.findall(r'name="resident_id" value="(\d+)"', roll_page)]
        if not residents:
            sys.exit(f"the roll of building {building} lists nobody")
        cookie = director.cookie_header()
        script = os.path.join(data, "report.lua")
        with open(script, "w") as file:
            file.write(REPORT)

        measured = [
            ("static file", static),
            ("sign-in page", "/login"),
            ("dashboard (director)", "/"),
            ("residents list", "/residents"),
            ("roll call page", f"/roll/{building}"),
        ]
        results = {}
        for name, path in measured:
            wrk(server, path, cookie, WARM_UP, script)
            results[name] = wrk(server, path, cookie, SECONDS, script)
        marker = Marker(PORT, building, residents)
        marker.start()
        wrk(server, "/", cookie, WARM_UP, script)
        results["dashboard, a roll mark a second"] = wrk(server, "/", cookie, SECONDS, script)
        marker.stop.set()
        marker.join()

        print(f"\nwrk -t1 -c{CONNECTIONS}, {SECONDS} s each after {WARM_UP} s of warm-up; "
              f"server pid {server.pid}, {os.cpu_count()} cores")
        print(f"{'':34} {'req/s':>8} {'CPU ms/req':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, r in results.items():
            print(f"{name:34} {r['rate']:8.0f} {r['cpu_ms']:10.2f} {r['p50_ms']:8.1f} "
                  f"{r['p99_ms']:8.1f} {r['errors']:7d}")
        print(f"roll marks sent during the last run: {marker.sent}, refused: {marker.failed}")

        static_rate = results["static file"]["rate"]
        checks = [
            ("dashboard CPU per request <= 2 ms", results["dashboard (director)"]["cpu_ms"] <= 2.0),
            ("residents list CPU per request <= 2 ms", results["residents list"]["cpu_ms"] <= 2.0),
            ("roll call page CPU per request <= 2 ms", results["roll call page"]["cpu_ms"] <= 2.0),
            (f"dashboard rate >= 0.2 x static ({0.2 * static_rate:.0f}/s)",
             results["dashboard (director)"]["rate"] >= 0.2 * static_rate),
            ("dashboard p99 with a mark a second <= 100 ms",
             results["dashboard, a roll mark a second"]["p99_ms"] <= 100),
            ("no error status", all(r["errors"] == 0 for r in results.values()) and marker.failed == 0),
        ]
        print()
        for text, ok in checks:
            print(f"  {'ok  ' if ok else 'FAIL'} {text}")
        if budgets and not all(ok for _, ok in checks):
            sys.exit(1)
    finally:
        server.stop()
        subprocess.run(["rm", "-rf", data])


if __name__ == "__main__":
    main()

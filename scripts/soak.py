"""The soak of the issue "Load and faults", item 5 (run it through scripts/soak.sh; not in CI).

One release server on a demo database made ready as for the fault script (scripts/loadlib.py
`prepare`: 50 family accounts with a contact, a child and a permission each, and a visit day
with room for all), then `SOAK_MINUTES` (30) of mixed load through the HTTP API:

  20 tablets (house staff): roll marks and homework marks (each with its outbox's mark id),
     the roll and homework pages, tonight's homework, the dashboard;
  50 families: the portal page, the booking form, booking a visit and cancelling it.

Each minute it prints the requests, the error statuses, p50/p99/max latency (as the clients
saw it) and the server's resident memory. At the end it fails (exit status 1) when any
request got an error status (a 5xx, a 4xx other than a booking or cancellation refused by the
visit rules, or no answer at all), or when the server's memory at any later minute exceeded
by more than 20 % what it was after the first `SOAK_BASELINE_MINUTES` (5) minutes.

  SOAK_MINUTES=30 SOAK_BASELINE_MINUTES=5   the run and the memory baseline, in minutes
  SOAK_TABLETS=20 SOAK_FAMILIES=50          the clients
  SOAK_PACE=1                               the pace: 2 halves every pause between requests
  SOAK_PORT=3305 SOAK_SEED=…                the port, and the seed of the clients' choices
"""

import collections
import os
import random
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadlib  # noqa: E402
from loadlib import Family, Server, Tablet  # noqa: E402

MINUTES = int(os.environ.get("SOAK_MINUTES", "30"))
BASELINE_MINUTES = int(os.environ.get("SOAK_BASELINE_MINUTES", "5"))
TABLETS = int(os.environ.get("SOAK_TABLETS", "20"))
FAMILIES = int(os.environ.get("SOAK_FAMILIES", "50"))
PACE = float(os.environ.get("SOAK_PACE", "1"))
PORT = int(os.environ.get("SOAK_PORT", "3305"))
SEED = int(os.environ.get("SOAK_SEED") or random.SystemRandom().randrange(10**6))
MINUTE = float(os.environ.get("SOAK_MINUTE_SECONDS", "60"))  # shorter only to try the script
GROWTH_LIMIT = 0.20

# Pauses between one client's requests, in seconds (divided by SOAK_PACE).
TABLET_PAUSE = (0.2, 1.0)
FAMILY_PAUSE = (1.0, 4.0)
# What a tablet does, with weights.
TABLET_ACTIONS = (("roll mark", 30), ("homework mark", 20), ("roll page", 15),
                  ("homework session page", 10), ("homework page", 5), ("dashboard", 20))
# What a family does: "visit" books a visit when it holds none, else cancels its booking.
FAMILY_ACTIONS = (("portal page", 35), ("booking form", 15), ("visit", 50))
# Refusals that are answers under the visit rules (a slot full, a booking past its cut-off).
REFUSALS = {("booking", 409), ("booking", 422), ("cancellation", 409)}


class Minutes:
    """Per-minute tallies of every request: latencies, error statuses, refusals."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current = self.fresh()
        self.errors_seen = collections.Counter()

    @staticmethod
    def fresh():
        return {"latencies": [], "errors": collections.Counter(), "refused": 0,
                "samples": [], "by_action": collections.Counter()}

    def record(self, outcome):
        with self.lock:
            minute = self.current
            minute["latencies"].append(outcome.seconds)
            minute["by_action"][outcome.action] += 1
            if outcome.cut:
                kind = (outcome.action, "no answer")
            elif outcome.status >= 500 or (
                    outcome.status >= 400 and (outcome.action, outcome.status) not in REFUSALS):
                kind = (outcome.action, outcome.status)
            elif outcome.status >= 400:
                minute["refused"] += 1
                return
            elif outcome.status != 200:
                # Pages and server functions answer 200; anything else (a redirect to the
                # sign-in page, say) is not what the client asked for.
                kind = (outcome.action, outcome.status)
            else:
                return
            minute["errors"][kind] += 1
            self.errors_seen[kind] += 1
            if len(minute["samples"]) < 3:
                detail = outcome.error if outcome.cut else outcome.data
                minute["samples"].append(f"{kind[0]} {kind[1]}: {detail}")

    def take(self):
        with self.lock:
            minute, self.current = self.current, self.fresh()
        return minute


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def pause(rng, bounds):
    return rng.uniform(*bounds) / PACE


def tablet_worker(tablet, minutes, deadline, rng):
    actions, weights = zip(*TABLET_ACTIONS)
    while time.monotonic() < deadline:
        action = rng.choices(actions, weights)[0]
        if action == "roll mark":
            outcome = tablet.send(tablet.roll_mark())
        elif action == "homework mark":
            mark = tablet.homework_mark()
            outcome = tablet.send(mark) if mark else tablet.open_session()
        elif action == "roll page":
            outcome = tablet.open_roll()
        elif action == "homework session page":
            outcome = tablet.open_session()
        elif action == "homework page":
            outcome = tablet.open_homework()
        else:
            outcome = tablet.open_dashboard()
        tablet.outbox.clear()  # a mark without an answer is an error here, not sent again
        minutes.record(outcome)
        time.sleep(pause(rng, TABLET_PAUSE))


def family_worker(family, minutes, deadline, rng):
    actions, weights = zip(*FAMILY_ACTIONS)
    minutes.record(family.sync())
    while time.monotonic() < deadline:
        action = rng.choices(actions, weights)[0]
        if action == "portal page":
            outcome = family.open_portal()
        elif action == "booking form":
            outcome = family.open_booking_form()
        elif family.active:
            outcome = family.cancel(family.active[0])
        else:
            outcome = family.book(family.booking())
        minutes.record(outcome)
        time.sleep(pause(rng, FAMILY_PAUSE))


def main():
    if not 0 < BASELINE_MINUTES < MINUTES:
        sys.exit(f"SOAK_BASELINE_MINUTES ({BASELINE_MINUTES:g}) must be above 0 and below "
                 f"SOAK_MINUTES ({MINUTES:g}): memory is compared with the baseline afterwards")
    rng = random.Random(SEED)
    data = tempfile.mkdtemp(prefix="soak-")
    server = Server(PORT, os.path.join(data, "soak.db"))
    print(f"soak: {MINUTES:g} min, memory baseline after {BASELINE_MINUTES:g} min, "
          f"{TABLETS} tablets, {FAMILIES} families, pace {PACE:g}, seed {SEED}, "
          f"server {server.binary}", flush=True)
    seeded = server.run("seed-demo")
    if seeded.returncode:
        sys.exit(f"seed-demo failed: {seeded.stderr}")
    log = open(os.path.join(data, "server.log"), "a")
    rows = []
    try:
        server.start(stderr=log)
        server.wait_ready()
        plan = loadlib.prepare(PORT, families=FAMILIES, seed=SEED)
        pairs = [(s["class_id"], s["day"], int(r)) for s in plan["sessions"] for r in s["rows"]]
        tablets = [Tablet(client, plan, pairs, random.Random(rng.random()), track=False)
                   for client in loadlib.sign_in_tablets(PORT, TABLETS)]
        families = [Family(client, plan, info, random.Random(rng.random())) for client, info in
                    zip(loadlib.sign_in_families(PORT, plan), plan["families"])]
        print(f"server pid {server.pid}, resident memory {server.memory_mb():.0f} MB before the "
              "load", flush=True)
        minutes = Minutes()
        started = time.monotonic()
        deadline = started + MINUTES * MINUTE
        threads = [threading.Thread(target=tablet_worker, daemon=True,
                                    args=(t, minutes, deadline, random.Random(rng.random())))
                   for t in tablets]
        threads += [threading.Thread(target=family_worker, daemon=True,
                                     args=(f, minutes, deadline, random.Random(rng.random())))
                    for f in families]
        for thread in threads:
            thread.start()
        print(f"{'minute':>6} {'requests':>8} {'errors':>6} {'refused':>7} {'p50 ms':>7} "
              f"{'p99 ms':>7} {'max ms':>7} {'RSS MB':>7}", flush=True)
        n = 0
        while True:
            n += 1
            time.sleep(max(0.0, started + n * MINUTE - time.monotonic()))
            last = n >= MINUTES
            if last:
                for thread in threads:
                    thread.join(60)
            minute = minutes.take()
            if server.process.poll() is not None:
                print(f"the server stopped with status {server.process.returncode}")
                rows.append(None)
                break
            latencies = minute["latencies"]
            row = {"minute": n, "requests": len(latencies),
                   "errors": sum(minute["errors"].values()), "refused": minute["refused"],
                   "p50": 1000 * percentile(latencies, 0.50), "p99": 1000 * percentile(latencies, 0.99),
                   "max": 1000 * max(latencies, default=float("nan")), "rss": server.memory_mb()}
            rows.append(row)
            print(f"{n:6d} {row['requests']:8d} {row['errors']:6d} {row['refused']:7d} "
                  f"{row['p50']:7.1f} {row['p99']:7.1f} {row['max']:7.0f} {row['rss']:7.1f}",
                  flush=True)
            for sample in minute["samples"]:
                print(f"       !! {sample}", flush=True)
            if last:
                break
        if any(thread.is_alive() for thread in threads):
            print("some clients still wait a minute after the end")
        errors_seen = minutes.errors_seen
    finally:
        server.stop()
        log.close()

    failed = []
    if not rows or rows[-1] is None:
        failed.append("the server stopped during the soak")
        rows = [r for r in rows if r]
    total = sum(r["requests"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    print()
    print(f"requests {total} in {len(rows)} min ({total / max(1, len(rows)) / MINUTE:.1f}/s); "
          f"error statuses {errors}; refused by the visit rules {sum(r['refused'] for r in rows)}")
    print("p99 per minute (ms): " + " ".join(f"{r['p99']:.0f}" for r in rows))
    for (action, status), count in sorted(errors_seen.items(), key=str):
        print(f"  errors: {action} {status} x{count}")
    if errors:
        failed.append(f"{errors} requests got an error status")
    base_row = next((r for r in rows if r["minute"] >= BASELINE_MINUTES), None)
    later = [r for r in rows if base_row and r["minute"] > base_row["minute"]]
    if base_row and later:
        baseline = base_row["rss"]
        peak = max(later, key=lambda r: r["rss"])
        growth = peak["rss"] / baseline - 1
        print(f"memory: {baseline:.1f} MB after minute {base_row['minute']}, at most "
              f"{peak['rss']:.1f} MB later (minute {peak['minute']}, {100 * growth:+.1f} %), "
              f"{later[-1]['rss']:.1f} MB at the end; limit +{100 * GROWTH_LIMIT:.0f} %")
        if growth > GROWTH_LIMIT:
            failed.append(f"memory grew by {100 * growth:.1f} % after minute {base_row['minute']}")
    else:
        failed.append("too few minutes to compare memory with the baseline")
    if failed:
        print(f"FAIL: {'; '.join(failed)} (database and server log in {data})")
        sys.exit(1)
    import shutil
    shutil.rmtree(data, ignore_errors=True)
    print("ok: no error status, memory within the limit")


if __name__ == "__main__":
    main()

"""The fault script of the issue "Load and faults", item 3: kill -9 under load (run it through
scripts/faults.sh).

One demo database is made ready once (scripts/loadlib.py `prepare`: 50 family accounts with a
contact, a child and a permission each, a visit day with room for all). Then each of `TRIALS`
trials:

  1. the tablets send again the marks of theirs that were cut by the last kill (a tablet's
     outbox does that), and the families read their portal to learn which bookings hold;
  2. 10 tablets (house staff) mark the roll and homework attendance, every mark named by a
     unique `sent[mark_id]`, and 50 families book a visit, cancel it, book again, all at
     once through the HTTP API; every answer with a success status is written down with what
     it should have stored;
  3. after a random 0.5-3 s the server gets SIGKILL, in the middle of it all;
  4. it is started again, and must answer /healthz within 2 s;
  5. the database file is read with sqlite3 (python's): every acknowledged write is there
     (a mark's `tablet_mark` row and audit entry, a booking with its child and audit entry,
     a cancellation done and audited), nothing is half there (every tablet mark and booking
     change has its audit entry, every such audit entry its change, each marked row holds its
     last audited mark, a booking's meal heads come and go with it), and PRAGMA
     integrity_check says ok (and foreign_key_check finds nothing).

A request cut by the kill got no answer: its write may or may not be there, and is not
expected either way (such requests are counted apart). A booking refused by the rules (409,
422) is an answer, not a success, and is not expected in the database.

Prints a line per trial and a summary; exit status 1 when anything acknowledged was lost, a
change is half there, the integrity check fails, a restart took more than 2 s, or the server
answered with a 5xx. `TRIALS` (100), `FAULT_SEED` (random), `FAULT_PORT` (3304),
`FAULT_TABLETS` (10), `FAULT_FAMILIES` (50), `FAULT_KEEP=1` keeps the database and log.
"""

import collections
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadlib  # noqa: E402
from loadlib import MARK_ID_PREFIX, Family, Server, Tablet  # noqa: E402

TRIALS = int(os.environ.get("TRIALS", "100"))
PORT = int(os.environ.get("FAULT_PORT", "3304"))
TABLETS = int(os.environ.get("FAULT_TABLETS", "10"))
FAMILIES = int(os.environ.get("FAULT_FAMILIES", "50"))
SEED = int(os.environ.get("FAULT_SEED") or random.SystemRandom().randrange(10**6))
KILL_AFTER = (0.5, 3.0)
READY_WITHIN = 2.0
# Share of a tablet's marks that are roll marks (the others homework).
ROLL_SHARE = 0.6
ACTIVE = ("pending", "confirmed")
# A family's pause between two taps (s); the tablets mark without pause.
FAMILY_PAUSE = (0.1, 0.5)


def print_problems(problems):
    """Each problem a check found, a line each, by kind."""
    for kind in ("lost", "wrong", "half", "integrity"):
        for text in problems.get(kind, []):
            print(f"    {kind}: {text}", flush=True)


class Ledger:
    """What the server acknowledged, and what else happened to the requests, across trials.
    Keyed by mark id and booking id: a mark acknowledged when sent again counts once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.marks = {}          # mark id -> the mark, with "recorded" (its answer)
        self.bookings = {}       # booking id -> the booking asked for
        self.cancels = {}        # booking id -> the trial it was acknowledged in
        self.cancel_attempts = set()
        self.trial = None

    def start(self, trial):
        with self.lock:
            self.trial = trial
            self.counts = collections.Counter()
            self.refusals = collections.Counter()
            self.errors = []
            self.anomalies = []
            self.crashes = []

    def _refused(self, outcome):
        self.refusals[(outcome.action, outcome.status)] += 1
        if outcome.status >= 500 and len(self.errors) < 5:
            self.errors.append(f"{outcome.action}: {outcome.status} {outcome.data}")

    def mark(self, mark, outcome, again):
        with self.lock:
            kind = mark["kind"]
            if again:
                self.counts["resent"] += 1
            if outcome.cut:
                self.counts[f"cut {kind}"] += 1
            elif 200 <= outcome.status < 300:
                recorded = (outcome.data or {}).get("recorded", "") \
                    if isinstance(outcome.data, dict) else ""
                if recorded == "already":
                    self.counts["resent already there"] += 1
                    if not again:
                        self.anomalies.append(f"new mark {mark['id']} answered 'already'")
                if mark["id"] not in self.marks:
                    mark["recorded"] = recorded
                    mark["trial"] = self.trial
                    self.marks[mark["id"]] = mark
                    self.counts[f"acked {kind}"] += 1
            else:
                self._refused(outcome)

    def book(self, booking, outcome):
        with self.lock:
            if outcome.cut:
                self.counts["cut book"] += 1
            elif 200 <= outcome.status < 300:
                if "id" not in booking:
                    self.anomalies.append(f"booking acknowledged without its id: "
                                          f"{outcome.headers.get('Location')}")
                elif booking["id"] in self.bookings:
                    self.anomalies.append(f"booking {booking['id']} acknowledged twice")
                else:
                    booking["trial"] = self.trial
                    self.bookings[booking["id"]] = booking
                    self.counts["acked book"] += 1
            else:
                self._refused(outcome)

    def cancel_attempt(self, booking_id):
        with self.lock:
            self.cancel_attempts.add(booking_id)

    def cancel(self, booking_id, outcome):
        with self.lock:
            if outcome.cut:
                self.counts["cut cancel"] += 1
            elif 200 <= outcome.status < 300:
                if booking_id not in self.cancels:
                    self.cancels[booking_id] = self.trial
                    self.counts["acked cancel"] += 1
            else:
                self._refused(outcome)

    def crash(self, text):
        with self.lock:
            self.crashes.append(text)

    def other(self, outcome):
        with self.lock:
            if outcome.cut:
                self.counts["cut other"] += 1
            elif not 200 <= outcome.status < 300:
                self._refused(outcome)


def guarded(work):
    """`work` run in a thread: an exception in it breaks the trial's barrier, and is kept."""
    def run(*args):
        ready = args[2]
        try:
            work(*args)
        except Exception as error:  # noqa: BLE001 - the main thread reports it
            args[1].crash(f"{work.__name__}: {error!r}")
            ready.abort()
    return run


def tablet_worker(tablet, ledger, ready, stop, rng):
    """Sends the outbox's marks again, then marks until the server is gone."""
    for mark in list(tablet.outbox):
        outcome = tablet.send(mark)
        ledger.mark(mark, outcome, again=True)
        if outcome.cut:
            break
    ready.wait()
    while not stop.is_set():
        mark = tablet.roll_mark() if rng.random() < ROLL_SHARE else tablet.homework_mark()
        if mark is None:
            mark = tablet.roll_mark()
        outcome = tablet.send(mark)
        ledger.mark(mark, outcome, again=False)
        if outcome.cut:
            return


def family_worker(family, ledger, ready, stop, rng):
    """Reads the portal, then books, cancels, books... until the server is gone."""
    ledger.other(family.sync())
    ready.wait()
    while not stop.is_set():
        if family.active:
            booking_id = family.active[0]
            ledger.cancel_attempt(booking_id)
            outcome = family.cancel(booking_id)
            ledger.cancel(booking_id, outcome)
        else:
            booking = family.booking()
            outcome = family.book(booking)
            ledger.book(booking, outcome)
        if outcome.cut:
            return
        time.sleep(rng.uniform(*FAMILY_PAUSE))


def check(path, ledger, slots, only_trial=None):
    """Reads the database at `path` and says what is wrong: (counts, problems). Checks the
    writes acknowledged in `only_trial` (every trial's when None) and, always, the whole
    database's consistency for the entities the load writes."""
    problems = collections.defaultdict(list)
    counts = collections.Counter()

    def problem(kind, text):
        counts[kind] += 1
        if len(problems[kind]) < 8:
            problems[kind].append(text)

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=30)
    try:
        con.execute("BEGIN")
        integrity = [row[0] for row in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problem("integrity", "; ".join(integrity[:5]))
        dangling = con.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            problem("integrity", f"foreign_key_check: {len(dangling)} rows point at nothing, "
                                 f"e.g. {dangling[:3]}")
        rolls = {(b, night): rid for rid, b, night in
                 con.execute("SELECT id, building_id, night FROM roll_call")}
        tablet = {row[0]: row for row in con.execute(
            "SELECT id, entity, entity_id, made_ms, sent_ms, applied FROM tablet_mark")}
        audits = con.execute(
            """SELECT id, entity, entity_id, action,
                      json_extract(after_json, '$.made_ms'), json_extract(after_json, '$.sent_ms'),
                      json_extract(after_json, '$.status'), json_extract(after_json, '$.reason'),
                      json_extract(after_json, '$.dated_at')
               FROM audit_log WHERE entity IN ('roll_mark', 'attendance') ORDER BY id""").fetchall()
        roll_rows = {f"{r}:{p}": (status, at) for r, p, status, at in con.execute(
            "SELECT roll_call_id, resident_id, status, marked_at FROM roll_mark")}
        attendance_rows = {f"{c}/{d}/{p}": (status, reason, at) for c, d, p, status, reason, at in
                           con.execute("SELECT class_id, day, resident_id, status, reason, "
                                       "marked_at FROM attendance")}
        slots_sql = ",".join(str(int(s)) for s in slots)
        bookings = {row[0]: row for row in con.execute(
            f"""SELECT id, slot_id, family_id, contact_id, adults, meal_heads, status, notice
                FROM visit_booking WHERE slot_id IN ({slots_sql})""")}
        children = collections.defaultdict(set)
        for booking_id, resident in con.execute(
                f"""SELECT c.booking_id, c.resident_id FROM visit_booking_child c
                    JOIN visit_booking b ON b.id = c.booking_id WHERE b.slot_id IN ({slots_sql})"""):
            children[booking_id].add(resident)
        booking_audits = con.execute(
            """SELECT id, CAST(entity_id AS INTEGER), action, actor_kind, actor_id,
                      json_extract(after_json, '$.slot_id')
               FROM audit_log WHERE entity = 'visit_booking' ORDER BY id""").fetchall()
        extras = {row[0]: row for row in con.execute(
            "SELECT id, source, heads FROM extra_heads WHERE source LIKE 'visit_booking:%'")}
        extra_audits = con.execute(
            """SELECT CAST(entity_id AS INTEGER), action,
                      json_extract(coalesce(after_json, before_json), '$.source')
               FROM audit_log WHERE entity = 'extra_heads'""").fetchall()
        con.execute("COMMIT")
    finally:
        con.close()

    # Tablet marks and their audit entries, both ways.
    by_made = collections.defaultdict(list)
    for audit in audits:
        if audit[4] is not None:
            by_made[(audit[1], audit[2], audit[4])].append(audit)
    tablet_keys = {(row[1], row[2], row[3], row[4]) for row in tablet.values()}
    for mark_id, entity, entity_id, made_ms, sent_ms, applied in tablet.values():
        if not mark_id.startswith(MARK_ID_PREFIX):
            continue
        entries = [a for a in by_made.get((entity, entity_id, made_ms), []) if a[5] == sent_ms]
        action = "mark" if applied else "mark_older"
        if len(entries) != 1 or entries[0][3] != action:
            problem("half", f"tablet mark {mark_id} ({entity} {entity_id}, applied={applied}) "
                            f"has {len(entries)} audit entries {[a[3] for a in entries]}")
    for audit in audits:
        if audit[4] is not None and (audit[1], audit[2], audit[4], audit[5]) not in tablet_keys:
            problem("half", f"audit entry {audit[0]} ({audit[1]} {audit[2]} {audit[3]}, made_ms "
                            f"{audit[4]}) has no tablet_mark row")
    # Each row a tablet marked holds its last audited mark.
    last = {}
    touched = set()
    for audit in audits:
        if audit[3] == "mark":
            last[(audit[1], audit[2])] = audit
        if audit[4] is not None:
            touched.add((audit[1], audit[2]))
    for entity, entity_id in touched:
        audit = last.get((entity, entity_id))
        if audit is None:
            continue
        status, reason, dated = audit[6], audit[7] or "", audit[8]
        if entity == "roll_mark":
            row = roll_rows.get(entity_id)
            have = row and (row[0], row[1] if dated is not None else None)
            want = (status, dated)
        else:
            row = attendance_rows.get(entity_id)
            have = row and (row[0], row[1], row[2] if dated is not None else None)
            want = (status, reason, dated)
        if have != want:
            problem("half", f"{entity} {entity_id} holds {have}, its last audit entry "
                            f"({audit[0]}) says {want}")

    # The acknowledged marks.
    for mark in ledger.marks.values():
        if only_trial is not None and mark["trial"] != only_trial:
            continue
        counts["checked"] += 1
        row = tablet.get(mark["id"])
        if row is None:
            problem("lost", f"acknowledged {mark['kind']} mark {mark['id']} (trial "
                            f"{mark['trial']}, answered {mark['recorded']!r}) has no tablet_mark row")
            continue
        if mark["kind"] == "roll":
            roll = rolls.get((mark["building_id"], mark["night"]))
            want = ("roll_mark", f"{roll}:{mark['resident_id']}")
        else:
            want = ("attendance", f"{mark['class_id']}/{mark['day']}/{mark['resident_id']}")
        applied = {"applied": 1, "older": 0}.get(mark["recorded"], row[5])
        if (row[1], row[2]) != want or row[3] != mark["made_ms"] or row[4] not in mark["sent_ms"] \
                or row[5] != applied:
            problem("wrong", f"mark {mark['id']}: stored {row[1:]} for {want}, made "
                             f"{mark['made_ms']}, answered {mark['recorded']!r}")
        entries = [a for a in by_made.get((row[1], row[2], row[3]), []) if a[5] == row[4]]
        if not entries:
            problem("lost", f"acknowledged mark {mark['id']} has no audit entry")
        elif entries[0][6] != mark["status"] or (mark["kind"] == "homework"
                                                  and (entries[0][7] or "") != mark["reason"]):
            problem("wrong", f"mark {mark['id']} ({mark['status']}) audited as {entries[0][6:8]}")

    # Bookings on the load's slots: each with its child, its creation's audit entry, its
    # cancellation's when cancelled, and its meal heads while it holds a place.
    created = collections.defaultdict(list)
    cancelled = collections.defaultdict(list)
    for audit_id, booking_id, action, actor_kind, actor_id, slot in booking_audits:
        if action in ("create", "move"):
            created[booking_id].append((actor_kind, actor_id))
            if slot in slots and booking_id not in bookings:
                problem("half", f"audit entry {audit_id} creates booking {booking_id}, "
                                "which does not exist")
        elif action == "cancel":
            cancelled[booking_id].append(audit_id)
    sources = collections.defaultdict(list)
    for extra_id, source, heads in extras.values():
        sources[source].append((extra_id, heads))
    # Keyed by id and source: SQLite gives a deleted last row's id to the next row, so one
    # extra_heads id may name several records over time (each booking's source once).
    extra_created = collections.Counter()
    extra_deleted = collections.Counter()
    for extra_id, action, source in extra_audits:
        if action == "create":
            extra_created[(extra_id, source)] += 1
        elif action == "delete":
            extra_deleted[(extra_id, source)] += 1
    ours = {f"visit_booking:{b}" for b in bookings}
    for booking_id, (_, slot, family, contact, adults, meal_heads, status, notice) in \
            bookings.items():
        if len(created[booking_id]) != 1:
            problem("half", f"booking {booking_id} has {len(created[booking_id])} creation "
                            "audit entries")
        if not children[booking_id]:
            problem("half", f"booking {booking_id} has no child")
        if (status == "cancelled") != (len(cancelled[booking_id]) == 1) or \
                len(cancelled[booking_id]) > 1:
            problem("half", f"booking {booking_id} is {status} with "
                            f"{len(cancelled[booking_id])} cancellation audit entries")
        held = sources.get(f"visit_booking:{booking_id}", [])
        want = [meal_heads] if status in ACTIVE and meal_heads > 0 else []
        if sorted(h for _, h in held) != want:
            problem("half", f"booking {booking_id} ({status}, {meal_heads} for the meal) has "
                            f"extra heads {held}")
    keys = set(extra_created) | set(extra_deleted) | {(row[0], row[1]) for row in extras.values()}
    for extra_id, source in keys:
        if source not in ours:
            continue
        exists = extra_id in extras and extras[extra_id][1] == source
        created_n, deleted_n = extra_created[(extra_id, source)], extra_deleted[(extra_id, source)]
        if created_n != 1 or deleted_n != (0 if exists else 1):
            problem("half", f"extra heads {extra_id} ({source}, {'there' if exists else 'gone'}) "
                            f"have {created_n} creation and {deleted_n} removal audit entries")

    for booking_id, booking in ledger.bookings.items():
        if only_trial is not None and booking["trial"] != only_trial:
            continue
        counts["checked"] += 1
        row = bookings.get(booking_id)
        if row is None:
            problem("lost", f"acknowledged booking {booking_id} (trial {booking['trial']}) "
                            "is not in the database")
            continue
        _, slot, family, contact, adults, meal_heads, status, notice = row
        if (slot, family, contact, adults, meal_heads) != (
                booking["slot"], booking["family"], booking["contact"], booking["adults"],
                booking["meal_heads"]) or children[booking_id] != {booking["child"]}:
            problem("wrong", f"booking {booking_id} stored as {row[1:6]} "
                             f"{sorted(children[booking_id])}, asked {booking}")
        if created[booking_id] != [("family", family)]:
            problem("lost", f"acknowledged booking {booking_id} has creation audit entries "
                            f"{created[booking_id]}")
        if status not in ACTIVE and booking_id not in ledger.cancel_attempts:
            problem("wrong", f"booking {booking_id} is {status}, and its family never "
                             "cancelled it")
    for booking_id, trial in ledger.cancels.items():
        if only_trial is not None and trial != only_trial:
            continue
        counts["checked"] += 1
        row = bookings.get(booking_id)
        if row is None or row[6] != "cancelled" or row[7] != "by_family":
            problem("lost", f"acknowledged cancellation of booking {booking_id} (trial {trial}):"
                            f" the booking is {row and row[6:8]}")
        elif len(cancelled[booking_id]) != 1:
            problem("lost", f"acknowledged cancellation of booking {booking_id} has "
                            f"{len(cancelled[booking_id])} audit entries")
    counts["tablet marks in db"] = sum(1 for m in tablet if m.startswith(MARK_ID_PREFIX))
    counts["bookings in db"] = len(bookings)
    return counts, problems


def tail(path, lines=30):
    try:
        with open(path, errors="replace") as file:
            return "".join(file.readlines()[-lines:])
    except OSError:
        return ""


def main():
    rng = random.Random(SEED)
    data = tempfile.mkdtemp(prefix="faults-")
    database = os.path.join(data, "faults.db")
    log_path = os.path.join(data, "server.log")
    log = open(log_path, "a")
    server = Server(PORT, database)
    print(f"faults: {TRIALS} trials, {TABLETS} tablets, {FAMILIES} families, seed {SEED}, "
          f"server {server.binary}, data in {data}", flush=True)
    seeded = server.run("seed-demo")
    if seeded.returncode:
        sys.exit(f"seed-demo failed: {seeded.stderr}")
    failed = []
    totals = collections.Counter()
    slowest = 0.0
    try:
        server.start(stderr=log)
        server.wait_ready()
        plan = loadlib.prepare(PORT, families=FAMILIES, seed=SEED)
        slots = plan["visit_day"]["slots"]
        pairs = [(s["class_id"], s["day"], int(r)) for s in plan["sessions"] for r in s["rows"]]
        rng.shuffle(pairs)
        tablets = [Tablet(client, plan, pairs[n::TABLETS], random.Random(rng.random()))
                   for n, client in enumerate(loadlib.sign_in_tablets(PORT, TABLETS))]
        families = [Family(client, plan, info, random.Random(rng.random())) for client, info in
                    zip(loadlib.sign_in_families(PORT, plan), plan["families"])]
        ledger = Ledger()
        for trial in range(1, TRIALS + 1):
            ledger.start(trial)
            for actor in tablets + families:
                actor.client.close()
            ready = threading.Barrier(len(tablets) + len(families) + 1)
            stop = threading.Event()
            threads = [threading.Thread(target=guarded(tablet_worker), daemon=True,
                                        args=(t, ledger, ready, stop, random.Random(rng.random())))
                       for t in tablets]
            threads += [threading.Thread(target=guarded(family_worker), daemon=True,
                                         args=(f, ledger, ready, stop, random.Random(rng.random())))
                        for f in families]
            for thread in threads:
                thread.start()
            try:
                ready.wait(timeout=120)
            except threading.BrokenBarrierError:
                server.kill(signal.SIGKILL)
                stop.set()
                for thread in threads:
                    thread.join(60)
                failed.append(f"trial {trial}: the clients could not start: {ledger.crashes}")
                break
            after = rng.uniform(*KILL_AFTER)
            time.sleep(after)
            server.kill(signal.SIGKILL)
            stop.set()
            for thread in threads:
                thread.join(60)
            if any(thread.is_alive() for thread in threads) or ledger.crashes:
                failed.append(f"trial {trial}: a client still waits a minute after the kill, "
                              f"or failed: {ledger.crashes}")
                break
            server.start(stderr=log)
            try:
                ready_in = server.wait_ready(timeout=30)
            except RuntimeError as error:
                failed.append(f"trial {trial}: the server did not come back: {error}")
                print(tail(log_path), file=sys.stderr)
                break
            slowest = max(slowest, ready_in)
            counts, problems = check(database, ledger, slots, only_trial=trial)
            c = ledger.counts
            acked = sum(v for k, v in c.items() if k.startswith("acked"))
            cut = sum(v for k, v in c.items() if k.startswith("cut"))
            refused = sum(ledger.refusals.values())
            errors = sum(v for (_, status), v in ledger.refusals.items() if status >= 500)
            totals.update(c)
            totals.update({"acknowledged": acked, "cut": cut, "refused": refused,
                           "errors": errors, "checked": counts["checked"],
                           "lost": counts["lost"], "wrong": counts["wrong"],
                           "half": counts["half"], "integrity": counts["integrity"]})
            slow = ready_in > READY_WITHIN
            totals["slow restarts"] += slow
            print(f"trial {trial:3d}/{TRIALS}: killed after {after:.2f} s; acknowledged {acked} "
                  f"(roll {c['acked roll']}, homework {c['acked homework']}, "
                  f"book {c['acked book']}, cancel {c['acked cancel']}); "
                  f"cut by the kill {cut}; refused {refused}; resent {c['resent']} "
                  f"({c['resent already there']} already there); "
                  f"ready again in {ready_in:.2f} s; checked {counts['checked']}: "
                  f"lost {counts['lost']}, wrong {counts['wrong']}, half there {counts['half']}, "
                  f"integrity {'ok' if not counts['integrity'] else 'FAILED'}", flush=True)
            print_problems(problems)
            if ledger.refusals:
                print("    refused: " + ", ".join(f"{action} {status} x{n}" for
                                                   (action, status), n in
                                                   sorted(ledger.refusals.items())), flush=True)
            for text in ledger.errors + ledger.anomalies:
                print(f"    !! {text}", flush=True)
            totals["anomalies"] += len(ledger.anomalies)
            if slow:
                print(f"    !! the server took {ready_in:.2f} s (> {READY_WITHIN} s) to be ready",
                      flush=True)

        # The end: what the last kill cut is sent again, then every acknowledged write of
        # every trial is checked once more.
        if not failed:
            ledger.start("final")
            for tablet in tablets:
                tablet.client.close()
                for mark in list(tablet.outbox):
                    ledger.mark(mark, tablet.send(mark), again=True)
            for family in families:
                family.client.close()
            counts, problems = check(database, ledger, slots)
            totals["resent"] += ledger.counts["resent"]
            print(f"final check of all {TRIALS} trials (after sending the last cut marks again, "
                  f"{ledger.counts['resent']}): checked {counts['checked']} acknowledged writes "
                  f"({len(ledger.marks)} marks, {len(ledger.bookings)} bookings, "
                  f"{len(ledger.cancels)} cancellations); {counts['tablet marks in db']} tablet "
                  f"marks and {counts['bookings in db']} bookings in the database; lost "
                  f"{counts['lost']}, wrong {counts['wrong']}, half there {counts['half']}, "
                  f"integrity {'ok' if not counts['integrity'] else 'FAILED'}", flush=True)
            print_problems(problems)
            for key in ("lost", "wrong", "half", "integrity"):
                totals[key] += counts[key]
            totals["anomalies"] += len(ledger.anomalies)
    finally:
        server.stop()
        log.close()

    print()
    print(f"trials {TRIALS}; writes acknowledged {totals['acknowledged']} "
          f"(roll marks {totals['acked roll']}, homework marks {totals['acked homework']}, "
          f"bookings {totals['acked book']}, cancellations {totals['acked cancel']}); "
          f"cut by the kill (unacknowledged) {totals['cut']}; refused by the rules "
          f"{totals['refused'] - totals['errors']}; marks sent again {totals['resent']}")
    print(f"checked {totals['checked']} (each trial's) + the final check; lost {totals['lost']}; "
          f"wrong {totals['wrong']}; half there {totals['half']}; integrity failures "
          f"{totals['integrity']}; 5xx answers {totals['errors']}; slowest restart "
          f"{slowest:.2f} s (limit {READY_WITHIN} s, {totals['slow restarts']} over)")
    for key, text in (("lost", "acknowledged writes lost"), ("wrong", "writes stored wrong"),
                      ("half", "changes half there"), ("integrity", "integrity failures"),
                      ("errors", "5xx answers"), ("slow restarts", "restarts over 2 s"),
                      ("anomalies", "answers that make no sense")):
        if totals[key]:
            failed.append(f"{totals[key]} {text}")
    if failed or os.environ.get("FAULT_KEEP") == "1":
        print(f"database and server log kept in {data}")
    else:
        shutil.rmtree(data, ignore_errors=True)
    if failed:
        print("FAIL: " + "; ".join(failed))
        sys.exit(1)
    print("ok: every acknowledged write survived every kill, whole")


if __name__ == "__main__":
    main()

"""What the load, fault and soak scripts share: a release server on a database of its own,
the server's CPU and memory read from /proc, and a small HTTP client that signs in and
writes through the same forms and endpoints the tablets and phones use. For the fault and
soak scripts also: a demo database made ready for many writers (`prepare`), and the tablets
and family phones that write to it (`Tablet`, `Family`).

Python's standard library only: the scripts run on a fresh machine with nothing else.
"""

import http.client
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import uuid
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")


def accounts():
    with open(os.path.join(ROOT, "demo", "accounts.json")) as file:
        return json.load(file)


def password(login):
    return next(s["password"] for s in accounts()["staff"] if s["login"] == login)


class Server:
    """The release server (`SERVER`, else target/release/server) on `database`, port `port`."""

    def __init__(self, port, database, log="warn", extra_env=None, binary=None):
        self.port = port
        self.database = database
        self.binary = binary or os.environ.get("SERVER") or os.path.join(ROOT, "target/release/server")
        self.env = dict(os.environ)
        self.env.update({
            "DATABASE_URL": f"sqlite://{database}",
            "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}",
            "LEPTOS_SITE_ROOT": os.environ.get("SITE") or os.path.join(ROOT, "target/site"),
            "DEMO_ACCOUNTS": os.path.join(ROOT, "demo/accounts.json"),
            "RUST_LOG": log,
        })
        self.env.update(extra_env or {})
        self.process = None

    def run(self, *args):
        """Runs a command of the server binary (`seed-demo`, `restore PATH`...) to its end."""
        return subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True)

    def start(self, demo=True, stderr=None):
        args = [self.binary, "serve"] + (["--demo"] if demo else [])
        self.process = subprocess.Popen(args, env=self.env, stderr=stderr or subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL)
        self.started = time.monotonic()
        return self

    def wait_ready(self, timeout=60.0):
        """Seconds from start until /healthz answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped with status {self.process.returncode}")
            try:
                if Client(self.port).get("/healthz")[0] == 200:
                    return time.monotonic() - self.started
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"the server did not answer on port {self.port} in {timeout} s")

    @property
    def pid(self):
        return self.process.pid

    def cpu_seconds(self):
        """User and system CPU the server has used so far."""
        with open(f"/proc/{self.pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def memory_mb(self):
        """Resident memory now (VmRSS), in MB."""
        with open(f"/proc/{self.pid}/status") as file:
            for line in file:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait()

    def stop(self):
        self.kill(signal.SIGTERM)


class Client:
    """One browser or phone: its own keep-alive connection and cookies."""

    def __init__(self, port, timeout=30.0, address=None):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.timeout = timeout
        self.cookies = {"lang": "km"}
        self.address = address
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body text). Reconnects once when a kept connection was closed."""
        head = {"Origin": self.origin, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.address:
            head["X-Forwarded-For"] = self.address
        head.update(headers or {})
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=body, headers=head)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                self.connection = None
                if attempt or method != "GET":
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, json_answer=True):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if json_answer:
            headers["Accept"] = "application/json"
        return self.request("POST", path, urllib.parse.urlencode(fields), headers)

    def close(self):
        if self.connection:
            self.connection.close()
            self.connection = None

    def sign_in_staff(self, login):
        status, _, body = self.post("/api/log_in", {"login": login, "password": password(login), "back": "/"})
        if status >= 400 or "sid" not in self.cookies:
            raise RuntimeError(f"{login} could not sign in: {status} {body[:200]}")
        return self

    def sign_in_family(self, phone, pin):
        status, _, body = self.post("/api/log_in", {"login": phone, "password": pin, "back": "/family"})
        if status >= 400 or "sid" not in self.cookies:
            raise RuntimeError(f"family {phone} could not sign in: {status} {body[:200]}")
        return self

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def ids(html, prefix):
    """The numbers of the elements `id="<prefix><n>"` on a page, in order."""
    return [int(n) for n in re.findall(rf'id="{prefix}(\d+)"', html)]


# ---------------------------------------------------------------------------------------------
# Many writers at once (scripts/faults.py, scripts/soak.py): a demo database made ready for
# them through the HTTP API, and the tablets and family phones that write to it.

# The families made for the load sign in with this prefix, which no demo family uses.
LOAD_PHONE_PREFIX = "018"
# Every mark a simulated tablet sends has an id starting with this.
MARK_ID_PREFIX = "load-"
# Places in each slot of the load's visit day: far more than the families can hold at once.
SLOT_PLACES = 200
HOMEWORK_STATUSES = ("present", "absent", "late", "excused")


def api(client, endpoint, fields=None):
    """POST /api/<endpoint> as a script would: (status, headers, the JSON answer or None)."""
    status, headers, body = client.post(f"/api/{endpoint}", fields or {})
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    return status, headers, data


def must(answer, what):
    """The headers and JSON of a successful answer; stops with `what` on any other."""
    status, headers, data = answer
    if not 200 <= status < 300:
        raise RuntimeError(f"{what}: {status} {data}")
    return headers, data


def random_pin(rng):
    """A PIN the social team may set: six digits, not one repeated nor a run."""
    while True:
        pin = f"{rng.randrange(10**6):06d}"
        steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
        if not (len(steps) == 1 and abs(steps.pop()) <= 1):
            return pin


def prepare(port, families=50, seed=0, log=print):
    """Makes a freshly seeded demo database ready for many writers, through the HTTP API as
    the house staff and the social team would: reads tonight's rolls and homework sessions,
    publishes a visit day in two months with three slots of `SLOT_PLACES` places (and the
    day's meal), and creates `families` family accounts (phone 018…, a PIN each), each with
    a contact holding the phone, linked to a child of its own (up to 8 visits a month, no
    approval) whom that contact is allowed to visit. Returns the plan as plain data."""
    rng = random.Random(seed)
    house = Client(port).sign_in_staff("house")
    social = Client(port).sign_in_staff("social")

    _, overview = must(api(house, "roll_overview", {"night": ""}), "roll overview")
    night = overview["night"]
    rolls = {}
    for building in overview["buildings"]:
        if building["closed"]:
            continue
        b = building["building_id"]
        _, page = must(api(house, "get_roll_call", {"building_id": b, "night": night}), f"roll {b}")
        # The residents' rows (a camper in a lent bed is `{"Camper": id}`).
        rows = [r["who"]["Resident"] for r in page["roll"]["rows"]
                if r["away"] is None and "Resident" in r["who"]]
        if page["can_mark"] and rows:
            rolls[str(b)] = rows
    if not rolls:
        raise RuntimeError("no roll can be marked tonight")

    _, tonight = must(api(house, "get_tonight"), "tonight's homework")
    today = tonight["today"]
    sessions = []
    for session in tonight["sessions"]:
        if session["cancelled"] is not None:
            continue
        class_id = session["class"]["id"]
        _, page = must(api(house, "get_session", {"class_id": class_id, "day": today}),
                       f"homework session {class_id}")
        if not page["can_mark"]:
            continue
        rows = {str(r["resident_id"]): (r["status"] or "").lower()
                for r in page["rows"] if r["away"] is None}
        if rows:
            sessions.append({"class_id": class_id, "day": today, "rows": rows})

    # The visit day: in two months (a month without the demo's bookings), the first free date.
    _, _, visits_page = social.get("/visits")
    meals = re.findall(r'<option value="(\d+)"', visits_page.split('name="form[meal]"', 1)[-1]
                       .split("</select>", 1)[0])
    meal = "2" if "2" in meals else (meals[0] if meals else "")
    day = date.fromisoformat(today) + timedelta(days=70)
    day_id = None
    for _ in range(60):
        status, headers, data = api(social, "save_visit_day", {
            "id": 0, "form[day]": day.isoformat(), "form[opens_on]": today,
            "form[closes_on]": (day - timedelta(days=1)).isoformat(), "form[closes_time]": "17:00",
            "form[max_adults]": "4", "form[meal]": meal, "form[note]": "Load test visit day"})
        if status == 200:
            day_id = int(re.search(r"/visits/days/(\d+)", headers["Location"]).group(1))
            break
        if status not in (409, 422):
            raise RuntimeError(f"cannot publish a visit day: {status} {data}")
        day += timedelta(days=1)
    if day_id is None:
        raise RuntimeError("no free date for the load's visit day")
    for starts, ends in (("08:00", "09:30"), ("09:30", "11:00"), ("14:00", "15:30")):
        must(api(social, "save_slot", {"day": day_id, "slot": 0, "starts_at": starts,
                                       "ends_at": ends, "capacity": SLOT_PLACES}), "a slot")
    _, visit_day = must(api(social, "get_visit_day", {"id": day_id}), "the visit day")
    slots = [slot["id"] for slot in visit_day["day"]["slots"]]

    children = [r for rows in rolls.values() for r in rows]
    if len(children) < families:
        raise RuntimeError(f"only {len(children)} children for {families} families")
    children = rng.sample(children, families)
    made = []
    for n, child in enumerate(children, 1):
        phone, pin = f"{LOAD_PHONE_PREFIX}{n:06d}", random_pin(rng)
        headers, _ = must(api(social, "create_family", {
            "display_name": f"Load family {n}", "phone": phone, "pin": pin}), f"family {n}")
        family = int(re.search(r"/families/(\d+)", headers["Location"]).group(1))
        must(api(social, "save_contact", {
            "family": family, "contact": 0, "name_km": f"ម្ដាយ {n}", "name_latin": f"Load mother {n}",
            "relationship": "mother", "phone": phone, "id_document": ""}), f"family {n}'s contact")
        _, visits = must(api(social, "get_family_visits", {"id": family}), f"family {n}")
        contact = visits["contacts"][0]["id"]
        must(api(social, "link_child", {"family": family, "resident": child,
                                        "visits_per_month": "8"}), f"family {n}'s child")
        must(api(social, "set_permission", {
            "family": family, "contact": contact, "resident": child, "level": "allowed",
            "reason": "Load test: assessed by the social team", "decided_on": today}),
            f"family {n}'s permission")
        made.append({"id": family, "phone": phone, "pin": pin, "contact": contact, "child": child})
    log(f"prepared: {sum(len(r) for r in rolls.values())} residents on {len(rolls)} rolls "
        f"(night {night}), {sum(len(s['rows']) for s in sessions)} pupils in {len(sessions)} "
        f"homework sessions, visit day {day} (id {day_id}) with slots {slots}, "
        f"{len(made)} families")
    return {"night": night, "today": today, "rolls": rolls, "sessions": sessions,
            "visit_day": {"id": day_id, "day": day.isoformat(), "slots": slots, "meal": meal},
            "families": made}


def sign_in_tablets(port, count, login="house"):
    """`count` tablets, each its own session of `login`, signed in one after another."""
    return [Client(port).sign_in_staff(login) for _ in range(count)]


def sign_in_families(port, plan):
    """A phone signed in for each family of `plan`, one after another."""
    return [Client(port).sign_in_family(f["phone"], f["pin"]) for f in plan["families"]]


def now_ms():
    return int(time.time() * 1000)


class Stamps:
    """Times a tablet's clock gives its marks (Unix ms), each used once across all tablets:
    a mark's audit entry keeps its `made_ms`, which so names it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last = 0

    def next(self):
        with self.lock:
            self.last = max(self.last + 1, now_ms())
            return self.last


STAMPS = Stamps()


class Outcome:
    """What became of one request: its HTTP status (None when the connection failed), how
    long it took, the answer's headers and JSON, or the connection error."""

    __slots__ = ("action", "status", "seconds", "headers", "data", "error")

    def __init__(self, action, status, seconds, headers=None, data=None, error=None):
        self.action, self.status, self.seconds = action, status, seconds
        self.headers, self.data, self.error = headers, data, error

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 400

    @property
    def cut(self):
        """The connection failed: no answer, so the write may or may not have happened."""
        return self.status is None


def attempt(client, action, method, path, fields=None):
    """One request, timed; a connection error is an Outcome too (and the connection closed)."""
    started = time.monotonic()
    try:
        if method == "GET":
            status, headers, body = client.get(path)
            data = None
        else:
            status, headers, data = api(client, path, fields)
    except (OSError, http.client.HTTPException) as error:
        client.close()
        return Outcome(action, None, time.monotonic() - started, error=error)
    return Outcome(action, status, time.monotonic() - started, headers, data)


class Tablet:
    """A house parent's tablet: marks the roll of any building and the homework attendance
    of `pairs` ((class, day, resident) it owns), each mark named by its outbox (a mark id and
    the times it was made and sent). A mark whose answer never came stays in the outbox and
    is sent again, as the real outbox does. With `track`, it knows each owned pupil's mark
    (from the answers) and only sends marks that change it, so that every homework mark is a
    change with its audit entry."""

    def __init__(self, client, plan, pairs, rng, track=True):
        self.client, self.plan, self.rng, self.track = client, plan, rng, track
        self.night = plan["night"]
        self.roll = [(int(b), r) for b, rows in plan["rolls"].items() for r in rows]
        self.pairs = list(pairs)
        self.state = {}
        for session in plan["sessions"]:
            for resident, status in session["rows"].items():
                self.state[(session["class_id"], session["day"], int(resident))] = status
        self.outbox = []
        self.reasons = 0

    def roll_mark(self):
        building, resident = self.rng.choice(self.roll)
        made = STAMPS.next()
        # Most marks are sent at once; some waited on the tablet (a moment without network).
        wait = 0 if self.rng.random() < 0.7 else self.rng.randint(100, 5000)
        return {"kind": "roll", "id": MARK_ID_PREFIX + uuid.uuid4().hex, "made_ms": made,
                "wait_ms": wait, "building_id": building, "night": self.night,
                "resident_id": resident,
                "status": "missing" if self.rng.random() < 0.15 else "present"}

    def homework_mark(self):
        pending = {m["pair"] for m in self.outbox if m["kind"] == "homework"}
        free = [p for p in self.pairs if p not in pending]
        if not free:
            return None
        pair = self.rng.choice(free)
        current = self.state.get(pair) if self.track else None
        status = self.rng.choice([s for s in HOMEWORK_STATUSES if s != current])
        reason = ""
        if status == "excused":
            self.reasons += 1
            reason = f"Load test excuse {self.reasons}"
        class_id, day, resident = pair
        return {"kind": "homework", "id": MARK_ID_PREFIX + uuid.uuid4().hex,
                "made_ms": STAMPS.next(), "wait_ms": 0, "pair": pair, "class_id": class_id,
                "day": day, "resident_id": resident, "status": status, "reason": reason}

    def send(self, mark):
        """Sends `mark` (again, if it is in the outbox) and keeps it there until answered."""
        again = mark in self.outbox
        sent = mark["made_ms"] + mark["wait_ms"]
        if again:
            sent = max(sent, now_ms())
        mark.setdefault("sent_ms", []).append(sent)
        fields = {"sent[mark_id]": mark["id"], "sent[made_ms]": mark["made_ms"],
                  "sent[sent_ms]": sent}
        if mark["kind"] == "roll":
            fields.update(building_id=mark["building_id"], night=mark["night"],
                          resident_id=mark["resident_id"], mark=mark["status"])
            outcome = attempt(self.client, "roll mark", "POST", "mark_roll", fields)
        else:
            fields.update(class_id=mark["class_id"], day=mark["day"],
                          resident_id=mark["resident_id"], status=mark["status"],
                          reason=mark["reason"], confirm="1")
            outcome = attempt(self.client, "homework mark", "POST", "mark_attendance", fields)
        if outcome.cut:
            if not again:
                self.outbox.append(mark)
            return outcome
        if again:
            self.outbox.remove(mark)
        if outcome.ok and mark["kind"] == "homework" and isinstance(outcome.data, dict):
            # Every row of the session as now recorded: the owned pupils' marks.
            class_id, day, _ = mark["pair"]
            for row in outcome.data.get("rows", []):
                if row.get("id", "").startswith("p"):
                    self.state[(class_id, day, int(row["id"][1:]))] = row.get("pressed", "")
        return outcome

    def open_roll(self):
        building = self.rng.choice(list(self.plan["rolls"]))
        return attempt(self.client, "roll page", "GET", f"/roll/{building}")

    def open_session(self):
        if not self.plan["sessions"]:
            return self.open_homework()
        session = self.rng.choice(self.plan["sessions"])
        return attempt(self.client, "homework session page", "GET",
                       f"/homework/session/{session['class_id']}?day={session['day']}")

    def open_homework(self):
        return attempt(self.client, "homework page", "GET", "/homework")

    def open_dashboard(self):
        return attempt(self.client, "dashboard", "GET", "/")


class Family:
    """A family's phone: books a visit on the load's visit day for its child, cancels it,
    books again. Knows which of its bookings hold a place from its portal (`sync`) and from
    the answers."""

    def __init__(self, client, plan, info, rng):
        self.client, self.plan, self.info, self.rng = client, plan, info, rng
        self.slots = plan["visit_day"]["slots"]
        self.active = []

    def sync(self):
        outcome = attempt(self.client, "portal data", "POST", "get_portal")
        if outcome.status == 200 and isinstance(outcome.data, dict):
            self.active = [b["booking"]["id"] for b in outcome.data.get("bookings", [])
                           if b["booking"]["slot_id"] in self.slots
                           and b["booking"]["status"] in ("Pending", "Confirmed")]
        return outcome

    def booking(self):
        adults = self.rng.randint(1, 4)
        return {"family": self.info["id"], "slot": self.rng.choice(self.slots),
                "child": self.info["child"], "contact": self.info["contact"], "adults": adults,
                "meal_heads": self.rng.randint(0, adults) if self.plan["visit_day"]["meal"] else 0}

    def book(self, booking):
        """Books `booking`; on success its id is `booking["id"]`."""
        fields = {"form[slot]": booking["slot"], "form[family]": "", "form[moving]": "",
                  f"form[child][{booking['child']}]": "on", "form[contact]": booking["contact"],
                  "form[adults]": booking["adults"], "form[meal_heads]": booking["meal_heads"]}
        outcome = attempt(self.client, "booking", "POST", "book_visit", fields)
        if outcome.ok:
            found = re.search(r"[?&]booked=(\d+)", outcome.headers.get("Location") or "")
            if found:
                booking["id"] = int(found.group(1))
                self.active.append(booking["id"])
        return outcome

    def cancel(self, booking_id):
        outcome = attempt(self.client, "cancellation", "POST", "cancel_visit",
                          {"booking": booking_id})
        if not outcome.cut and booking_id in self.active:
            self.active.remove(booking_id)
        return outcome

    def open_portal(self):
        return attempt(self.client, "portal page", "GET", "/family")

    def open_booking_form(self):
        return attempt(self.client, "booking form", "GET",
                       f"/family/book?slot={self.rng.choice(self.slots)}")

// The service worker (served at /sw.js, for the whole site): it lets a tablet open tonight's
// roll call and homework pages, and a phone its camp group's day, with no network, as it last loaded them, and says on them
// "offline: figures as of HH:MM". Every other page needs the server to decide what it shows
// (the gate, bookings, permissions, a child's safety): offline, such a page is the "no network"
// page in words, never an old copy. The marks made offline are the outbox's (IndexedDB), not
// this worker's: it keeps pages and files only.
//
// The server writes its release into RELEASE: a new release installs a new worker, which
// drops the caches of the one before.
"use strict";

const RELEASE = "__RELEASE__";
// Styles, fonts, scripts, icons and the "no network" page.
const SHELL = `centre-shell-${RELEASE}`;
// The last copy of each of tonight's pages, by path.
const PAGES = `centre-pages-${RELEASE}`;
const OFFLINE = "/offline";
// The centre's clock: UTC+7 all year (Asia/Phnom_Penh).
const CENTRE_OFFSET_MS = 7 * 3600 * 1000;
// Tonight's pages: the roll call (all buildings, one building), homework (tonight's
// sessions, one session) and a camp group's day. Only these are kept and shown from a copy.
const TONIGHT = [
  /^\/roll$/,
  /^\/roll\/\d+$/,
  /^\/homework$/,
  /^\/homework\/session\/\d+$/,
  /^\/camps\/groups\/\d+$/,
];
// Files that keep their content under their name: served from the cache once kept.
const FILES = /^\/(pkg|fonts|icons)\/|^\/favicon\.svg$|^\/manifest\.webmanifest$/;

/** The day at the centre of the instant `ms`, as YYYY-MM-DD. */
function centreDay(ms) {
  return new Date(ms + CENTRE_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether `url` is one of tonight's pages: its path, and no other night or day asked for. */
function tonight(url) {
  if (!TONIGHT.some((page) => page.test(url.pathname))) return false;
  const day = url.searchParams.get("night") || url.searchParams.get("day");
  return !day || day === centreDay(Date.now());
}

/** The site's files a page or a style sheet names: its styles, scripts, fonts and icons. */
function filesIn(text) {
  const found = new Set();
  for (const match of text.matchAll(/(?:href|src)="(\/[^"?#]*)"|url\(\s*["']?(\/[^"')?#]*)/g)) {
    const path = match[1] || match[2];
    if (path && FILES.test(path)) found.add(path);
  }
  return [...found];
}

/** Keeps every file `text` names that is not kept yet, and those its style sheets name. */
async function keepFiles(text) {
  const shell = await caches.open(SHELL);
  for (const path of filesIn(text)) {
    if (await shell.match(path)) continue;
    try {
      const response = await fetch(path);
      if (!response.ok) continue;
      if (path.endsWith(".css")) await keepFiles(await response.clone().text());
      await shell.put(path, response);
    } catch {
      // Offline again: the next page loaded keeps it.
    }
  }
}

/** Keeps the "no network" page, in the language the tablet has chosen now, and its files. */
async function keepOfflinePage() {
  const response = await fetch(OFFLINE, { cache: "no-store" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await (await caches.open(SHELL)).put(OFFLINE, response);
  await keepFiles(html);
}

/** Whether `response` is a page to keep: the server's, answered in full (a redirect to sign
 * in or a refusal is not a copy to keep). */
function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

/** Keeps `response` as the last copy of tonight's page at `url`, with when it was loaded. */
async function keepCopy(url, response) {
  const html = await response.text();
  const headers = new Headers(response.headers);
  headers.set("x-copied-at", String(Date.now()));
  await (await caches.open(PAGES)).put(url.pathname, new Response(html, { headers }));
  await keepFiles(html);
}

/** "HH:MM" at the centre for the instant `ms`, in Khmer digits on a Khmer page. */
function clock(ms, khmer) {
  const time = new Date(ms + CENTRE_OFFSET_MS).toISOString().slice(11, 16);
  return khmer ? time.replace(/\d/g, (d) => "០១២៣៤៥៦៧៨៩"[d]) : time;
}

/** The page `headers` came with, to send `body` in its place (decoded, its length changed). */
function sameHeaders(headers) {
  const copy = new Headers(headers);
  copy.delete("content-length");
  copy.delete("content-encoding");
  return copy;
}

/** Tonight's page at `url` from its last copy, saying when that was; none if it has none
 * from today. */
async function fromCopy(url) {
  const copy = await (await caches.open(PAGES)).match(url.pathname);
  const at = Number(copy?.headers.get("x-copied-at"));
  if (!copy || !at || centreDay(at) !== centreDay(Date.now())) return null;
  const html = (await copy.text()).replace(
    /<p id="offline-copy"[^>]*?data-offline="([^"]*)"[^>]*><\/p>/,
    (_, words, offset, page) => {
      const time = clock(at, /<html[^>]*\slang="km"/.test(page.slice(0, 200)));
      return `<p id="offline-copy" class="offline-copy" role="status">${words.replace("{time}", time)}</p>`;
    },
  );
  return new Response(html, { headers: sameHeaders(copy.headers) });
}

/** The "no network" page (503). */
async function offlinePage() {
  const kept = await (await caches.open(SHELL)).match(OFFLINE);
  const body = kept ? await kept.text() : "គ្មានបណ្តាញ · No network · Pas de réseau";
  const headers = kept ? sameHeaders(kept.headers) : { "content-type": "text/plain; charset=utf-8" };
  return new Response(body, { status: 503, headers });
}

/** A page: from the server when it answers (keeping a copy of tonight's); without the
 * network, tonight's from its copy and any other as "no network". */
async function page(event, url) {
  try {
    const response = await fetch(event.request);
    if (tonight(url) && keepable(response)) {
      event.waitUntil(keepCopy(url, response.clone()));
    }
    return response;
  } catch (offline) {
    return (tonight(url) && (await fromCopy(url))) || offlinePage();
  }
}

/** A file: from the cache once kept. */
async function file(request, url) {
  const shell = await caches.open(SHELL);
  const kept = await shell.match(url.pathname);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await shell.put(url.pathname, response.clone());
  return response;
}

/** How many marks the tablet's outbox keeps (IndexedDB `centre`, store `outbox`, which the
 * pages' marks island makes; this never makes it). */
function marksWaiting() {
  return new Promise((resolve) => {
    const open = indexedDB.open("centre");
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = () => resolve(0);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("outbox")) {
        db.close();
        return resolve(0);
      }
      const count = db.transaction("outbox").objectStore("outbox").count();
      count.onsuccess = () => resolve(count.result);
      count.onerror = () => resolve(0);
      count.transaction.oncomplete = () => db.close();
    };
  });
}

/** Signing out: with marks waiting on this tablet, first the question (the sign-out page,
 * whose "sign out anyway" says `anyway`); then the copies of pages go with the session. */
async function signOut(request, url) {
  const waiting = url.searchParams.has("anyway") ? 0 : await marksWaiting();
  if (waiting > 0) return Response.redirect(`/sign-out?waiting=${waiting}`, 303);
  await caches.delete(PAGES);
  return fetch(request);
}

self.addEventListener("install", (event) => {
  event.waitUntil(keepOfflinePage().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("centre-") && name !== SHELL && name !== PAGES) await caches.delete(name);
      }
      await self.clients.claim();
      // The page that installed this worker loaded before it: keep a copy of it now.
      for (const client of await self.clients.matchAll({ type: "window" })) {
        const url = new URL(client.url);
        if (!tonight(url)) continue;
        try {
          const response = await fetch(url.pathname + url.search);
          if (keepable(response)) await keepCopy(url, response);
        } catch {
          // Offline already: the next load keeps it.
        }
      }
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (url.pathname === "/api/log_out") {
      event.respondWith(signOut(request, url));
    } else if (url.pathname === "/api/log_in") {
      // Whoever signs in, the copies were the last person's: gone.
      event.waitUntil(caches.delete(PAGES));
    } else if (url.pathname === "/api/set_language") {
      // Another language: the "no network" page is kept again in it.
      const answer = fetch(request);
      event.respondWith(answer);
      event.waitUntil(answer.then(keepOfflinePage).catch(() => {}));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (FILES.test(url.pathname)) {
    event.respondWith(file(request, url));
  }
});

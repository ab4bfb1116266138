// cookiegov collection hooks, installed in every frame before any page script runs.
// Reports cookie and storage writes, with the calling script's URL, to the scanner, and
// tracks short pending timers so that the scanner can wait for delayed writes.
// The page runs after us, so everything used here is taken first and the reporting binding
// is removed from the page's reach. Reports are hints only: the scanner admits a reported
// cookie or key only once the browser's own jar or storage holds it.
(() => {
  if (window.__cookiegovHooked) return;
  Object.defineProperty(window, "__cookiegovHooked", { value: true });
  const report = window.__cookiegovReport;
  try { delete window.__cookiegovReport; } catch (e) {}
  const stringify = JSON.stringify;
  const ErrorCtor = Error;
  const exec = RegExp.prototype.exec;
  // Reports leave in batches, one per task (a page writing 5,000 cookies in a loop makes one
  // call, not 5,000), and stop after MAX per document with one "overflow" note.
  const MAX = 2500;
  const microtask = window.queueMicrotask ? window.queueMicrotask.bind(window) : (fn) => Promise.resolve().then(fn);
  let buffer = [], sent = 0, overflow = false;
  const flush = () => {
    const batch = buffer;
    buffer = [];
    try { report && report(stringify(batch)); } catch (e) {}
  };
  const send = (kind, data) => {
    if (sent >= MAX) {
      if (!overflow) { overflow = true; buffer[buffer.length] = { kind: "overflow" }; microtask(flush); }
      return;
    }
    sent++;
    if (!buffer.length) microtask(flush);
    buffer[buffer.length] = { kind, data, frame: location.href, caller: caller() };
  };
  const URL_RE = /(https?:\/\/[^\s)]+?):\d+:\d+/g;
  function caller() {
    // A page may format stacks itself (Error.prepareStackTrace) to pose as another script:
    // read V8's own format, and name no caller when that is not possible.
    const custom = ErrorCtor.prepareStackTrace;
    let stack = "";
    try {
      ErrorCtor.prepareStackTrace = undefined;
      if (ErrorCtor.prepareStackTrace !== undefined) return null;
      stack = new ErrorCtor().stack;
    } catch (e) {
      return null;
    } finally {
      try { ErrorCtor.prepareStackTrace = custom; } catch (e) {}
    }
    if (typeof stack !== "string") return null;
    const urls = [];
    let m;
    URL_RE.lastIndex = 0;
    while ((m = exec.call(URL_RE, stack)) !== null) urls[urls.length] = m[1];
    return urls.length ? urls[0] : null;
  }
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (desc && desc.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: desc.enumerable,
      get() { return desc.get.call(this); },
      set(value) { send("cookie", String(value)); return desc.set.call(this, value); },
    });
  }
  if (window.cookieStore && window.CookieStore) {
    const set = CookieStore.prototype.set;
    CookieStore.prototype.set = function (a, b) {
      const o = typeof a === "object" ? a : { name: a, value: b };
      let line = `${o.name}=${o.value ?? ""}; path=${o.path || "/"}`;
      if (o.domain) line += `; domain=${o.domain}`;
      if (o.expires) line += `; max-age=${Math.round((Number(o.expires) - Date.now()) / 1000)}`;
      if (o.sameSite) line += `; samesite=${o.sameSite}`;
      send("cookie", line + "; secure");
      return set.apply(this, arguments);
    };
  }
  for (const [name, area] of [["localStorage", "localStorage"], ["sessionStorage", "sessionStorage"]]) {
    try {
      const store = window[area];
      const proto = Object.getPrototypeOf(store);
      const setItem = proto.setItem;
      proto.setItem = function (key, value) {
        send("storage", { area: this === window.localStorage ? "localStorage" : "sessionStorage", key: String(key) });
        return setItem.apply(this, arguments);
      };
      break; // both areas share Storage.prototype
    } catch (e) {}
  }
  const live = new Set();
  const setTimeoutOrig = window.setTimeout;
  const clearTimeoutOrig = window.clearTimeout;
  window.setTimeout = function (fn, delay, ...rest) {
    if (typeof fn !== "function" || (Number(delay) || 0) > 3000) {
      return setTimeoutOrig.call(this, fn, delay, ...rest);
    }
    const id = setTimeoutOrig.call(this, function () {
      live.delete(id);
      return fn.apply(this, arguments);
    }, delay, ...rest);
    live.add(id);
    return id;
  };
  window.clearTimeout = function (id) { live.delete(id); return clearTimeoutOrig.call(this, id); };
  window.__cookiegovPending = () => live.size;
})();

// cookiegov collection hooks, installed in every frame before any page script runs.
// Reports cookie and storage writes, with the calling script's URL, to the scanner, and
// tracks short pending timers so that the scanner can wait for delayed writes.
(() => {
  if (window.__cookiegovHooked) return;
  window.__cookiegovHooked = true;
  const report = window.__cookiegovReport;
  const send = (kind, data) => {
    try { report && report(JSON.stringify({ kind, data, frame: location.href, caller: caller() })); } catch (e) {}
  };
  const URL_RE = /(https?:\/\/[^\s)]+?):\d+:\d+/g;
  function caller() {
    const stack = String(new Error().stack || "");
    const urls = [];
    let m;
    while ((m = URL_RE.exec(stack)) !== null) urls.push(m[1]);
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

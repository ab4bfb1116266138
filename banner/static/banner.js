/* cookiegov consent banner. Every byte counts (7 KB budget): notes in docs/architecture.md. */
(function (w, d) {
  "use strict";
  var C = w.__cookiegovConfig;
  if (!C || w.cookiegov) return;
  var timing = { start: performance.now(), visible: null };
  var me = d.currentScript;
  var base = me ? me.src.replace(/\/v1\/.*$/, "") : "";
  var nonce = me ? me.nonce || me.getAttribute("nonce") : null;
  var NAME = "cookiegov";
  var CATS = C.categories;
  var lang = ((d.documentElement.lang || navigator.language || "en").split("-")[0] || "en").toLowerCase();
  var T = C.texts[lang] || C.texts.en;
  var gpc = navigator.globalPrivacyControl === true;
  var listeners = [];
  var SIGNALS = {
    ad_storage: "advertising", ad_user_data: "advertising", ad_personalization: "advertising",
    analytics_storage: "analytics", functionality_storage: "functional",
    personalization_storage: "functional", security_storage: "necessary"
  };
  w.dataLayer = w.dataLayer || [];
  function gtag() { w.dataLayer.push(arguments); }
  function consentMode(kind, granted) {
    var m = {};
    for (var k in SIGNALS) {
      var c = SIGNALS[k];
      m[k] = granted && (c === "necessary" || ok(c, GS[c], granted)) ? "granted" : "denied";
    }
    if (kind === "default") m.wait_for_update = 500;
    gtag("consent", kind, m);
  }
  var SV = C.services, BL = C.block, held = [], GS = {}, k;
  for (k in SV) if (/^google/.test(k)) GS[SV[k][1]] = k;
  var root = null;
  var cssReady = false;
  var opener = null;

  function ok(c, v, s) {
    return !!s && (v && s.services && v in s.services ? s.services[v] : !!s.granted[c]);
  }
  function derive(g) {
    var o = {};
    for (var k in SV) o[k] = !!g[SV[k][1]];
    return o;
  }
  function mk(g, v) {
    return { id: state ? state.id : null, revision: C.revision, time: Date.now() / 1000, granted: g, services: v || derive(g) };
  }
  function stop(u) {
    var h, k, b;
    try { h = new URL(u, location.href).hostname; } catch (e) { return; }
    for (k in BL) {
      if (h === k || h.slice(-k.length - 1) === "." + k) b = BL[k];
    }
    return b && !ok(b[0], b[1], state) && b;
  }
  function grab(e, u, f) {
    var b = stop(u);
    if (!b) return 1;
    held.push({ b: b, f: function () { if (e.nodeName === "SCRIPT") e.async = false; f(); } });
  }
  function release() {
    held = held.filter(function (h) { return !ok(h.b[0], h.b[1], state) || h.f(); });
  }
  var state = readCookie();
  if (!valid(state)) state = null;
  consentMode("default", null);
  var TAGS = /^(SCRIPT|IFRAME|IMG)$/;
  if (Object.keys(BL).length) {
    [HTMLScriptElement, HTMLIFrameElement, HTMLImageElement].forEach(function (K) {
      var p = Object.getOwnPropertyDescriptor(K.prototype, "src");
      Object.defineProperty(K.prototype, "src", { configurable: true, get: p.get, set: function (u) {
        var e = this, f = function () { p.set.call(e, u); };
        if (grab(e, u, f)) f();
      } });
    });
    var sa = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (n, u) {
      var e = this, f = function () { sa.call(e, n, u); };
      if (!/^src$/i.test(n) || !TAGS.test(e.nodeName) || grab(e, u, f)) f();
    };
    var nb = navigator.sendBeacon;
    if (nb) navigator.sendBeacon = function (u, x) {
      var f = function () { return nb.call(navigator, u, x); };
      return grab(navigator, u, f) ? f() : true;
    };
    new MutationObserver(function (ms) {
      ms.forEach(function (m) {
        m.addedNodes.forEach(function (n) {
          var u = n.nodeName === "SCRIPT" && n.src;
          if (u && !grab(n, u, function () { revive(n); })) n.type = "text/plain";
        });
      });
    }).observe(d.documentElement, { childList: true, subtree: true });
  }

  function readCookie() {
    var m = d.cookie.match(/(?:^|;\s*)cookiegov=([^;]*)/);
    if (!m) return null;
    var p = decodeURIComponent(m[1]).split(".");
    if (p[0] !== "v1" || p.length < 5) return null;
    var granted = {}, sv = {};
    CATS.forEach(function (c, i) { granted[c] = p[4].charAt(i) === c.charAt(0); });
    (p[5] || "").split("_").forEach(function (x) { if (x) sv[x.slice(1)] = x.charAt(0) === "1"; });
    return { id: p[1], revision: +p[2], time: +p[3], granted: granted, services: sv };
  }

  function valid(s) {
    return s && s.revision === C.revision && (Date.now() / 1000 - s.time) < C.days * 86400;
  }

  function writeCookie(s) {
    var v = ["v1", s.id, s.revision, Math.floor(s.time),
      CATS.map(function (c) { return s.granted[c] ? c.charAt(0) : "-"; }).join("")];
    var sv = Object.keys(s.services || {}).map(function (k) { return (s.services[k] ? 1 : 0) + k; });
    if (sv.length) v.push(sv.join("_"));
    v = v.join(".");
    d.cookie = NAME + "=" + v + "; path=/; max-age=" + C.days * 86400 + "; Secure; SameSite=Lax";
  }

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  function matches(name, pattern) {
    if (pattern.indexOf("*") < 0) return name === pattern;
    var re = new RegExp("^" + pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*") + "$");
    return re.test(name);
  }

  function clearRefused(s) {
    var host = location.hostname.split(".");
    var domains = [""];
    for (var i = 0; i < host.length - 1; i++) domains.push(host.slice(i).join("."));
    var paths = ["/"];
    var parts = location.pathname.split("/");
    for (var j = 2; j <= parts.length; j++) paths.push(parts.slice(0, j).join("/") || "/");
    d.cookie.split(";").forEach(function (pair) {
      var name = pair.split("=")[0].trim();
      if (!name || name === NAME) return;
      C.cookies.concat(C.clear).forEach(function (k) {
        var sure = !k.review && k.category !== "unknown";
        if (k.category === "necessary" && sure) return;
        if (sure ? ok(k.category, k.service, s) : CATS.every(function (c) { return s.granted[c]; })) return;
        if (!matches(name, k.name)) return;
        domains.forEach(function (dom) {
          paths.forEach(function (p) {
            d.cookie = name + "=; Max-Age=0; path=" + p + (dom ? "; domain=" + dom : "");
          });
        });
      });
    });
  }

  function want(e, s) {
    var v = e.getAttribute("data-service"), c = e.getAttribute("data-category") || (SV[v] || [])[1];
    return [ok(c, v, s), c, v];
  }
  function revive(old) {
    var n = d.createElement("script");
    for (var i = 0; i < old.attributes.length; i++) {
      var a = old.attributes[i];
      if (a.name !== "type" && a.name !== "nonce") n.setAttribute(a.name, a.value);
    }
    if (old.nonce || nonce) n.nonce = old.nonce || nonce;
    if (!old.src) n.textContent = old.textContent;
    if (!old.async) n.async = false;
    old.parentNode.replaceChild(n, old);
  }
  function activate(s) {
    d.querySelectorAll("script[type='text/plain'][data-category],script[type='text/plain'][data-service]").forEach(function (old) {
      if (want(old, s)[0]) revive(old);
    });
    d.querySelectorAll("[data-src][data-category],[data-src][data-service]").forEach(function (e) {
      var w = want(e, s);
      var ph = e.previousElementSibling;
      var hasPh = ph && ph.className === "cg-ph";
      if (!w[0]) {
        if (e.tagName === "IFRAME" && !hasPh) placeholder(e, w[1], w[2]);
        return;
      }
      if (hasPh) ph.remove();
      e.hidden = false;
      e.setAttribute("src", e.getAttribute("data-src"));
      e.removeAttribute("data-src");
    });
  }

  function placeholder(frame, cat, svc) {
    var box = el("div", { "class": "cg-ph", role: "region", "aria-label": T.blocked });
    box.style.width = (frame.getAttribute("width") || 300) + "px";
    box.style.height = (frame.getAttribute("height") || 150) + "px";
    var what = svc ? (SV[svc] || [svc])[0] : T[cat];
    box.appendChild(el("p", {}, T.blocked + " (" + what + ")"));
    box.appendChild(button(T.allow + ": " + what, "cg-allow", function () {
      var s = state || mk(all(false)), g = Object.assign({}, s.granted), v = Object.assign({}, s.services);
      for (var k in SV) if (svc ? k === svc : SV[k][1] === cat) v[k] = true;
      if (!svc) g[cat] = true;
      save(g, "banner", v, true);
    }));
    frame.hidden = true;
    frame.parentNode.insertBefore(box, frame);
  }

  function floating() {
    if (C.rule === "none" || d.querySelector("[data-cookiegov-settings]")) return;
    var b = button(C.rule === "opt-out" ? T.dns : T.settings, "cg-float", function () { show(true); });
    b.setAttribute("data-cookiegov-settings", "");
    d.body.appendChild(b);
  }

  function apply(s, changed) {
    state = s;
    consentMode("update", s);
    clearRefused(s);
    activate(s);
    release();
    floating();
    if (changed) {
      var detail = api.consent();
      listeners.forEach(function (fn) { try { fn(detail); } catch (e) {} });
      d.dispatchEvent(new CustomEvent("cookiegov:consent", { detail: detail }));
    }
  }

  function save(granted, method, services, override) {
    var s = mk(granted, services);
    var body = { categories: granted, revision: C.revision, language: lang, gpc: gpc,
      page_url: location.href.split("#")[0], method: method || "banner", texts_hash: C.textsHash };
    if (Object.keys(SV).length) body.services = s.services;
    if (s.id) body.consent_id = s.id;
    if (override && gpc) body.gpc_override = true;
    close();
    return fetch(base + "/v1/sites/" + encodeURIComponent(C.site) + "/consents", {
      method: "POST", credentials: "include", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; })
      .then(function (rec) {
        if (rec) { s.id = rec.consent_id; s.granted = rec.choices || s.granted; s.services = rec.services || s.services; }
        var set = readCookie();
        if (!set || set.id !== s.id || !rec) writeCookie(s);
        apply(s, true);
        return api.consent();
      });
  }

  function all(v) {
    var g = {};
    CATS.forEach(function (c) { g[c] = v; });
    if (v && gpc) C.gpcRefuses.forEach(function (c) { g[c] = false; });
    return g;
  }

  function close() {
    if (root) { root.remove(); root = null; }
    if (opener && opener.focus) opener.focus();
    opener = null;
  }

  function life(k) {
    var l = k.life || [0, "session"];
    return l[1] === "session" ? T.session : l[0] + " " + (T[l[1]] || l[1]);
  }


  function painted() {
    if (!cssReady || !root) return;
    root.style.visibility = "";
    if (root.cgFocus) root.cgFocus.focus();
    if (timing.visible === null) {
      requestAnimationFrame(function () { timing.visible = performance.now(); });
    }
  }

  function button(text, cls, fn) {
    var b = el("button", { type: "button", "class": "cg-btn " + cls }, text);
    b.addEventListener("click", fn);
    return b;
  }

  function show(prefs) {
    close();
    opener = d.activeElement;
    var current = state && valid(state) ? state : mk(all(false)), out = C.rule === "opt-out" && !prefs;
    root = el("div", { "class": "cg-root", role: "dialog", "aria-modal": String(!out),
      "aria-labelledby": "cg-title", "aria-describedby": "cg-body", lang: lang });
    if (/^(ar|he|fa|ur)$/.test(lang)) root.setAttribute("dir", "rtl");
    var box = el("div", { "class": "cg-box" });
    box.appendChild(el("h2", { id: "cg-title" }, T.title));
    var p = el("p", { id: "cg-body" }, (out ? T.optout : T.body) + " ");
    var a = el("a", { href: C.policy }, T.policy);
    p.appendChild(a);
    box.appendChild(p);
    if (gpc) box.appendChild(el("p", { "class": "cg-gpc", role: "status" }, T.gpc));
    var toggles = {}, st = {};
    if (prefs) {
      var list = el("div", { "class": "cg-cats" });
      ["necessary"].concat(CATS).forEach(function (c) {
        var row = el("div", { "class": "cg-cat" });
        var id = "cg-" + c;
        var box2 = el("input", { type: "checkbox", id: id });
        if (c === "necessary") { box2.checked = true; box2.disabled = true; }
        else box2.checked = ok(c, null, current);
        toggles[c] = box2;
        var label = el("label", { "for": id }, T[c] + (c === "necessary" ? " (" + T.always_on + ")" : ""));
        row.appendChild(box2);
        row.appendChild(label);
        row.appendChild(el("p", { "class": "cg-desc" }, T[c + "_desc"]));
        var us = el("div", { "class": "cg-svcs" }), sv = [];
        for (var v in SV) {
          if (SV[v][1] !== c) continue;
          var l = el("label", {}, SV[v][0]), t = el("input", { type: "checkbox" });
          t.checked = ok(c, v, current);
          sv.push(st[v] = t);
          l.prepend(t);
          us.appendChild(l);
        }
        box2.onchange = function () { sv.forEach(function (t) { t.checked = box2.checked; }); };
        if (sv.length) row.appendChild(us);
        var ck = C.cookies.filter(function (k) { return k.category === c; });
        if (ck.length) {
          var det = el("details", {});
          det.appendChild(el("summary", {}, T.cookies + " (" + ck.length + ")"));
          var ul = el("ul", {});
          ck.forEach(function (k) {
            ul.appendChild(el("li", {}, k.name + (k.vendor ? " · " + k.vendor : "") +
              (k.purpose ? " — " + k.purpose : "") + " (" + life(k) + ")"));
          });
          det.appendChild(ul);
          row.appendChild(det);
        }
        list.appendChild(row);
      });
      box.appendChild(list);
    }
    var actions = el("div", { "class": "cg-actions" });
    actions.appendChild(button(out ? T.ok : T.accept, "cg-accept", function () { api.acceptAll(); }));
    actions.appendChild(out ? button(T.dns, "cg-reject cg-dns", function () {
      save(Object.assign(all(true), { advertising: false }), "banner");
    }) : button(T.reject, "cg-reject", function () { api.rejectAll(); }));
    if (prefs) {
      actions.appendChild(button(T.save, "cg-save", function () {
        var g = {}, v = {};
        CATS.forEach(function (c) { g[c] = toggles[c].checked; });
        for (var k in st) v[k] = st[k].checked;
        save(g, "banner", v, true);
      }));
    } else {
      actions.appendChild(button(T.prefs, "cg-prefs", function () { show(true); }));
    }
    box.appendChild(actions);
    root.appendChild(box);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && prefs) {
        if (state && valid(state)) close(); else show(false);
        return;
      }
      if (e.key !== "Tab") return;
      var f = root.querySelectorAll("button, a[href], input:not([disabled]), summary");
      var first = f[0], last = f[f.length - 1];
      if (e.shiftKey && d.activeElement === first) { last.focus(); e.preventDefault(); }
      else if (!e.shiftKey && d.activeElement === last) { first.focus(); e.preventDefault(); }
    });
    root.style.position = "fixed";
    if (!cssReady) root.style.visibility = "hidden";
    d.body.appendChild(root);
    root.cgFocus = root.querySelector(prefs ? "input:not([disabled])" : "button");
    painted();
  }

  var api = {
    version: 1,
    show: function () { show(true); },
    acceptAll: function () { return save(all(true), "banner"); },
    rejectAll: function () { return save(all(false), "banner"); },
    accept: function (cats, opts) {
      var g = all(false);
      (cats || []).forEach(function (c) { if (c in g) g[c] = true; });
      return save(g, "api", Object.assign(derive(g), opts && opts.services), opts && opts.gpcOverride);
    },
    consent: function () {
      return state ? { id: state.id, revision: state.revision, categories: state.granted,
        services: state.services, gpc: gpc, rule: C.rule } : null;
    },
    services: SV,
    on: function (event, fn) { if (event === "change") listeners.push(fn); },
    timing: timing
  };
  w.cookiegov = api;

  function declare() {
    d.querySelectorAll("[data-cookiegov-declaration]").forEach(function (box) {
      box.textContent = "";
      ["necessary"].concat(CATS).forEach(function (c) {
        var ck = C.cookies.filter(function (k) { return k.category === c; });
        if (!ck.length) return;
        box.appendChild(el("h3", {}, T[c] + " · " + T.cookies));
        var t = el("table", { "class": "cg-decl" }), hr = el("tr", {});
        ["col_name", "col_provider", "col_purpose", "col_lifetime", "col_party"].forEach(
          function (h) { hr.appendChild(el("th", { scope: "col" }, T[h])); });
        t.appendChild(el("thead", {})).appendChild(hr);
        ck.forEach(function (k) {
          var tr = el("tr", {});
          [k.name, k.vendor || k.domain, k.purpose, life(k),
            k.third_party ? "3rd" : "1st"].forEach(function (v) { tr.appendChild(el("td", {}, v)); });
          t.appendChild(tr);
        });
        box.appendChild(t);
      });
    });
  }

  function init() {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(C.css);
      d.adoptedStyleSheets = d.adoptedStyleSheets.concat(sheet);
      cssReady = true;
    } catch (e) {
      var link = el("link", { rel: "stylesheet", href: base + "/v1/banner.css" });
      if (nonce) link.nonce = nonce;
      link.onload = link.onerror = function () { cssReady = true; painted(); };
      d.head.appendChild(link);
    }
    d.addEventListener("click", function (e) {
      var t = e.target && e.target.closest && e.target.closest("[data-cookiegov-settings]");
      if (t) { e.preventDefault(); show(true); }
    });
    declare();
    if (state) apply(state, false);
    else if (C.rule !== "opt-in") {
      apply(mk(all(true)), false);
      if (C.rule === "opt-out") {
        if (gpc) save(all(true), "gpc"); else show(false);
      }
    } else {
      clearRefused(mk(all(false)));
      activate(mk(all(false)));
      show(false);
    }
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init); else init();
})(window, document);

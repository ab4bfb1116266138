/* cookiegov consent banner: records the visitor's choice and enforces it. */
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
      m[k] = granted && (SIGNALS[k] === "necessary" || granted[SIGNALS[k]]) ? "granted" : "denied";
    }
    if (kind === "default") m.wait_for_update = 500;
    gtag("consent", kind, m);
  }
  consentMode("default", null);
  var state = null;
  var root = null;
  var cssReady = false;
  var opener = null;

  function readCookie() {
    var m = d.cookie.match(/(?:^|;\s*)cookiegov=([^;]*)/);
    if (!m) return null;
    var p = decodeURIComponent(m[1]).split(".");
    if (p[0] !== "v1" || p.length !== 5) return null;
    var granted = {};
    CATS.forEach(function (c, i) { granted[c] = p[4].charAt(i) === c.charAt(0); });
    return { id: p[1], revision: +p[2], time: +p[3], granted: granted };
  }

  function valid(s) {
    return s && s.revision === C.revision && (Date.now() / 1000 - s.time) < C.days * 86400;
  }

  function writeCookie(s) {
    var v = ["v1", s.id, s.revision, Math.floor(s.time),
      CATS.map(function (c) { return s.granted[c] ? c.charAt(0) : "-"; }).join("")].join(".");
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

  function clearRefused(granted) {
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
        // A cookie whose category needs review is not taken as necessary: kept only when
        // every category is granted.
        var sure = !k.review && k.category !== "unknown";
        if (k.category === "necessary" && sure) return;
        if (sure ? granted[k.category] : C.categories.every(function (c) { return granted[c]; })) return;
        if (!matches(name, k.name)) return;
        domains.forEach(function (dom) {
          paths.forEach(function (p) {
            d.cookie = name + "=; Max-Age=0; path=" + p + (dom ? "; domain=" + dom : "");
          });
        });
      });
    });
  }

  function activate(granted) {
    d.querySelectorAll("script[type='text/plain'][data-category]").forEach(function (old) {
      if (!granted[old.getAttribute("data-category")]) return;
      var s = d.createElement("script");
      for (var i = 0; i < old.attributes.length; i++) {
        var a = old.attributes[i];
        if (a.name !== "type" && a.name !== "nonce") s.setAttribute(a.name, a.value);
      }
      // Browsers hide a parsed nonce attribute; its value lives in the .nonce property.
      if (old.nonce || nonce) s.nonce = old.nonce || nonce;
      if (!old.src) s.textContent = old.textContent;
      old.parentNode.replaceChild(s, old);
    });
    d.querySelectorAll("[data-src][data-category]").forEach(function (e) {
      var cat = e.getAttribute("data-category");
      var ph = e.previousElementSibling;
      var hasPh = ph && ph.className === "cg-ph";
      if (!granted[cat]) {
        if (e.tagName === "IFRAME" && !hasPh) placeholder(e, cat);
        return;
      }
      if (hasPh) ph.remove();
      e.hidden = false;
      e.setAttribute("src", e.getAttribute("data-src"));
      e.removeAttribute("data-src");
    });
  }

  function placeholder(frame, cat) {
    var box = el("div", { "class": "cg-ph", role: "region", "aria-label": T.blocked });
    box.style.width = (frame.getAttribute("width") || 300) + "px";
    box.style.height = (frame.getAttribute("height") || 150) + "px";
    box.appendChild(el("p", {}, T.blocked + " (" + T[cat] + ")"));
    box.appendChild(button(T.allow + ": " + T[cat], "cg-allow", function () {
      var g = {};
      CATS.forEach(function (c) { g[c] = !!(state && state.granted[c]); });
      g[cat] = true;
      save(g, "banner", true);
    }));
    frame.hidden = true;
    frame.parentNode.insertBefore(box, frame);
  }

  function floating() {
    if (d.querySelector("[data-cookiegov-settings]")) return;
    var b = button(T.settings, "cg-float", function () { show(true); });
    b.setAttribute("data-cookiegov-settings", "");
    d.body.appendChild(b);
  }

  function apply(s, changed) {
    state = s;
    consentMode("update", s.granted);
    clearRefused(s.granted);
    activate(s.granted);
    floating();
    if (changed) {
      var detail = api.consent();
      listeners.forEach(function (fn) { try { fn(detail); } catch (e) {} });
      d.dispatchEvent(new CustomEvent("cookiegov:consent", { detail: detail }));
    }
  }

  function save(granted, method, override) {
    var s = { id: state ? state.id : null, revision: C.revision, time: Date.now() / 1000, granted: granted };
    var body = { categories: granted, revision: C.revision, language: lang, gpc: gpc,
      page_url: location.href.split("#")[0], method: method || "banner", texts_hash: C.textsHash };
    if (s.id) body.consent_id = s.id;
    if (override && gpc) body.gpc_override = true;
    close();
    return fetch(base + "/v1/sites/" + encodeURIComponent(C.site) + "/consents", {
      method: "POST", credentials: "include", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; })
      .then(function (rec) {
        if (rec) { s.id = rec.consent_id; s.granted = rec.choices; }
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

  function life(sec) {
    if (sec == null) return T.session;
    var days = Math.round(sec / 86400);
    return days < 1 ? Math.max(1, Math.round(sec / 3600)) + " h" : days < 60 ? days + " " + T.days
      : Math.round(days / 30.4) + " " + T.months;
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
    var current = state && valid(state) ? state.granted : all(false);
    root = el("div", { "class": "cg-root", role: "dialog", "aria-modal": "true",
      "aria-labelledby": "cg-title", "aria-describedby": "cg-body", lang: lang });
    if (/^(ar|he|fa|ur)$/.test(lang)) root.setAttribute("dir", "rtl");
    var box = el("div", { "class": "cg-box" });
    box.appendChild(el("h2", { id: "cg-title" }, T.title));
    var p = el("p", { id: "cg-body" }, T.body + " ");
    var a = el("a", { href: C.policy }, T.policy);
    p.appendChild(a);
    box.appendChild(p);
    if (gpc) box.appendChild(el("p", { "class": "cg-gpc", role: "status" }, T.gpc));
    var toggles = {};
    if (prefs) {
      var list = el("div", { "class": "cg-cats" });
      ["necessary"].concat(CATS).forEach(function (c) {
        var row = el("div", { "class": "cg-cat" });
        var id = "cg-" + c;
        var box2 = el("input", { type: "checkbox", id: id });
        if (c === "necessary") { box2.checked = true; box2.disabled = true; }
        else box2.checked = !!current[c];
        toggles[c] = box2;
        var label = el("label", { "for": id }, T[c] + (c === "necessary" ? " (" + T.always_on + ")" : ""));
        row.appendChild(box2);
        row.appendChild(label);
        row.appendChild(el("p", { "class": "cg-desc" }, T[c + "_desc"]));
        var ck = C.cookies.filter(function (k) { return k.category === c; });
        if (ck.length) {
          var det = el("details", {});
          det.appendChild(el("summary", {}, T.cookies + " (" + ck.length + ")"));
          var ul = el("ul", {});
          ck.forEach(function (k) {
            ul.appendChild(el("li", {}, k.name + (k.vendor ? " · " + k.vendor : "") +
              (k.purpose ? " — " + k.purpose : "") + " (" + life(k.lifetime) + ")"));
          });
          det.appendChild(ul);
          row.appendChild(det);
        }
        list.appendChild(row);
      });
      box.appendChild(list);
    }
    var actions = el("div", { "class": "cg-actions" });
    actions.appendChild(button(T.accept, "cg-accept", function () { api.acceptAll(); }));
    actions.appendChild(button(T.reject, "cg-reject", function () { api.rejectAll(); }));
    if (prefs) {
      actions.appendChild(button(T.save, "cg-save", function () {
        var g = {};
        CATS.forEach(function (c) { g[c] = toggles[c].checked; });
        save(g, "banner", true);
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
    // Out of the flow at once (CSSOM, allowed under CSP), shown when the stylesheet is in:
    // no layout shift and no flash of an unstyled banner.
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
      return save(g, "api", !!(opts && opts.gpcOverride));
    },
    consent: function () {
      return state ? { id: state.id, revision: state.revision, categories: state.granted, gpc: gpc } : null;
    },
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
        var t = el("table", { "class": "cg-decl" });
        ck.forEach(function (k) {
          var tr = el("tr", {});
          [k.name, k.vendor || k.domain, k.purpose, life(k.lifetime),
            k.third_party ? "3rd" : "1st"].forEach(function (v) { tr.appendChild(el("td", {}, v)); });
          t.appendChild(tr);
        });
        box.appendChild(t);
      });
    });
  }

  function init() {
    try {
      // The stylesheet travels inside the script: no second request, nothing inline for CSP.
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
    var s = readCookie();
    if (valid(s)) apply(s, false);
    else {
      clearRefused(all(false));
      activate(all(false));
      show(false);
    }
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init); else init();
})(window, document);

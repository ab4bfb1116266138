// Runs in the scanner's isolated world of a frame: lists the visible clickable elements (in the
// document and open shadow roots) with their labels and how much their surroundings look like
// a consent banner, and the switched-on toggles near them. Each is marked with an attribute
// named after a secret token so that the scanner can click exactly that element.
(attr) => {
  const hint = /(consent|cookie|gdpr|rgpd|dsgvo|cmp|privacy|onetrust|didomi|usercentrics|klaro|tarteaucitron|cc-|cc_|cm__|banner|notice)/i;
  const words = /(cookie|consent|privacy|datenschutz|einwilligung|vie privée|consentement|privacidad|consentimiento|riservatezza|consenso|toestemming|privacidade|consentimento|prywatno|zgod|tracking|gdpr|rgpd|dsgvo|traceurs)/i;
  const hostOf = (n) => { const r = n.getRootNode && n.getRootNode(); return r && r.host ? r.host : null; };
  const up = (n) => n.parentElement || hostOf(n);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    for (let p = el, n = 0; p && n < 30; p = up(p), n++) {
      const s = getComputedStyle(p);
      if (s.visibility === "hidden" || s.display === "none" || Number(s.opacity) === 0) return false;
    }
    return true;
  };
  const context = (el) => {
    let named = 0, modal = 0, fixed = 0, textual = 0;
    for (let p = up(el), n = 0; p && n < 14; p = up(p), n++) {
      const id = (p.id || "") + " " + (typeof p.className === "string" ? p.className : "") + " " + (p.tagName || "");
      if (hint.test(id)) named = 1;
      const role = p.getAttribute ? p.getAttribute("role") : null;
      if (role === "dialog" || role === "alertdialog" || p.tagName === "DIALOG" || (p.getAttribute && p.getAttribute("aria-modal"))) modal = 1;
      const pos = getComputedStyle(p).position;
      if (pos === "fixed" || pos === "sticky") fixed = 1;
      if (!textual && n < 8) {
        const text = p.innerText || "";
        if (text.length < 5000 && words.test(text)) textual = 1;
      }
    }
    return named * 2 + modal + fixed + textual;
  };
  const buttons = [], toggles = [];
  const clickable = "button, a, [role=button], input[type=button], input[type=submit], [role=link]";
  const toggle = "input[type=checkbox], [role=switch], [role=checkbox]";
  const visit = (root) => {
    for (const el of root.querySelectorAll(clickable)) {
      if (buttons.length >= 400) break;
      const label = (el.innerText || el.value || (el.getAttribute && (el.getAttribute("aria-label") || el.getAttribute("title"))) || "").replace(/\s+/g, " ").trim();
      if (!label || label.length > 80 || !visible(el)) continue;
      el.setAttribute(attr, "b" + buttons.length);
      buttons.push({ id: "b" + buttons.length, label, context: context(el) });
    }
    for (const el of root.querySelectorAll(toggle)) {
      if (toggles.length >= 100) break;
      const on = el.matches("input") ? el.checked : el.getAttribute("aria-checked") === "true";
      const locked = el.disabled || el.getAttribute("aria-disabled") === "true" || el.getAttribute("aria-readonly") === "true";
      if (!on || locked) continue;
      // A hidden input is usually drawn by its label (custom switches): click what is shown.
      let target = el;
      if (!visible(el) && el.id) {
        const label = root.querySelector(`label[for="${CSS.escape(el.id)}"]`);
        if (label && visible(label)) target = label;
      }
      if (!visible(target) && el.closest && el.closest("label") && visible(el.closest("label"))) target = el.closest("label");
      if (!visible(target)) continue;
      target.setAttribute(attr, "t" + toggles.length);
      toggles.push({ id: "t" + toggles.length, label: (target.innerText || el.getAttribute("aria-label") || el.name || "").replace(/\s+/g, " ").trim().slice(0, 80), context: context(el) });
    }
    for (const host of root.querySelectorAll("*")) if (host.shadowRoot) visit(host.shadowRoot);
  };
  visit(document);
  return { url: location.href, top: window === window.top, buttons, toggles };
}

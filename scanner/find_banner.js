// Finds the best consent button by its text, in the document and open shadow roots.
// Marks it (and its banner container) for Playwright to click and photograph.
([texts, mark]) => {
  const norm = s => (s || "").replace(/\s+/g, " ").trim().toLowerCase().replace(/[.!…]+$/, "");
  const hint = /(consent|cookie|gdpr|cmp|privacy|onetrust|didomi|usercentrics|cc-|banner)/i;
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll("button, a, [role=button], input[type=button], input[type=submit]")) {
      const text = norm(el.innerText || el.value || el.getAttribute("aria-label"));
      const rank = texts.indexOf(text);
      if (rank < 0) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      let container = el, score = 0;
      for (let p = el; p; p = p.parentElement || (p.getRootNode && p.getRootNode().host)) {
        const id = (p.id || "") + " " + (typeof p.className === "string" ? p.className : "") + " " + (p.getAttribute && (p.getAttribute("role") || "") || "");
        if (hint.test(id) || /dialog/.test(id)) { container = p; score = 1; }
      }
      found.push({el, container, text, rank: rank - score * 1000});
    }
    for (const host of root.querySelectorAll("*")) if (host.shadowRoot) visit(host.shadowRoot);
  };
  visit(document);
  if (!found.length) return null;
  found.sort((a, b) => a.rank - b.rank);
  found[0].el.setAttribute(mark, "button");
  if (found[0].container !== found[0].el) found[0].container.setAttribute(mark + "-box", "1");
  return found[0].text;
}

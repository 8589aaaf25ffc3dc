// The accessibility pass (see accessibility.py): returns the problems found, in Norwegian.
() => {
  const problems = [];
  if (!document.title.trim()) problems.push("siden mangler <title>");
  if (document.querySelectorAll("h1").length !== 1) problems.push("siden skal ha én <h1>");
  if (!document.documentElement.lang) problems.push("<html> mangler lang");
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || !visible(el)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby") || el.getAttribute("title");
    if (!named) problems.push(`felt uten etikett: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!visible(el)) continue;
    const text = (el.innerText || el.getAttribute("aria-label") || el.getAttribute("title") || "").trim();
    if (!text) problems.push(`knapp/lenke uten tekst: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll("svg[role=img], img")) {
    if (!(el.getAttribute("aria-label") || el.getAttribute("alt") !== null)) {
      problems.push(`bilde uten tekst: ${el.outerHTML.slice(0, 80)}`);
    }
  }
  const rgb = (text) => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(",").map((x) => parseFloat(x));
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || seen.has(el) || !walker.currentNode.textContent.trim() || !visible(el)) continue;
    seen.add(el);
    if (el.closest("svg")) continue;
    const style = getComputedStyle(el);
    if (parseFloat(style.opacity) === 0 || style.visibility === "hidden") continue;
    if (el.closest("button:disabled")) continue;
    const fg = rgb(style.color), bg = background(el);
    if (!fg) continue;
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      problems.push(`for svak kontrast ${ratio.toFixed(2)}: «${walker.currentNode.textContent.trim().slice(0, 40)}»`);
    }
  }
  return problems;
}

/* Relationship diagrams keep readable labels on any screen.

   Material renders each Mermaid diagram into a closed shadow root, as wide as the column
   (width 100%, max-width its natural width), so a wide diagram on a 360 px phone draws its
   16 px labels at about 4 px. This wraps mermaid.render (the site's own copy, loaded just
   before this file, before Material calls it) to give each diagram a minimum width as well:
   its natural width times --briefs-diagram-min-scale (set in briefs.css, inherited into the
   shadow root). A diagram that would shrink below it keeps that width and scrolls sideways
   inside its own box (div.mermaid, overflow-x: auto); the page itself never does. While
   it scrolls, the box is focusable (tabindex="0"), so the arrow keys can scroll it. */
(() => {
  const mermaid = window.mermaid;
  if (!mermaid || typeof mermaid.render !== "function") return;
  // The opening <svg> tag's inline style, as Mermaid writes it: "max-width: 1240.28px;"
  const STYLE = /^(<svg\b[^>]*?\sstyle=")([^"]*?max-width:\s*([0-9.]+)px;?)/;
  const withMinWidth = (svg) => svg.replace(STYLE, (all, head, style, natural) =>
    `${head}${style} min-width: calc(${natural}px * var(--briefs-diagram-min-scale, 0));`);
  // Focusable exactly while it scrolls: a diagram that fits is no extra stop for Tab.
  const keyboardScrollable = (box) => {
    box.dataset.briefsWatched = "";
    const update = () => {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    };
    update();
    new ResizeObserver(update).observe(box);  // the window turned or resized
  };
  const render = mermaid.render;
  mermaid.render = async function (...args) {
    const out = await render.apply(this, args);
    if (out && typeof out.svg === "string") out.svg = withMinWidth(out.svg);
    // Material puts the SVG in its box as soon as this resolves; then the box is there.
    setTimeout(() => document.querySelectorAll("div.mermaid:not([data-briefs-watched])")
      .forEach(keyboardScrollable));
    return out;
  };
})();

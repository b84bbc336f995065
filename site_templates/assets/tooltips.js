// A page writes each linked entity's tooltip once, as the title of its first link; later
// links to it carry `data-tip` (generator/text.py, tooltips_once). Give them the title
// back before Material's content.tooltips reads the titles (this script runs before
// Material's bundle), so every link has the hover and keyboard-focus tooltip.
(function () {
  var titles = new Map();
  document.querySelectorAll("a[title][href]").forEach(function (link) {
    var href = link.getAttribute("href");
    if (!titles.has(href)) titles.set(href, link.getAttribute("title"));
  });
  document.querySelectorAll("a[data-tip]").forEach(function (link) {
    var title = titles.get(link.getAttribute("href"));
    if (title) link.setAttribute("title", title);
  });
})();

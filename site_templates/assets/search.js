/* Site search: the header's search dialog over the Pagefind index in the site's own
   pagefind/ folder. Pagefind loads its index in pieces, on the first query only, and the
   filters' values when the reader reaches for the filters. Opened by the header button or
   the `/` and `s` keys; arrow keys move between the results. */
(() => {
  "use strict";
  const opener = document.querySelector("[data-briefs-search-open]");
  if (!opener || typeof HTMLDialogElement !== "function") return;
  // The dialog is made here rather than written into every page (partials/search.html),
  // from this constant markup through an inert DOMParser document (no HTML sink).
  const markup = `
<dialog id="briefs-search" class="briefs-search" aria-labelledby="briefs-search-title">
  <div class="briefs-search__bar">
    <h2 id="briefs-search-title" class="visually-hidden">Search the site</h2>
    <form class="briefs-search__form" role="search" aria-labelledby="briefs-search-title">
      <label for="briefs-search-query" class="visually-hidden">Search briefs, actors and terms</label>
      <input id="briefs-search-query" class="briefs-search__input" type="search" name="query" placeholder="Search briefs, actors and terms" autocomplete="off" autocapitalize="off" spellcheck="false" aria-controls="briefs-search-results" aria-describedby="briefs-search-status">
    </form>
    <button type="button" class="briefs-search__close" data-briefs-search-close aria-label="Close search">Close</button>
  </div>
  <fieldset class="briefs-search__filters">
    <legend class="visually-hidden">Filters</legend>
    <label>Kind <select data-filter="kind"><option value="">All kinds</option></select></label>
    <label>Tag <select data-filter="tag"><option value="">All tags</option></select></label>
    <label>Year <select data-filter="year"><option value="">All years</option></select></label>
  </fieldset>
  <p id="briefs-search-status" class="briefs-search__status" role="status" aria-live="polite" aria-atomic="true"></p>
  <ol id="briefs-search-results" class="briefs-search__results" aria-label="Search results"></ol>
</dialog>`;
  const dialog = document.adoptNode(
    new DOMParser().parseFromString(markup, "text/html").body.firstElementChild);
  opener.after(dialog);
  const input = dialog.querySelector(".briefs-search__input");
  const form = dialog.querySelector(".briefs-search__form");
  const status = dialog.querySelector(".briefs-search__status");
  const list = dialog.querySelector(".briefs-search__results");
  const selects = Array.from(dialog.querySelectorAll("select[data-filter]"));
  const bundle = new URL(opener.dataset.pagefindBase, document.baseURI);
  const MAX_RESULTS = 20;
  const FIRST = 5;
  let engine = null;
  let filtersLoaded = null;
  let generation = 0;

  const load = () => {
    if (!engine) {
      engine = import(new URL("pagefind.js", bundle).href).then(async (pagefind) => {
        await pagefind.options({ baseUrl: new URL("../", bundle).pathname, excerptLength: 24 });
        await pagefind.init();
        dialog.setAttribute("data-ready", "");
        return pagefind;
      });
      engine.catch(() => { engine = null; });
    }
    return engine;
  };

  // The filters' values are every page's kind, tags and year: at 20,000 briefs 229 kB and
  // seconds of work in Pagefind, which a query without filters never needs. They load when
  // the pointer or the focus reaches the filters.
  const loadFilters = () => {
    if (!filtersLoaded) {
      filtersLoaded = load().then(async (pagefind) => fillFilters(await pagefind.filters()));
      filtersLoaded.catch(() => { filtersLoaded = null; });
    }
    return filtersLoaded;
  };

  const fillFilters = (filters) => {
    for (const select of selects) {
      const values = Object.keys(filters[select.dataset.filter] || {});
      values.sort((a, b) => (select.dataset.filter === "year" ? b.localeCompare(a)
                                                                : a.localeCompare(b)));
      for (const value of values) select.append(new Option(value, value));
    }
  };

  const plain = (html) => new DOMParser().parseFromString(html || "", "text/html").body.textContent;

  const item = (data) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.url;
    link.className = "briefs-search__result";
    const kind = document.createElement("span");
    kind.className = "briefs-search__kind";
    kind.textContent = data.meta.kind || "Page";
    const title = document.createElement("span");
    title.className = "briefs-search__title";
    title.textContent = data.meta.title || data.url;
    const dek = document.createElement("span");
    dek.className = "briefs-search__dek";
    dek.textContent = data.meta.dek || plain(data.excerpt);
    link.append(kind, " ", title, dek);
    li.append(link);
    return li;
  };

  const announce = (shown, total, query) => {
    const more = total > shown ? `, showing the first ${shown}` : "";
    const what = query ? ` for “${query}”` : "";
    status.textContent = total === 0 ? `No results${what}.`
      : `${total} result${total === 1 ? "" : "s"}${what}${more}.`;
  };

  const run = async () => {
    const mine = ++generation;
    const query = input.value.trim();
    const filters = {};
    for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
    if (!query && Object.keys(filters).length === 0) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    try {
      const pagefind = await load();
      if (query) pagefind.preload(query).catch(() => {});  // chunks load during the debounce
      const search = await pagefind.debouncedSearch(query || null, { filters }, 80);
      if (search === null || mine !== generation) return;
      // The first few results are shown as soon as they arrive, then the rest
      const results = search.results.slice(0, MAX_RESULTS);
      const first = await Promise.all(results.slice(0, FIRST).map((r) => r.data()));
      if (mine !== generation) return;
      list.replaceChildren(...first.map(item));
      const rest = await Promise.all(results.slice(FIRST).map((r) => r.data()));
      if (mine !== generation) return;
      list.append(...rest.map(item));
      announce(results.length, search.results.length, query);
    } catch (error) {
      if (mine === generation) status.textContent = "Search is not available on this page.";
    }
  };

  const open = () => {
    if (dialog.open) return;
    dialog.showModal();
    input.focus();
    input.select();
    load().catch(() => {});
  };

  const editable = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  opener.hidden = false;
  opener.addEventListener("click", open);
  dialog.querySelector("[data-briefs-search-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  input.addEventListener("input", run);
  for (const select of selects) select.addEventListener("change", run);
  const fieldset = dialog.querySelector(".briefs-search__filters");
  for (const type of ["pointerenter", "pointerdown", "focusin"]) {
    fieldset.addEventListener(type, () => { loadFilters().catch(() => {}); });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = list.querySelector("a");
    if (first) first.click();
  });

  document.addEventListener("keydown", (event) => {
    if (dialog.open || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if ((event.key === "/" || event.key === "s") && !editable(document.activeElement)) {
      event.preventDefault();
      open();
    }
  });

  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = Array.from(list.querySelectorAll("a"));
    const at = links.indexOf(document.activeElement);
    if (document.activeElement !== input && at < 0) return;
    event.preventDefault();
    if (event.key === "ArrowDown") {
      const next = links[at + 1];
      if (next) next.focus();
    } else if (at <= 0) {
      input.focus();
    } else {
      links[at - 1].focus();
    }
  });
})();

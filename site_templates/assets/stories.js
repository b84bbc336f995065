/* "New since your last visit" on a story page. The browser remembers, in localStorage only
   (no cookie, no request), which developments this story's page has shown. On a later visit
   each development it has not shown before gets a visible "New" badge. The first visit
   marks nothing; without JavaScript, or with storage refused, nothing is marked. */
(() => {
  "use strict";
  const list = document.querySelector("[data-story]");
  if (!list) return;
  const key = `briefs:seen:${list.dataset.story}`;
  const items = Array.from(list.querySelectorAll("[data-development]"));
  const shown = items.map((item) => item.dataset.development);
  let seen = null;
  try {
    const stored = JSON.parse(window.localStorage.getItem(key) || "null");
    if (Array.isArray(stored)) seen = new Set(stored.filter((id) => typeof id === "string"));
  } catch (_) {
    return; // storage refused or unreadable: mark nothing
  }
  if (seen) {
    for (const item of items) {
      if (seen.has(item.dataset.development)) continue;
      const badge = document.createElement("span");
      badge.className = "badge badge--new";
      badge.textContent = "New";
      const hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = " since your last visit";
      badge.append(hint);
      const title = item.querySelector(".story-development__title") || item;
      title.append(" ", badge);
      item.classList.add("story-development--new");
    }
  }
  try {
    window.localStorage.setItem(key, JSON.stringify([...new Set([...(seen || []), ...shown])]));
  } catch (_) {
    /* storage full or refused: the next visit marks nothing, as a first one */
  }
})();

// Search as you type: asks this server's /search.json (never another host) and lists the hits
// under the search box; Enter or the button still submits the form to /search.
(function () {
  "use strict";
  const box = document.getElementById("search-box");
  const list = document.getElementById("suggestions");
  if (!box || !list) return;
  const labels = { person: "People", paper: "Papers", topic: "Topics", organisation: "Organisations" };
  let latest = 0;
  let timer = null;
  function show(hits) {
    list.replaceChildren();
    for (const kind of Object.keys(labels)) {
      const entries = hits[kind] || [];
      if (!entries.length) continue;
      const head = document.createElement("div");
      head.className = "kind";
      head.textContent = labels[kind];
      list.appendChild(head);
      for (const entry of entries) {
        const link = document.createElement("a");
        link.href = entry.href;
        link.textContent = entry.name + (entry.detail ? " — " + entry.detail : "");
        link.dataset.kind = kind;
        list.appendChild(link);
      }
    }
  }
  async function lookup() {
    const text = box.value.trim();
    const ticket = ++latest;
    if (text.length < 2) { list.replaceChildren(); return; }
    const response = await fetch("/search.json?q=" + encodeURIComponent(text));
    if (!response.ok || ticket !== latest) return;
    show(await response.json());
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 120);
  });
  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== box) list.replaceChildren();
  });
})();

// The partnership map page: draws the data block with vis-network, then wires search,
// filters, the year slider and click-to-highlight. Every text goes into the DOM as text
// (textContent, option.text, vis tooltips via innerText): nothing is parsed as HTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const GREY = "#e4e4e4";
  const span = (s) => (s[0] === s[1] ? `${s[0]}` : `${s[0]}–${s[1]}`);
  for (const e of data.edges) {
    e.from = data.nodes[e.f].id; e.to = data.nodes[e.t].id;
    const text = [];
    if (e.roles) text.push("roles: " + e.roles.join(", "));
    if (e.spans) text.push("years: " + e.spans.map(span).join(", "));
    if (e.title) text.push(e.title);
    if (text.length) e.title = text.join("\n");
  }
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const state = { sphere: "", sector: "", country: "", role: "", year: null, focus: null };
  const visibleNodes = new Set(byId.keys());
  const visibleEdges = new Set(data.edges.map((e) => e.id));
  const nodeView = new vis.DataView(nodes, { filter: (n) => visibleNodes.has(n.id) });
  const edgeView = new vis.DataView(edges, { filter: (e) => visibleEdges.has(e.id) });
  const container = document.getElementById("map");
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: data.physics
      ? { solver: "barnesHut", stabilization: { iterations: 200, fit: true },
          barnesHut: { gravitationalConstant: -3000, springLength: 120 } }
      : false,
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.nodes.length > 1000 },
    nodes: { font: { size: 13, strokeWidth: 3, strokeColor: "#fff" }, borderWidth: 1 },
    edges: { color: { color: "#b0b0b0", highlight: "#333", hover: "#555" }, smooth: false },
  });
  window.network = network;
  window.thMap = { state, visibleNodes, visibleEdges, nodes, edges, ready: false, errors: [] };

  network.once("afterDrawing", () => {
    if (!data.physics) markReady();
  });
  if (!data.nodes.length) markReady(); // nothing to draw or to settle
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({ physics: false }); // frozen once untangled: clicks stay on target
    network.once("afterDrawing", markReady);
    network.redraw();
  });
  function markReady() {
    window.thMap.ready = true;
    window.thMap.readyAt = performance.now();
    document.body.dataset.ready = "1";
  }

  // --- filters -------------------------------------------------------------------------
  const values = { sphere: new Set(), sector: new Set(), country: new Set(), role: new Set() };
  for (const n of data.nodes) {
    n.spheres.forEach((s) => values.sphere.add(s));
    n.sectors.forEach((s) => values.sector.add(s));
    n.roles.forEach((r) => values.role.add(r));
    if (n.country) values.country.add(n.country);
  }
  for (const key of Object.keys(values)) {
    const select = document.getElementById("f-" + key);
    for (const v of [...values[key]].sort()) select.add(new Option(v, v));
    const preset = data.filters[key];
    if (preset && values[key].has(preset)) select.value = preset;
    state[key] = select.value;
    select.addEventListener("change", () => { state[key] = select.value; apply(); });
  }
  const years = [];
  for (const e of data.edges) for (const s of e.spans || []) years.push(s[0], s[1]);
  const slider = document.getElementById("year");
  const allYears = document.getElementById("all-years");
  const yearOut = document.getElementById("year-out");
  if (years.length) {
    slider.min = Math.min(...years); slider.max = Math.max(...years);
    slider.value = slider.max; yearOut.textContent = slider.value;
  } else {
    allYears.disabled = true;
  }
  allYears.addEventListener("change", () => {
    slider.disabled = allYears.checked;
    state.year = allYears.checked ? null : Number(slider.value);
    apply();
  });
  slider.addEventListener("input", () => {
    yearOut.textContent = slider.value;
    state.year = Number(slider.value);
    apply();
  });

  function matches(n) {
    // Filters select organisations; activities (projects, events) follow their partners.
    if (n.kind !== "organisation") return true;
    if (state.sphere && !n.spheres.includes(state.sphere)) return false;
    if (state.sector && !n.sectors.includes(state.sector)) return false;
    if (state.country && n.country !== state.country) return false;
    if (state.role && !n.roles.includes(state.role)) return false;
    return true;
  }
  function edgeOk(e) {
    if (state.role && e.roles && !e.roles.includes(state.role)) return false;
    return activeIn(e, state.year);
  }
  function activeIn(e, year) {
    if (year === null || !e.spans) return true;
    return e.spans.some((s) => s[0] <= year && year <= s[1]);
  }
  function apply() {
    const filtering = state.sphere || state.sector || state.country || state.role;
    const keep = new Set(data.nodes.filter(matches).map((n) => n.id));
    visibleEdges.clear();
    const touched = new Set();
    for (const e of data.edges) {
      if (keep.has(e.from) && keep.has(e.to) && edgeOk(e)) {
        visibleEdges.add(e.id); touched.add(e.from); touched.add(e.to);
      }
    }
    visibleNodes.clear();
    for (const id of keep) {
      const n = byId.get(id);
      // An activity left without any visible partner is hidden with them.
      if (n.kind === "organisation" ? true : touched.has(id) || !filtering) visibleNodes.add(id);
    }
    nodeView.refresh(); edgeView.refresh();
    showCounts();
  }
  function showCounts() {
    const el = document.getElementById("counts");
    const total = `${data.nodes.length} nodes · ${data.edges.length} links`;
    const shown = visibleNodes.size !== data.nodes.length || visibleEdges.size !== data.edges.length;
    el.textContent = shown ? `showing ${visibleNodes.size} of ${total}` : total;
    el.dataset.shownNodes = visibleNodes.size; el.dataset.shownEdges = visibleEdges.size;
  }

  // --- search --------------------------------------------------------------------------
  const search = document.getElementById("search");
  const found = document.getElementById("found");
  search.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    const q = search.value.trim().toLowerCase();
    if (!q) { found.textContent = ""; return; }
    // Names: the tooltip's first line (the label) and its "also:" line (other names).
    const names = (n) => n.title.split("\n", 2).join(" ").toLowerCase();
    const hits = data.nodes.filter((n) => visibleNodes.has(n.id) && names(n).includes(q));
    found.textContent = hits.length ? `${hits.length} found` : "not found";
    if (hits.length) {
      network.focus(hits[0].id, { scale: 1.2, animation: false });
      select(hits[0].id);
    }
  });

  // --- click to highlight --------------------------------------------------------------
  const info = document.getElementById("info");
  network.on("click", (p) => {
    if (p.nodes.length) select(p.nodes[0]); else select(null);
  });
  function select(id) {
    const updates = [];
    if (state.focus !== null) {
      for (const n of data.nodes) updates.push({ id: n.id, color: n.color, label: n.label });
    }
    state.focus = id;
    if (id === null) {
      nodes.update(updates); info.style.display = "none"; network.unselectAll();
      window.thMap.selected = null;
      return;
    }
    const near = new Set(network.getConnectedNodes(id)); near.add(id);
    const byUpdate = new Map(updates.map((u) => [u.id, u]));
    for (const n of data.nodes) {
      const u = { id: n.id, color: near.has(n.id) ? n.color : GREY,
                  label: near.has(n.id) ? n.name : n.label };
      byUpdate.set(n.id, u);
    }
    nodes.update([...byUpdate.values()]);
    network.selectNodes([id]);
    info.textContent = byId.get(id).title; // textContent: shown literally, never parsed
    info.style.display = "block";
    window.thMap.selected = id;
  }
  showCounts();
})();

// eagraph web explorer: plain JavaScript, no packages. Every piece of data goes into the page through
// textContent or setAttribute, never as markup: names and evidence are text, whatever they contain.
"use strict";

(() => {
  const API = "/api/v1";
  const SVG = "http://www.w3.org/2000/svg";
  const KINDS = ["system", "integration", "actor", "external", "website"];
  const REASONS = {
    soft: "a soft dependency is lost",
    alternative: "some of its alternatives are lost, others remain",
    scoped: "access through a lost channel is gone for some users",
    impaired: "something it depends on is itself degraded",
  };
  const $ = (id) => document.getElementById(id);

  const state = {
    graph: null, // GET /graph
    byId: new Map(),
    down: [], // node ids, in the order chosen
    minConfidence: "curated", // the default answer: stated and curated edges; inferred ones are "possible"
    impact: null,
    selected: null, // id of the impacted node whose explanation is shown
    zoom: null, // null: fit to width
    request: 0,
  };

  // ---------------------------------------------------------------------------------------- helpers

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs = {}) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.firstChild.remove();
  }

  function showError(message) {
    $("status").textContent = message || "";
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = body && (body.detail || body.title);
      throw new Error(detail || `${response.status} ${response.statusText}`);
    }
    if (body && body.stale === true) {
      showError(`The store cannot be reached: answers come from revision ${body.revision}, the last one read.`);
    }
    return body;
  }

  function nameOf(id) {
    const node = state.byId.get(id);
    return node ? node.label : id;
  }

  function quote(text) {
    return el("q", { class: "evidence" }, text);
  }

  function source(hop) {
    const page = hop.page ? ` p. ${hop.page}` : "";
    const where = hop.document ? `${hop.document}${page}${hop.line ? ":" + hop.line : ""}` : "";
    return el("span", { class: "source" }, ` (${[where, hop.confidence, hop.strength].filter(Boolean).join(", ")})`);
  }

  // ---------------------------------------------------------------------------------------- drawing

  // A smooth route through the layout's points: level runs stay straight, bends get horizontal tangents.
  function routePath(points) {
    let d = `M${points[0].x},${points[0].y}`;
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      if (a.y === b.y || b.x <= a.x) {
        d += ` L${b.x},${b.y}`;
      } else {
        const mid = (a.x + b.x) / 2;
        d += ` C${mid},${a.y} ${mid},${b.y} ${b.x},${b.y}`;
      }
    }
    return d;
  }

  function backPath(a, b) {
    // An edge that closes a cycle runs right to left: loop it below the boxes.
    const drop = 34;
    return `M${a.x},${a.y} C${a.x + 40},${a.y + drop} ${b.x - 40},${b.y + drop} ${b.x},${b.y}`;
  }

  function drawGraph() {
    const g = state.graph;
    const host = $("graph");
    clear(host);
    const root = svg("svg", {
      viewBox: `0 0 ${g.width} ${g.height}`,
      id: "graph-svg",
      "aria-label": `${g.nodes.length} nodes, ${g.edges.length} dependencies`,
    });
    const defs = svg("defs");
    for (const [id, colour] of [["arrow", "#94a3b8"], ["arrow-hit", "#b45309"], ["arrow-down", "#dc2626"],
      ["arrow-path", "#1d4ed8"], ["arrow-back", "#a855f7"]]) {
      const marker = svg("marker", {
        id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse",
      });
      marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
      defs.append(marker);
    }
    root.append(defs);

    const edges = svg("g", { class: "edges" });
    for (const e of g.edges) {
      const pts = e.points;
      const path = svg("path", {
        d: e.back ? backPath(pts[0], pts[pts.length - 1]) : routePath(pts),
        class: `edge ${e.confidence}${e.back ? " back" : ""}`,
        "marker-end": `url(#${e.back ? "arrow-back" : "arrow"})`,
        "data-source": e.source,
        "data-target": e.target,
      });
      const title = svg("title");
      title.textContent = `${nameOf(e.source)} depends on ${nameOf(e.target)}: ${e.types.join(", ")} (${e.confidence}, ${e.strength})`;
      path.append(title);
      edges.append(path);
    }
    root.append(edges);

    const nodes = svg("g", { class: "nodes" });
    for (const n of g.nodes) {
      const group = svg("g", {
        class: `node kind-${KINDS.includes(n.kind) ? n.kind : "system"}`,
        "data-id": n.id,
        transform: `translate(${n.x},${n.y})`,
        tabindex: 0,
        role: "button",
        "aria-label": `${n.name} (${n.kind})`,
      });
      if (n.sources && n.sources.length) group.dataset.sources = n.sources.join(" ");
      group.append(svg("rect", { class: "box", width: n.width, height: n.height, rx: 6 }));
      group.append(svg("rect", { class: "stripe", x: 0, y: 0, width: 5, height: n.height, rx: 2 }));
      const label = svg("text", { x: 12, y: n.height / 2 });
      label.textContent = n.label;
      group.append(label);
      const title = svg("title");
      title.textContent = `${n.name} — ${n.kind} (${n.id}). Click to mark down.`;
      group.append(title);
      group.addEventListener("click", () => toggleDown(n.id));
      group.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          toggleDown(n.id);
        }
      });
      nodes.append(group);
    }
    root.append(nodes);
    host.append(root);
    for (const label of root.querySelectorAll(".node text")) fitLabel(label, state.byId.get(label.parentNode.dataset.id));
    applyZoom();
  }

  // Shorten a label with an ellipsis until it fits its box (the full name is in the tooltip).
  function fitLabel(text, node) {
    const room = node.width - 18;
    let label = node.label;
    while (label.length > 4 && text.getComputedTextLength() > room) {
      label = label.slice(0, -1);
      text.textContent = `${label.trimEnd()}…`;
    }
  }

  function applyZoom() {
    const root = $("graph-svg");
    if (!root || !state.graph) return;
    const host = $("graph");
    const fit = Math.min(1.15, Math.max(0.55, (host.clientWidth - 2) / state.graph.width));
    const scale = state.zoom ?? fit;
    root.setAttribute("width", String(Math.round(state.graph.width * scale)));
    root.setAttribute("height", String(Math.round(state.graph.height * scale)));
  }

  function legend() {
    const list = $("legend");
    for (const kind of KINDS) {
      list.append(el("li", {}, el("span", { class: `swatch kind-${kind}` }), kind));
    }
    list.append(el("li", {}, el("span", { class: "swatch state-failed" }), "marked down"));
    list.append(el("li", {}, el("span", { class: "swatch state-down" }), "down"));
    list.append(el("li", {}, el("span", { class: "swatch state-degraded" }), "degraded"));
    list.append(el("li", {}, el("span", { class: "swatch state-delayed" }), "delayed"));
    list.append(el("li", {}, el("span", { class: "line" }), "depends on"));
    list.append(el("li", {}, el("span", { class: "line inferred" }), "inferred"));
  }

  // ---------------------------------------------------------------------------------------- impact

  function toggleDown(id) {
    const at = state.down.indexOf(id);
    if (at >= 0) state.down.splice(at, 1);
    else state.down.push(id);
    state.selected = null;
    update();
  }

  function saveHash() {
    const params = new URLSearchParams();
    for (const id of state.down) params.append("down", id);
    if (state.minConfidence !== "curated") params.set("min_confidence", state.minConfidence);
    const hash = params.toString();
    history.replaceState(null, "", hash ? `#${hash}` : location.pathname);
  }

  function loadHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    state.down = params.getAll("down").filter((id) => state.byId.has(id));
    const mc = params.get("min_confidence");
    if (["inferred", "curated", "stated"].includes(mc)) state.minConfidence = mc;
    $("min-confidence").value = state.minConfidence;
  }

  function renderChips() {
    const chips = $("down-chips");
    clear(chips);
    for (const id of state.down) {
      const remove = el("button", { type: "button", "aria-label": `Bring ${nameOf(id)} back up` }, "×");
      remove.addEventListener("click", () => toggleDown(id));
      chips.append(el("span", { class: "chip", "data-id": id }, nameOf(id), remove));
    }
    $("clear").disabled = state.down.length === 0;
  }

  async function update() {
    saveHash();
    renderChips();
    showError("");
    const ticket = ++state.request;
    if (state.down.length === 0) {
      state.impact = null;
      paint();
      return;
    }
    const params = new URLSearchParams();
    for (const id of state.down) params.append("down", id);
    params.set("min_confidence", state.minConfidence);
    try {
      const impact = await getJSON(`${API}/impact?${params}`);
      if (ticket !== state.request) return; // a newer question is on its way
      state.impact = impact;
      paint();
    } catch (err) {
      if (ticket === state.request) showError(`Could not compute the impact: ${err.message}`);
    }
  }

  function paint() {
    const root = $("graph-svg");
    const impact = state.impact;
    const states = new Map();
    if (impact) {
      for (const id of impact.down) states.set(id, "failed");
      for (const item of impact.impacted) states.set(item.id, item.state);
    }
    root.classList.toggle("impact", Boolean(impact));
    for (const group of root.querySelectorAll(".node")) {
      const s = states.get(group.dataset.id);
      group.classList.remove("failed", "down", "degraded", "delayed");
      if (s) group.classList.add(s);
      group.dataset.state = s || "ok";
    }
    for (const path of root.querySelectorAll(".edge")) {
      const from = states.get(path.dataset.source);
      const to = states.get(path.dataset.target);
      const hit = Boolean(from && from !== "failed" && to);
      path.classList.toggle("hit", hit);
      const soft = to === "degraded" || to === "delayed";
      path.classList.toggle("to-down", hit && !soft);
      if (!path.classList.contains("back")) {
        path.setAttribute("marker-end", `url(#${hit ? (!soft ? "arrow-down" : "arrow-hit") : "arrow"})`);
      }
    }
    renderPanel();
    explain(state.selected);
  }

  function renderPanel() {
    const impact = state.impact;
    $("intro").hidden = Boolean(impact);
    $("result").hidden = !impact;
    if (!impact) return;
    const s = impact.summary;
    $("summary").textContent =
      `${impact.down.map(nameOf).join(" + ")} down → ${s.by_state.down} down, ${s.by_state.degraded} degraded, ` +
      `${s.by_state.delayed} delayed`;
    $("summary-detail").textContent =
      `${s.impacted} ${s.impacted === 1 ? "node" : "nodes"} impacted` + (s.actors ? `; ${s.actors} ${s.actors === 1 ? "user loses" : "users lose"} something` : "") +
      (s.possible ? `; ${s.possible} more possible through inferred edges` : "") +
      (s.inferred ? `; ${s.inferred} only through inferred edges (marked possible)` : "") + "." +
      (s.risk && s.risk.text ? ` Risk: ${s.risk.text}.` : "") +
      ` Edges: ${impact.min_confidence === "inferred" ? "all, incl. inferred" : impact.min_confidence + " and better"}.`;
    fillImpacted($("impacted"), impact.impacted, "Nothing depends on it.");
    fillImpacted($("possible"), impact.possible, null);
    $("possible-title").hidden = impact.possible.length === 0;

    const actors = $("actors");
    clear(actors);
    $("actors-title").hidden = impact.actors.length === 0;
    const verb = { down: "cannot", degraded: "less able to", delayed: "later:" };
    const bare = { down: "cannot use", degraded: "less able to use", delayed: "gets late what comes from" };
    for (const actor of impact.actors) {
      const li = el("li", {}, el("strong", {}, actor.name));
      for (const loss of actor.loses) {
        const tag = el("span", { class: `badge ${loss.state}` }, loss.state === "down" ? "down for them" : loss.state);
        const whats = loss.capabilities.length ? loss.capabilities : [null];
        for (const what of whats) {
          li.append(el("span", { class: "loss" },
            what ? `${verb[loss.state]} ${what} via ${loss.name} ` : `${bare[loss.state]} ${loss.name} `, tag));
        }
      }
      actors.append(li);
    }
  }

  const STATE_ORDER = { down: 0, degraded: 1, delayed: 2 };

  function fillImpacted(list, impacted, none) {
    clear(list);
    const items = [...impacted].sort((a, b) =>
      (STATE_ORDER[a.state] ?? 3) - (STATE_ORDER[b.state] ?? 3) || a.distance - b.distance ||
      a.name.localeCompare(b.name));
    if (items.length === 0 && none) list.append(el("li", { class: "none" }, none));
    for (const item of items) {
      const first = item.hops[0];
      const head = el("div", { class: "head" },
        el("span", { class: `badge ${item.state}` }, item.state),
        el("span", { class: "name" }, item.name),
        el("span", { class: "meta" },
          item.inferred ? el("span", { class: "badge inferred", title: "impacted only through inferred edges" }, "inferred") : null,
          ` ${item.distance} hop${item.distance === 1 ? "" : "s"}`));
      const why = first
        ? el("p", { class: "why" }, `${nameOf(first.source)} —${first.type}→ ${nameOf(first.target)}: `, quote(first.evidence), source(first))
        : null;
      const crosses = item.documents && item.documents.length > 1
        ? el("div", { class: "crosses" }, `crosses sources: ${item.documents.join(" → ")}`)
        : null;
      const scoped = item.down_for.length
        ? el("div", { class: "for" }, `down for ${item.down_for.map(nameOf).join(", ")}`)
        : null;
      // Every hop's sentence, not only the first: collapsed, one click away.
      let rest = null;
      if (item.hops.length > 1) {
        const hops = el("ol", {});
        for (const h of item.hops) {
          hops.append(el("li", {}, `${nameOf(h.source)} —${h.type}→ ${nameOf(h.target)}: `, quote(h.evidence), source(h)));
        }
        rest = el("details", { class: "hops-all" }, el("summary", {}, `every hop’s evidence (${item.hops.length})`), hops);
        rest.addEventListener("click", (ev) => ev.stopPropagation());
      }
      const li = el("li", { class: item.state, tabindex: 0, "data-id": item.id }, head, scoped, crosses, why, rest);
      if (item.id === state.selected) li.classList.add("selected");
      li.addEventListener("click", () => select(item.id));
      li.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") select(item.id);
      });
      list.append(li);
    }
  }

  function select(id) {
    state.selected = state.selected === id ? null : id;
    for (const li of [...$("impacted").children, ...$("possible").children]) {
      li.classList.toggle("selected", li.dataset.id === state.selected);
    }
    explain(state.selected);
  }

  // The path view: why one node is impacted, hop by hop, each with the sentence it rests on.
  function explain(id) {
    const root = $("graph-svg");
    const view = $("path-view");
    const item = id && state.impact
      ? state.impact.impacted.find((i) => i.id === id) || state.impact.possible.find((i) => i.id === id)
      : null;
    root.classList.toggle("explain", Boolean(item));
    for (const n of root.querySelectorAll(".on-path")) n.classList.remove("on-path");
    view.hidden = !item;
    if (!item) return;
    const onPath = new Set(item.path);
    for (const group of root.querySelectorAll(".node")) {
      if (onPath.has(group.dataset.id)) group.classList.add("on-path");
    }
    for (const hop of item.hops) {
      for (const path of root.querySelectorAll(".edge")) {
        if (path.dataset.source === hop.source && path.dataset.target === hop.target) {
          path.classList.add("on-path");
          path.setAttribute("marker-end", "url(#arrow-path)");
        }
      }
    }
    $("path-title").textContent = `Why ${item.name} is ${item.state}`;
    $("path-reasons").textContent = item.degraded_by.length
      ? `Degraded because ${item.degraded_by.map((r) => REASONS[r] || r).join("; ")}.`
      : "";
    const hops = $("path-hops");
    clear(hops);
    for (const hop of item.hops) {
      hops.append(el("li", {},
        el("span", { class: "edge" }, `${nameOf(hop.source)} `, el("span", { class: "type" }, hop.type), ` ${nameOf(hop.target)}`),
        hop.strength === "soft" ? " (soft)" : "",
        hop.alt_group ? " (one of several alternatives)" : "",
        el("br"), quote(hop.evidence), source(hop)));
    }
    if (item.down_for.length) {
      hops.append(el("li", { class: "muted" }, `Access is lost for ${item.down_for.map(nameOf).join(", ")}.`));
    }
    if (item.inferred) {
      hops.append(el("li", { class: "muted" }, "Possible: this rests on an inferred edge. With curated and stated edges only it is not impacted, until an architect signs the edge off."));
    }
    view.scrollIntoView({ block: "nearest" });
  }

  // ---------------------------------------------------------------------------------------- search

  function setupSearch() {
    const input = $("q");
    const list = $("suggestions");
    let options = [];
    let active = -1;
    let timer = null;
    let ticket = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function highlight(i) {
      active = i;
      [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    }

    function choose(i) {
      const option = options[i];
      if (!option) return;
      input.value = "";
      close();
      if (!state.down.includes(option.id)) toggleDown(option.id);
    }

    async function suggest() {
      const text = input.value.trim();
      const mine = ++ticket;
      if (!text) return close();
      let page;
      try {
        page = await getJSON(`${API}/nodes?${new URLSearchParams({ q: text, limit: "8" })}`);
      } catch (err) {
        page = { items: [] };
      }
      if (mine !== ticket) return;
      options = page.items;
      clear(list);
      options.forEach((o, i) => {
        const li = el("li", { role: "option", id: `option-${i}`, "data-id": o.id, "aria-selected": "false" },
          el("span", { class: `badge kind` }, o.kind), el("span", {}, o.short || o.name),
          el("span", { class: "id" }, o.id));
        li.addEventListener("mousedown", (ev) => {
          ev.preventDefault();
          choose(i);
        });
        list.append(li);
      });
      if (options.length === 0) list.append(el("li", { class: "empty" }, `No node matches “${text}”`));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(options.length ? 0 : -1);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown" && options.length) {
        ev.preventDefault();
        highlight((active + 1) % options.length);
      } else if (ev.key === "ArrowUp" && options.length) {
        ev.preventDefault();
        highlight((active - 1 + options.length) % options.length);
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        choose(active >= 0 ? active : 0);
      } else if (ev.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  // ---------------------------------------------------------------------------------------- start

  // Several sources (organisations' portfolios merged): pick one to dim every node it does not describe.
  async function setupSources() {
    let sources;
    try {
      sources = (await getJSON(`${API}/sources`)).items;
    } catch (err) {
      return; // the graph still works without the filter
    }
    if (sources.length < 2) return;
    const select = $("source");
    for (const s of sources) {
      const label = s.organisation ? `${s.id} — ${s.organisation}` : `${s.id} — ${s.document}`;
      select.append(el("option", { value: s.id }, `${label} (${s.nodes})`));
    }
    $("source-filter").hidden = false;
    select.addEventListener("change", () => {
      const chosen = select.value;
      const root = $("graph-svg");
      if (!root) return;
      root.classList.toggle("by-source", Boolean(chosen));
      for (const group of root.querySelectorAll(".node")) {
        const mine = (group.dataset.sources || "").split(" ").includes(chosen);
        group.classList.toggle("other-source", Boolean(chosen) && !mine);
      }
    });
  }

  async function start() {
    legend();
    setupSearch();
    $("path-close").addEventListener("click", () => select(state.selected));
    $("clear").addEventListener("click", () => {
      state.down = [];
      state.selected = null;
      update();
    });
    $("min-confidence").addEventListener("change", (ev) => {
      state.minConfidence = ev.target.value;
      update();
    });
    $("zoom-in").addEventListener("click", () => {
      state.zoom = Math.min(2, (state.zoom ?? currentScale()) * 1.2);
      applyZoom();
    });
    $("zoom-out").addEventListener("click", () => {
      state.zoom = Math.max(0.3, (state.zoom ?? currentScale()) / 1.2);
      applyZoom();
    });
    $("zoom-fit").addEventListener("click", () => {
      state.zoom = null;
      applyZoom();
    });
    window.addEventListener("resize", applyZoom);
    try {
      state.graph = await getJSON(`${API}/graph`);
    } catch (err) {
      showError(`Could not load the graph: ${err.message}`);
      return;
    }
    for (const n of state.graph.nodes) state.byId.set(n.id, n);
    drawGraph();
    await setupSources();
    loadHash();
    document.body.dataset.ready = "true";
    await update();
  }

  function currentScale() {
    const root = $("graph-svg");
    return root ? Number(root.getAttribute("width")) / state.graph.width : 1;
  }

  start();
})();

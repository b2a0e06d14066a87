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
    source: "", // the source whose nodes stay bright ("" all)
    revision: null, // the revision drawn and asked (null: the current one; the changes view draws its "to")
  };

  const review = {
    open: false,
    items: [], // GET /review, the pages read so far
    total: 0,
    revision: null,
    current: 0, // index of the item the keys act on
    form: null, // the open decision form
    history: null, // { about, opener } while the history is shown
    inferred: null, // every inferred edge of the queue's revision (the accept preview sets the others aside)
    busy: false, // a decision is saved and its revision not yet answering
  };

  const changes = {
    open: false,
    revisions: [], // GET /revisions, the most recent first
    from: null, // the revisions compared (from the address until the selects are filled)
    to: null,
    diff: null, // GET /diff, painted over the drawing of `to`
    names: new Map(), // id -> name of the nodes the drawing does not show (removed ones)
    ticket: 0,
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

  // The one status line (aria-live): errors in red, progress and confirmations in blue and green.
  function say(message, tone = "error") {
    const status = $("status");
    status.textContent = message || "";
    status.dataset.tone = tone;
  }

  function showError(message) {
    say(message, "error");
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

  // A write sends an API key (X-API-Key; docs/keys.md). It is asked for once, when the first write is
  // attempted, and kept in sessionStorage only: this tab, until it closes — never localStorage, never a cookie.
  const KEY_ITEM = "eagraph-api-key";

  function apiKey() {
    let key = sessionStorage.getItem(KEY_ITEM);
    if (!key) {
      key = (window.prompt("API key for changes (eag_…), kept in this tab only:") || "").trim();
      if (!key) return null;
      sessionStorage.setItem(KEY_ITEM, key);
    }
    return key;
  }

  // POST `body` as JSON with the key; a 401 forgets the key (the next write asks again). Rejects with an
  // Error carrying the problem's detail and `status`.
  async function postJSON(url, body) {
    const key = apiKey();
    if (!key) {
      const error = new Error("No API key given: nothing was sent.");
      error.status = 401;
      throw error;
    }
    const response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-API-Key": key },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => null);
    if (response.status === 401) sessionStorage.removeItem(KEY_ITEM);
    if (!response.ok) {
      const detail = answer && (answer.detail || answer.title);
      const error = new Error(detail || `${response.status} ${response.statusText}`);
      error.status = response.status;
      throw error;
    }
    return answer;
  }

  window.eagraph = Object.freeze({ apiKey, postJSON });

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
      ["arrow-path", "#1d4ed8"], ["arrow-back", "#a855f7"], ["arrow-added", "#16a34a"], ["arrow-removed", "#dc2626"],
      ["arrow-changed", "#d97706"]]) {
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
    if (changes.open && changes.diff) paintDiff();
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
    // The changes view's marks, shown only there.
    list.append(el("li", { class: "diff-key" }, el("span", { class: "line added" }), "edge added"));
    list.append(el("li", { class: "diff-key" }, el("span", { class: "line removed" }), "edge removed"));
    list.append(el("li", { class: "diff-key" }, el("span", { class: "line changed" }), "edge changed"));
    list.append(el("li", { class: "diff-key" }, el("span", { class: "swatch node-added" }), "node added"));
    list.append(el("li", { class: "diff-key" }, el("span", { class: "swatch node-changed" }), "node changed"));
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
    if (review.open) params.set("view", "review");
    if (changes.open) {
      params.set("view", "changes");
      if (changes.from) params.set("from", changes.from);
      if (changes.to) params.set("to", changes.to);
    }
    const hash = params.toString();
    history.replaceState(null, "", hash ? `#${hash}` : location.pathname);
  }

  function loadHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    state.down = params.getAll("down").filter((id) => state.byId.has(id));
    const mc = params.get("min_confidence");
    if (["inferred", "curated", "stated"].includes(mc)) state.minConfidence = mc;
    review.open = params.get("view") === "review";
    changes.open = params.get("view") === "changes";
    changes.from = params.get("from");
    changes.to = params.get("to");
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
    if (state.revision) params.set("revision", state.revision);
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
        const mark = path.dataset.diff ? `arrow-${path.dataset.diff}` : "arrow";
        path.setAttribute("marker-end", `url(#${hit ? (!soft ? "arrow-down" : "arrow-hit") : mark})`);
      }
    }
    renderPanel();
    explain(state.selected);
  }

  function renderPanel() {
    const impact = state.impact;
    $("intro").hidden = review.open || changes.open || Boolean(impact);
    $("result").hidden = review.open || changes.open || !impact;
    renderReviewImpact();
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
    const links = $("history-links");
    clear(links);
    links.append("Decisions about ", ...historyButtons(impact.down));
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
      const past = el("button", {
        type: "button", class: "link", "aria-label": `History of the edge ${edgeText(hop)}`,
      }, "history");
      past.addEventListener("click", () => openHistory({ source: hop.source, target: hop.target, type: hop.type }, past));
      hops.append(el("li", {},
        el("span", { class: "edge" }, `${nameOf(hop.source)} `, el("span", { class: "type" }, hop.type), ` ${nameOf(hop.target)}`),
        hop.strength === "soft" ? " (soft)" : "",
        hop.alt_group ? " (one of several alternatives)" : "",
        " ", past,
        el("br"), quote(hop.evidence), source(hop)));
    }
    $("path-history").setAttribute("aria-label", `History of the decisions about ${item.name}`);
    $("path-history").dataset.node = item.id;
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

  // ---------------------------------------------------------------------------------------- review

  // The review queue (GET /review): inferred edges and findings, the largest blast radius first. A decision
  // (POST /decisions) is one overlay operation with a reason, signed with the key's name. Its impact is
  // previewed with POST /scenarios before it is saved. The server builds the new revision in the background and
  // reads answer from the previous one until then, so the page waits for /ready to name the decision's revision
  // before it reads the queue, the graph and the impact again.
  const PAGE = 100;
  const MAX_EDITS = 100; // edits in one scenario (app/schemas.py)
  const EDGES = { inferred: "all, incl. inferred", curated: "stated and curated", stated: "stated only" };
  const ACTIONS = {
    accept: { key: "a", label: "Accept", op: "edges.accept", help: "Sign the edge off: it counts as curated" },
    reject: { key: "r", label: "Reject", op: "edges.remove", help: "Remove the edge" },
    edit: { key: "e", label: "Edit", op: "edges.update", help: "Change its strength or alternative group" },
    dismiss: { key: "d", label: "Dismiss", op: "findings.dismiss", help: "Set the finding aside" },
    merge: { key: "m", label: "Merge", op: "nodes.merge", help: "Two names of one system: merge them" },
  };
  const KEYS = Object.fromEntries(Object.entries(ACTIONS).map(([name, a]) => [a.key, name]));
  const REASON_NEEDED = "A reason is required: say why, for whoever reads the history.";
  let uid = 0;

  function fullName(id) {
    const node = state.byId.get(id);
    return node ? `${node.name} (${id})` : id;
  }

  function edgeText(e) {
    return `${nameOf(e.source)} —${e.type}→ ${nameOf(e.target)}`;
  }

  function edgeRef(e) {
    return el("span", { class: "edge-ref" },
      el("span", { class: "end", title: fullName(e.source) }, nameOf(e.source)), " ",
      el("span", { class: "type" }, `—${e.type}→`), " ",
      el("span", { class: "end", title: fullName(e.target) }, nameOf(e.target)));
  }

  function joined(parts, separator = ", ") {
    return parts.flatMap((part, i) => (i ? [separator, part] : [part]));
  }

  function where(evidence) {
    return [evidence.document, evidence.page ? `page ${evidence.page}` : null, evidence.line ? `line ${evidence.line}` : null]
      .filter(Boolean).join(", ");
  }

  function stateBadge(s) {
    return el("span", { class: `badge ${s || "ok"}` }, s || "ok");
  }

  // What a decision is about, in words: the edge with names, the node, the finding.
  function describe(op, item) {
    const fields = (keys) => keys.filter((k) => k in item).map((k) => {
      const v = item[k];
      return `${k.replace("_", " ")} ${v === null ? "none" : Array.isArray(v) ? v.map(nameOf).join(", ") : v}`;
    });
    let text;
    let extra = [];
    if (op.startsWith("edges.") && item.source) {
      text = edgeText(item);
      extra = fields(["strength", "alt_group", "scope", "mode", "tolerance", "capability"]);
    } else if (op === "nodes.merge") {
      text = `${nameOf(item.id)} into ${nameOf(item.into)}`;
    } else if (op === "findings.dismiss") {
      text = item.code + (item.nodes && item.nodes.length ? ` about ${item.nodes.map(nameOf).join(", ")}` : "");
    } else if (op === "entries.rename") {
      text = `the entry on line ${item.line} as “${item.name}”`;
    } else if (item.id) {
      text = nameOf(item.id);
      extra = fields(Object.keys(item).filter((k) => k !== "id"));
    } else {
      text = Object.entries(item).map(([k, v]) => `${k} ${v}`).join(", ");
    }
    return extra.length ? `${text} (${extra.join("; ")})` : text;
  }

  function when(at) {
    const utc = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?(Z|\+00:00)$/.exec(at || "");
    return utc ? `${utc[1]} ${utc[2]} UTC` : at;
  }

  async function sendJSON(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error((answer && (answer.detail || answer.title)) || `${response.status} ${response.statusText}`);
    }
    return answer;
  }

  function historyButtons(ids) {
    return joined(ids.map((id) => {
      const button = el("button", {
        type: "button", class: "link", "data-node": id, "aria-label": `History of the decisions about ${fullName(id)}`,
      }, nameOf(id));
      button.addEventListener("click", () => openHistory({ node: id }, button));
      return button;
    }));
  }

  // The current impact, above the queue: it changes as decisions are made.
  function renderReviewImpact() {
    const box = $("review-impact");
    clear(box);
    const impact = state.impact;
    if (!impact) {
      delete box.dataset.impacted;
      box.append(`Mark a system down (search, or click a box) to watch its impact change as you decide. Edges: ${EDGES[state.minConfidence]}.`);
      return;
    }
    const s = impact.summary;
    box.dataset.impacted = String(s.impacted);
    box.dataset.possible = String(s.possible);
    box.append(
      el("strong", {}, `${impact.down.map(nameOf).join(" + ")} down → ${s.impacted} impacted`),
      s.possible ? `, ${s.possible} more possible through inferred edges` : "",
      ` (edges: ${EDGES[impact.min_confidence]}). Decisions about `, ...historyButtons(impact.down), ".");
  }

  async function showReview(on) {
    if (on && changes.open) await showChanges(false);
    review.open = on;
    document.body.classList.toggle("reviewing", on);
    $("review-toggle").setAttribute("aria-pressed", String(on));
    $("review").hidden = !on;
    saveHash();
    renderPanel();
    applyZoom();
    if (!on) {
      closeForm();
      markReviewed();
      return;
    }
    $("review-list").setAttribute("aria-busy", "true");
    try {
      await loadQueue();
    } catch (err) {
      showError(`Could not read the review queue: ${err.message}`);
      return;
    } finally {
      $("review-list").removeAttribute("aria-busy");
    }
    renderQueue();
    focusCurrent();
  }

  // keep: read as many items as are shown (after a decision the list stays as long as it was).
  async function loadQueue(keep = false) {
    const limit = keep ? Math.min(1000, Math.max(PAGE, review.items.length)) : PAGE;
    const page = await getJSON(`${API}/review?${new URLSearchParams({ limit: String(limit), offset: "0" })}`);
    review.items = page.items;
    review.total = page.total;
    review.revision = page.revision;
    review.inferred = null;
  }

  async function loadMore() {
    const offset = String(review.items.length);
    const page = await getJSON(`${API}/review?${new URLSearchParams({ limit: String(PAGE), offset })}`);
    review.items.push(...page.items);
    review.total = page.total;
    renderQueue();
  }

  function renderQueue() {
    closeForm();
    const list = $("review-list");
    clear(list);
    review.current = Math.min(review.current, Math.max(0, review.items.length - 1));
    review.items.forEach((item, i) => list.append(queueItem(item, i)));
    if (!review.items.length) list.append(el("li", { class: "none" }, "Nothing to review: every inferred edge and finding is settled."));
    const shown = review.items.length;
    $("review-summary").textContent =
      `${review.total} ${review.total === 1 ? "item" : "items"} to review, the largest blast radius first` +
      (shown < review.total ? ` (${shown} shown)` : "") + `. Revision ${review.revision}.`;
    $("review-more").hidden = shown >= review.total;
    $("review").dataset.revision = review.revision;
    markReviewed();
  }

  // The current item's edge (or nodes) stand out in the graph.
  function markReviewed() {
    const root = $("graph-svg");
    if (!root) return;
    for (const n of root.querySelectorAll(".reviewed")) n.classList.remove("reviewed");
    const item = review.open ? review.items[review.current] : null;
    if (!item) return;
    const ids = new Set(item.edge ? [item.edge.source, item.edge.target] : item.nodes);
    for (const group of root.querySelectorAll(".node")) {
      if (ids.has(group.dataset.id)) group.classList.add("reviewed");
    }
    if (!item.edge) return;
    for (const path of root.querySelectorAll(".edge")) {
      if (path.dataset.source === item.edge.source && path.dataset.target === item.edge.target) path.classList.add("reviewed");
    }
  }

  function offered(item) {
    if (item.kind === "inferred-edge") return ["accept", "reject", "edit"];
    return ["merge", "dismiss"].filter((name) => item.settle.some((s) => s.op === ACTIONS[name].op));
  }

  function settled(item, op) {
    const s = item.settle.find((x) => x.op === op);
    return s ? { ...s.item } : null;
  }

  function historyAbout(item) {
    if (item.edge) return { source: item.edge.source, target: item.edge.target, type: item.edge.type };
    return item.nodes.length ? { node: item.nodes[0] } : {};
  }

  function queueItem(item, i) {
    const current = i === review.current;
    const edge = item.kind === "inferred-edge";
    const head = el("div", { class: "head" },
      el("span", { class: `badge ${edge ? "inferred" : "finding"}` }, edge ? "inferred edge" : "finding"),
      edge ? null : el("span", { class: "code" }, item.code),
      el("span", { class: "blast", title: "Blast radius: the nodes that depend, directly or not, on the nodes involved" },
        `blast radius ${item.blast_radius}`));
    const rule = /is inferred \((.+)\)$/.exec(item.message);
    const proposal = item.edge
      ? el("div", { class: "proposal" }, el("span", { class: "label" }, "proposed edge"), edgeRef(item.edge),
        el("p", { class: "message muted" }, rule ? `inferred by the rule ${rule[1]}` : item.message))
      : el("div", { class: "proposal" }, el("span", { class: "label" }, "finding about"),
        item.nodes.length ? el("span", {}, ...joined(item.nodes.map((id) => el("span", { class: "end", title: fullName(id) }, nameOf(id)))))
          : el("span", { class: "muted" }, "the document"),
        el("p", { class: "message" }, item.message));
    const ev = item.evidence || {};
    const evidence = el("div", { class: "evidence-col" },
      el("span", { class: "label" }, ev.text && ev.text !== item.message ? "evidence" : "where"),
      ev.text && ev.text !== item.message ? quote(ev.text) : null,
      el("span", { class: "where" }, where(ev) || "no place in a document"));
    const li = el("li", {
      class: `review-item${current ? " current" : ""}`, tabindex: current ? "0" : "-1",
      "data-key": item.edge ? `${item.edge.source} ${item.edge.type} ${item.edge.target}` : `${item.code} ${item.nodes.join(" ")}`,
      "data-kind": item.kind,
    }, head, el("div", { class: "columns" }, proposal, evidence));
    if (item.edge) {
      li.dataset.source = item.edge.source;
      li.dataset.target = item.edge.target;
    }
    if (current) {
      li.setAttribute("aria-current", "true");
      li.append(actionsFor(item));
    }
    li.addEventListener("click", (ev) => {
      if (ev.target.closest("button, form, a")) return;
      if (i !== review.current) moveTo(i);
    });
    return li;
  }

  function actionsFor(item) {
    const bar = el("div", { class: "actions", role: "group", "aria-label": "Decide on this item" });
    for (const name of offered(item)) {
      const a = ACTIONS[name];
      const merge = name === "merge" ? settled(item, a.op) : null;
      const label = merge ? `Merge ${nameOf(merge.id)} into ${nameOf(merge.into)}` : a.label;
      const button = el("button", { type: "button", "data-action": name, "aria-keyshortcuts": a.key, title: `${a.help} (${a.key})` },
        label, " ", el("kbd", { "aria-hidden": "true" }, a.key));
      button.addEventListener("click", () => openForm(name));
      bar.append(button);
    }
    const about = historyAbout(item);
    const label = about.source ? "History of this edge" : about.node ? `History of ${nameOf(about.node)}` : "Every decision";
    const past = el("button", { type: "button", "data-action": "history", "aria-keyshortcuts": "h", title: "Who decided what, when and why (h)" },
      label, " ", el("kbd", { "aria-hidden": "true" }, "h"));
    past.addEventListener("click", () => openHistory(about, past));
    bar.append(past);
    return bar;
  }

  function currentLi() {
    const li = $("review-list").children[review.current];
    return li && li.classList.contains("review-item") ? li : null;
  }

  function focusCurrent() {
    const li = currentLi();
    if (!li) return;
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
  }

  function moveTo(i) {
    if (!review.items.length) return;
    const next = Math.max(0, Math.min(review.items.length - 1, i));
    closeForm();
    const list = $("review-list");
    const old = review.current;
    review.current = next;
    if (list.children[old]) list.children[old].replaceWith(queueItem(review.items[old], old));
    list.children[next].replaceWith(queueItem(review.items[next], next));
    markReviewed();
    focusCurrent();
  }

  function closeForm() {
    const form = review.form;
    review.form = null;
    if (!form) return;
    clearTimeout(form.timer);
    form.view.form.remove();
  }

  // A small form asking the reason (required), with an optional preview box; `onSubmit(reason)` saves.
  function reasonForm({ title, extra = null, submit, onSubmit, onCancel, preview = true }) {
    const n = ++uid;
    const heading = el("h4", { id: `form-title-${n}` }, title);
    const box = preview ? el("div", { class: "preview", "aria-live": "polite", "data-ready": "false" }) : null;
    const reason = el("textarea", {
      id: `reason-${n}`, rows: "2", maxlength: "2000", required: "", "aria-required": "true",
      placeholder: "Why? e.g. confirmed with the system owner",
    });
    const save = el("button", { type: "submit", class: "primary" }, submit);
    const cancel = el("button", { type: "button" }, "Cancel");
    const form = el("form", { class: "decide", novalidate: "", "aria-labelledby": heading.id }, heading, extra, box,
      el("label", { for: reason.id }, "Reason ", el("span", { class: "muted" }, "(required; Enter saves, Shift+Enter starts a new line)")),
      reason, el("div", { class: "buttons" }, save, cancel));
    cancel.addEventListener("click", onCancel);
    form.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        onCancel();
      }
    });
    reason.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    reason.addEventListener("input", () => {
      reason.removeAttribute("aria-invalid");
      if ($("status").textContent === REASON_NEEDED) say("");
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        reason.setAttribute("aria-invalid", "true");
        showError(REASON_NEEDED);
        reason.focus();
        return;
      }
      if (form.getAttribute("aria-busy") === "true") return;
      form.setAttribute("aria-busy", "true");
      save.disabled = true;
      try {
        await onSubmit(text);
      } catch (err) {
        showError(`Not saved: ${err.message}`);
        if (document.contains(reason)) reason.focus();
      } finally {
        form.removeAttribute("aria-busy");
        save.disabled = false;
      }
    });
    return { form, box, reason };
  }

  function openForm(action) {
    const item = review.items[review.current];
    if (!item) return;
    const a = ACTIONS[action];
    if (!offered(item).includes(action)) {
      showError(`${a.label} (${a.key}) does not apply to this item` +
        (item.kind === "finding" ? ": it is a finding, not an edge." : ": it is an edge, not a finding."));
      return;
    }
    if (review.busy) {
      showError("Wait a moment: the last decision's revision is still being built.");
      return;
    }
    closeForm();
    const base = action === "edit" ? { ...item.edge } : settled(item, a.op);
    const titles = {
      accept: `Accept ${edgeText(item.edge)}: it counts as curated`,
      reject: `Reject ${edgeText(item.edge)}: remove the edge`,
      edit: `Edit ${edgeText(item.edge)}`,
      dismiss: `Dismiss the finding ${item.code}`,
      merge: base ? `Merge ${nameOf(base.id)} into ${nameOf(base.into)}` : "",
    };
    const form = { action, op: a.op, item, base, ticket: 0, timer: null, fields: null, view: null };
    const extra = action === "edit" ? editFields(form) : null;
    form.view = reasonForm({
      title: titles[action],
      extra,
      submit: `Save: ${a.label.toLowerCase()}`,
      onSubmit: (reason) => saveDecision(form, reason),
      onCancel: () => {
        closeForm();
        focusCurrent();
      },
    });
    form.view.form.dataset.action = action;
    review.form = form;
    currentLi().append(form.view.form);
    (form.fields ? form.fields.strength : form.view.reason).focus();
    form.view.form.scrollIntoView({ block: "nearest" });
    refreshPreview(form);
  }

  function editFields(form) {
    const n = ++uid;
    const strength = el("select", { id: `strength-${n}` },
      el("option", { value: "" }, "keep as it is"),
      el("option", { value: "hard" }, "hard: it stops without it"),
      el("option", { value: "soft" }, "soft: it is degraded without it"));
    const alt = el("input", { id: `alt-${n}`, type: "text", maxlength: "100", autocomplete: "off", spellcheck: "false", placeholder: "none" });
    const now = el("p", { class: "muted now" }, "Reading the edge…");
    form.fields = { strength, alt, now, current: null };
    strength.addEventListener("change", () => schedulePreview(form));
    alt.addEventListener("input", () => schedulePreview(form));
    currentEdge(form.item.edge).then((hop) => {
      clear(now);
      if (!hop) {
        now.append("Its strength and group could not be read: only what you set is sent.");
        return;
      }
      form.fields.current = hop;
      strength.options[0].textContent = `keep as it is (${hop.strength})`;
      if (!alt.value) alt.value = hop.alt_group || "";
      now.append(`Now: ${hop.strength}, ${hop.alt_group ? `alternative group “${hop.alt_group}”` : "in no alternative group"}` +
        (hop.mode ? `, ${hop.mode}` : "") + ".");
    });
    return el("div", { class: "fields" }, now,
      el("label", { for: strength.id }, "Strength"), strength,
      el("label", { for: alt.id }, "Alternative group ",
        el("span", { class: "muted" }, "(one system's edges in one group back each other up; empty: none)")), alt);
  }

  // The edge's strength, group and mode, from the one-hop path between its ends (null if unknown).
  async function currentEdge(edge) {
    try {
      const params = new URLSearchParams({ from: edge.source, to: edge.target, min_confidence: "inferred", limit: "5" });
      const found = await getJSON(`${API}/paths?${params}`);
      for (const path of found.paths) {
        const hop = path.hops.length === 1 ? path.hops[0] : null;
        if (hop && hop.source === edge.source && hop.target === edge.target && hop.type === edge.type) return hop;
      }
    } catch (err) {
      // the form still works: only what is set is sent
    }
    return null;
  }

  function editChanges(form) {
    const f = form.fields;
    const current = f.current || {};
    const out = {};
    if (f.strength.value && f.strength.value !== current.strength) out.strength = f.strength.value;
    const alt = f.alt.value.trim() || null;
    if (alt !== (current.alt_group ?? null)) out.alt_group = alt;
    return out;
  }

  function schedulePreview(form) {
    clearTimeout(form.timer);
    form.timer = setTimeout(() => refreshPreview(form), 250);
  }

  async function refreshPreview(form) {
    const box = form.view.box;
    const ticket = ++form.ticket;
    box.dataset.ready = "false";
    clear(box);
    box.append(el("h5", {}, "Impact preview"), el("p", { class: "muted" }, "Computing…"));
    let shown;
    try {
      shown = await previewOf(form);
    } catch (err) {
      shown = { note: `No preview: ${err.message}` };
    }
    if (ticket !== form.ticket || review.form !== form) return;
    clear(box);
    renderPreview(box, shown);
    box.dataset.ready = "true";
  }

  // What the decision would change, from POST /scenarios, and in words what is compared. The scenario edits
  // are remove_edge, add_edge, set_strength and set_alt_group: the closest honest comparison for each op.
  async function previewOf(form) {
    const { action, item } = form;
    if (action === "dismiss") {
      return { note: "Dismissing a finding changes no node and no edge: every impact stays as it is." };
    }
    if (action === "merge") {
      return { note: `The scenarios endpoint cannot merge nodes, so there is no impact preview. After the merge ` +
        `${nameOf(form.base.id)}’s edges, name and aliases belong to ${nameOf(form.base.into)}.` };
    }
    const ref = { source: item.edge.source, target: item.edge.target, type: item.edge.type };
    const down = ref.target;
    const name = nameOf(down);
    if (action === "reject") {
      const r = await sendJSON(`${API}/scenarios`, { down: [down], edits: [{ op: "remove_edge", ...ref }], min_confidence: "inferred" });
      return {
        compares: `If ${name} is down, counting every edge incl. inferred ones: the graph now, and without this edge.`,
        before: r.before.impacted, after: r.after.impacted,
        note: "The default answer (stated and curated edges) does not count an inferred edge: it stays as it is.",
      };
    }
    if (action === "edit") {
      const changes = editChanges(form);
      const edits = [];
      if ("strength" in changes) edits.push({ op: "set_strength", ...ref, strength: changes.strength });
      if ("alt_group" in changes) edits.push({ op: "set_alt_group", ...ref, alt_group: changes.alt_group });
      if (!edits.length) return { note: "Change the strength or the alternative group to see what it does." };
      const r = await sendJSON(`${API}/scenarios`, { down: [down], edits, min_confidence: "inferred" });
      return {
        compares: `If ${name} is down, counting every edge incl. inferred ones (an edit leaves the edge inferred): ` +
          "the edge as it is, and as edited.",
        before: r.before.impacted, after: r.after.impacted,
      };
    }
    // accept: a scenario cannot turn an edge curated, and add_edge knows no mode (batch, live). So: the default
    // answer now, against every edge incl. inferred with all the other inferred edges that can reach the node
    // set aside — the stated and curated graph plus this edge, exactly as it is.
    const reach = ancestors(down);
    const aside = (await inferredEdges()).filter((e) => reach.has(e.source) &&
      !(e.source === ref.source && e.target === ref.target && e.type === ref.type));
    if (aside.length > MAX_EDITS) {
      return { note: `No preview: ${aside.length} other inferred edges would have to be set aside, and a scenario takes at most ${MAX_EDITS} edits.` };
    }
    const now = await getJSON(`${API}/impact?${new URLSearchParams({ down, min_confidence: "curated" })}`);
    const r = await sendJSON(`${API}/scenarios`, {
      down: [down], edits: aside.map((e) => ({ op: "remove_edge", ...e })), min_confidence: "inferred",
    });
    return {
      compares: `If ${name} is down, with stated and curated edges (the default answer): now, and with this edge ` +
        `accepted as curated, its strength and mode as they are. (Computed over every edge with the other ` +
        `${aside.length} inferred ${aside.length === 1 ? "edge" : "edges"} reaching ${name} set aside.)`,
      before: now.impacted, after: r.after.impacted,
    };
  }

  function ancestors(id) {
    const preds = new Map();
    for (const e of state.graph.edges) {
      if (!preds.has(e.target)) preds.set(e.target, []);
      preds.get(e.target).push(e.source);
    }
    const seen = new Set([id]);
    const stack = [id];
    while (stack.length) {
      for (const p of preds.get(stack.pop()) || []) {
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
    return seen;
  }

  async function inferredEdges() {
    if (review.inferred) return review.inferred;
    let items = review.items;
    if (items.length < review.total) {
      items = [];
      for (let offset = 0; offset < review.total; offset += 1000) {
        const page = await getJSON(`${API}/review?${new URLSearchParams({ limit: "1000", offset: String(offset) })}`);
        items.push(...page.items);
        if (page.items.length < 1000) break;
      }
    }
    review.inferred = items.filter((i) => i.kind === "inferred-edge" && i.edge)
      .map((i) => ({ source: i.edge.source, target: i.edge.target, type: i.edge.type }));
    return review.inferred;
  }

  function renderPreview(box, { compares, before, after, note }) {
    box.append(el("h5", {}, "Impact preview"));
    if (compares) box.append(el("p", { class: "compares" }, compares));
    if (before && after) {
      const delta = after.length - before.length;
      box.dataset.before = String(before.length);
      box.dataset.after = String(after.length);
      box.append(el("p", { class: "counts" }, el("strong", {}, `${before.length} → ${after.length}`),
        ` impacted (${delta > 0 ? "+" : delta < 0 ? "−" : "±"}${Math.abs(delta)})`));
      const was = new Map(before.map((i) => [i.id, i.state]));
      const is = new Map(after.map((i) => [i.id, i.state]));
      const changed = [...new Set([...was.keys(), ...is.keys()])].filter((id) => was.get(id) !== is.get(id))
        .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
      if (!changed.length) box.append(el("p", { class: "muted" }, "No node changes state."));
      const list = el("ul", { class: "changes" });
      for (const id of changed.slice(0, 12)) {
        list.append(el("li", { "data-id": id }, `${nameOf(id)}: `, stateBadge(was.get(id)), " → ", stateBadge(is.get(id))));
      }
      if (changed.length > 12) list.append(el("li", { class: "muted" }, `and ${changed.length - 12} more`));
      if (changed.length) box.append(list);
    }
    if (note) box.append(el("p", { class: "muted" }, note));
  }

  async function saveDecision(form, reason) {
    let item = form.base;
    if (form.action === "edit") {
      const changes = editChanges(form);
      if (!Object.keys(changes).length) throw new Error("nothing to change: choose another strength or alternative group");
      item = { ...form.base, ...changes };
    }
    const answer = await postJSON(`${API}/decisions`, { op: form.op, item, reason });
    closeForm();
    await afterWrite(answer, `${form.op} ${describe(form.op, item)}`, "queue");
  }

  // A decision is saved: wait for its revision to answer, then read everything again.
  async function afterWrite(answer, what, from) {
    const d = answer.decision;
    const done = `${what} — decision ${d.id} by ${d.author}`;
    review.busy = true;
    say(`Saved: ${done}. Waiting for revision ${answer.revision}…`, "info");
    try {
      const reached = await waitForRevision(answer.revision);
      try {
        await refreshAll(from);
      } catch (err) {
        showError(`Saved (${done}), but reading the new revision failed: ${err.message}`);
        return;
      }
      if (reached) say(`Saved: ${done}. Revision ${answer.revision} answers now.`, "ok");
      else showError(`Saved: ${done}. Revision ${answer.revision} is still being built: what is shown may not include it yet.`);
    } finally {
      review.busy = false;
    }
  }

  async function waitForRevision(revision, seconds = 60) {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      try {
        if ((await getJSON(`${API}/ready`)).revision === revision) return true;
      } catch (err) {
        // still building, or the store is away for a moment: ask again
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  }

  async function refreshAll(from) {
    await useDrawing(null);
    if (review.open) {
      await loadQueue(true);
      renderQueue();
      if (from === "queue") focusCurrent();
    }
    if (review.history) {
      await loadHistory();
      if (from === "history") $("history-title").focus();
    }
  }

  // ---------------------------------------------------------------------------------------- history

  async function openHistory(about, opener) {
    review.history = { about, opener };
    $("history").hidden = false;
    $("history-title").textContent = about.node ? `History of ${nameOf(about.node)}`
      : about.source ? `History of ${edgeText(about)}` : "Every decision";
    $("history-note").textContent = (about.node ? `Every decision naming ${fullName(about.node)}`
      : about.source ? `Every decision naming both ${nameOf(about.source)} and ${nameOf(about.target)}` : "Every decision") +
      ", newest first: who, when, why, and whether it is still in force. A revert is a decision too.";
    clear($("history-list"));
    try {
      await loadHistory();
    } catch (err) {
      showError(`Could not read the history: ${err.message}`);
    }
    $("history").scrollIntoView({ block: "nearest" });
    $("history-title").focus();
  }

  async function loadHistory() {
    const { about } = review.history;
    const params = new URLSearchParams();
    if (about.node) params.set("node", about.node);
    if (about.source) {
      params.set("source", about.source);
      params.set("target", about.target);
    }
    const page = await getJSON(`${API}/history?${params}`);
    if (!review.history || review.history.about !== about) return;
    const list = $("history-list");
    clear(list);
    const byId = new Map(page.items.map((d) => [d.id, d]));
    if (!page.items.length) list.append(el("li", { class: "none" }, "No decision yet: this is as the documents say."));
    for (const d of [...page.items].reverse()) list.append(decisionItem(d, byId));
  }

  function closeHistory() {
    const shown = review.history;
    review.history = null;
    $("history").hidden = true;
    clear($("history-list"));
    if (shown && shown.opener && document.contains(shown.opener)) shown.opener.focus();
    else if (review.open) focusCurrent();
  }

  function decisionItem(d, byId) {
    const undone = d.reverts ? byId.get(d.reverts) : null;
    const what = d.op === "revert"
      ? `undoes ${undone ? `${undone.op} ${describe(undone.op, undone.item)}` : `decision ${d.reverts}`}`
      : describe(d.op, d.item);
    const li = el("li", { class: `decision ${d.active ? "active" : "undone"}`, "data-id": d.id, "data-op": d.op },
      el("div", { class: "head" },
        el("span", { class: `badge ${d.active ? "ok" : "undone"}` }, d.active ? "in force" : "undone"),
        el("span", { class: "op" }, d.op)),
      el("p", { class: "what" }, what),
      el("p", { class: "reason" }, "Why: ", quote(d.reason)),
      el("p", { class: "meta" }, "by ", el("strong", { class: "author" }, d.author), ", ",
        el("time", { datetime: d.at }, when(d.at)), ` · ${d.id}`));
    if (d.active) {
      const label = d.op === "revert" ? "Undo this revert" : "Revert";
      const button = el("button", { type: "button", class: "revert", "aria-label": `${label}: ${d.op} ${what}, by ${d.author}` }, label);
      button.addEventListener("click", () => openRevert(d, what, li, button));
      li.append(el("div", { class: "buttons" }, button));
    }
    return li;
  }

  function openRevert(d, what, li, button) {
    if (review.busy) {
      showError("Wait a moment: the last decision's revision is still being built.");
      return;
    }
    button.hidden = true;
    const view = reasonForm({
      title: d.op === "revert" ? "Undo this revert: what it undid is done again" : `Revert ${d.op} ${what}`,
      extra: el("p", { class: "muted" }, "A revert is a new decision, signed with your key; this one stays in the history, marked undone."),
      submit: d.op === "revert" ? "Save: undo the revert" : "Save: revert",
      preview: false,
      onSubmit: async (reason) => {
        const answer = await postJSON(`${API}/decisions/${encodeURIComponent(d.id)}/revert`, { reason });
        await afterWrite(answer, `revert of ${d.op} ${what}`, "history");
      },
      onCancel: () => {
        view.form.remove();
        button.hidden = false;
        button.focus();
      },
    });
    li.append(view.form);
    view.reason.focus();
  }

  // ---------------------------------------------------------------------------------------- keys

  function onReviewKey(ev) {
    if (!review.open || ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = ev.target;
    if (target instanceof Element && target.closest("input, textarea, select, form, [contenteditable]")) return;
    if (ev.key === "j" || ev.key === "k") {
      ev.preventDefault();
      moveTo(review.current + (ev.key === "j" ? 1 : -1));
    } else if (KEYS[ev.key]) {
      ev.preventDefault();
      openForm(KEYS[ev.key]);
    } else if (ev.key === "h") {
      const item = review.items[review.current];
      if (!item) return;
      ev.preventDefault();
      openHistory(historyAbout(item), currentLi());
    } else if (ev.key === "Escape") {
      if (review.form) {
        closeForm();
        focusCurrent();
      } else if (review.history) {
        closeHistory();
      }
    }
  }

  function setupReview() {
    $("review-toggle").addEventListener("click", () => showReview(!review.open));
    $("review-more").addEventListener("click", () => loadMore().catch((err) => showError(`Could not read more: ${err.message}`)));
    $("history-close").addEventListener("click", closeHistory);
    $("history").addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !ev.defaultPrevented) {
        ev.preventDefault();
        closeHistory();
      }
    });
    document.addEventListener("keydown", onReviewKey);
  }

  // The drawing of `revision` (null: the current one) replaces the graph; what is marked down and still
  // there stays down, and the impact is asked again of that revision.
  async function useDrawing(revision) {
    const graph = await getJSON(`${API}/graph${revision ? `?${new URLSearchParams({ revision })}` : ""}`);
    state.revision = revision;
    state.graph = graph;
    state.byId = new Map(graph.nodes.map((n) => [n.id, n]));
    drawGraph();
    applySourceFilter();
    state.down = state.down.filter((id) => state.byId.has(id));
    if (state.selected && !state.byId.has(state.selected)) state.selected = null;
    await update();
  }

  // ---------------------------------------------------------------------------------------- changes

  // The changes view (GET /diff): what changed between two kept revisions (GET /revisions), painted over the
  // drawing of the later one, and beside it the impact delta, the single points of failure and fatal pairs
  // that came or went, and every edge added, removed or changed with the sentence it rests on.
  async function showChanges(on) {
    if (on && review.open) await showReview(false);
    changes.open = on;
    document.body.classList.toggle("diffing", on);
    $("changes-toggle").setAttribute("aria-pressed", String(on));
    $("changes").hidden = !on;
    saveHash();
    renderPanel();
    if (!on) {
      changes.ticket++; // a comparison still on its way is not shown
      changes.diff = null;
      try {
        if (state.revision) await useDrawing(null);
        else redraw();
      } catch (err) {
        showError(`Could not read the current graph: ${err.message}`);
      }
      return;
    }
    applyZoom();
    $("changes-title").focus();
    try {
      await loadRevisions();
    } catch (err) {
      showError(`Could not read the revisions kept: ${err.message}`);
      return;
    }
    await loadDiff();
  }

  function redraw() {
    drawGraph();
    applySourceFilter();
    paint();
  }

  function revisionLabel(r) {
    const size = `${r.nodes} nodes, ${r.edges} edges`;
    return `${r.current ? "now: " : ""}${when(r.loaded_at)} · ${r.made_by} (${size}) · ${r.revision}`;
  }

  async function loadRevisions() {
    const items = (await getJSON(`${API}/revisions`)).items;
    changes.revisions = items;
    const from = $("diff-from");
    const to = $("diff-to");
    for (const select of [from, to]) {
      clear(select);
      for (const r of items) select.append(el("option", { value: r.revision }, revisionLabel(r)));
      select.disabled = items.length < 2;
    }
    const kept = (id) => items.some((r) => r.revision === id);
    const now = Math.max(0, items.findIndex((r) => r.current));
    // The default: the revision before the current one, against the current one.
    to.value = kept(changes.to) ? changes.to : items[now] ? items[now].revision : "";
    from.value = kept(changes.from) ? changes.from : items[now + 1] ? items[now + 1].revision : items[0] ? items[0].revision : "";
  }

  async function loadDiff() {
    const from = $("diff-from").value;
    const to = $("diff-to").value;
    const ticket = ++changes.ticket;
    const note = $("changes-note");
    const body = $("changes-body");
    if (changes.revisions.length < 2) {
      note.textContent = `Only ${changes.revisions.length === 1 ? "one revision is" : "no revision is"} kept: there is ` +
        "nothing to compare yet. A new load of the documents or a decision makes the next one " +
        "(EAGRAPH_REVISIONS_KEPT says how many are kept).";
      body.hidden = true;
      return;
    }
    changes.from = from;
    changes.to = to;
    saveHash();
    const order = (id) => changes.revisions.findIndex((r) => r.revision === id);
    const current = changes.revisions.find((r) => r.current);
    const drawing = current && current.revision === to ? null : to;
    if (from === to) {
      note.textContent = "The same revision on both sides: pick two different ones to compare.";
      body.hidden = true;
      try {
        await showDiff(null, drawing, ticket);
      } catch (err) {
        showError(`Could not read the graph of revision ${to}: ${err.message}`);
      }
      return;
    }
    note.textContent = "Comparing…";
    $("changes").setAttribute("aria-busy", "true");
    try {
      const params = new URLSearchParams({ from, to, min_confidence: state.minConfidence });
      const diff = await getJSON(`${API}/diff?${params}`);
      if (ticket !== changes.ticket) return;
      await showDiff(diff, drawing, ticket);
      if (ticket !== changes.ticket) return;
      note.textContent = `Drawn: the graph as of ${to === (current && current.revision) ? "now" : `revision ${to}`}` +
        (order(from) < order(to) ? ". From a later revision to an earlier one: read it backwards." : ".") +
        ` Blast radius with ${EDGES[state.minConfidence]} edges.`;
    } catch (err) {
      if (ticket !== changes.ticket) return;
      note.textContent = "";
      showError(`Could not compare the revisions: ${err.message}`);
    } finally {
      if (ticket === changes.ticket) $("changes").removeAttribute("aria-busy");
    }
  }

  // Paint `diff` (or nothing) over the drawing of `revision`, reading that drawing first if another is shown.
  async function showDiff(diff, revision, ticket) {
    changes.diff = diff;
    changes.names = new Map();
    if (diff) for (const n of [...diff.nodes.removed, ...diff.nodes.added]) changes.names.set(n.id, n.name);
    if (revision !== state.revision) await useDrawing(revision);
    else redraw();
    if (diff && ticket === changes.ticket) renderDiff();
  }

  // The box's label where it is whole (a short name such as "hINT"), the name where the label is cut.
  function diffName(id) {
    const node = state.byId.get(id);
    if (!node) return changes.names.get(id) || id;
    return node.label.endsWith("…") ? node.name : node.label;
  }

  function diffFullName(id) {
    const node = state.byId.get(id);
    return `${node ? node.name : changes.names.get(id) || id} (${id})`;
  }

  const edgeKey = (e) => `${e.source} ${e.target}`;

  // Mark the diff in the freshly drawn graph: edges added (green) and changed (amber) are the drawing's own
  // paths; a removed edge is not in it, so it is drawn dashed red from box to box when both boxes are there.
  function paintDiff() {
    const root = $("graph-svg");
    const d = changes.diff;
    root.classList.add("diff");
    const ends = new Set();
    const paths = new Map([...root.querySelectorAll(".edge")].map((p) => [edgeKey(p.dataset), p]));
    const mark = (path, how, e) => {
      if (!path.dataset.diff || how === "added") path.dataset.diff = how;
      const title = path.querySelector("title");
      title.textContent += `\n${how === "added" ? "Added" : "Changed"}: ${e.type}`;
    };
    for (const e of d.edges.added) {
      const path = paths.get(edgeKey(e));
      if (path) mark(path, "added", e);
      ends.add(e.source).add(e.target);
    }
    for (const c of d.edges.changed) {
      const path = paths.get(edgeKey(c));
      if (path) mark(path, "changed", c);
      ends.add(c.source).add(c.target);
    }
    for (const path of root.querySelectorAll(".edge[data-diff]")) {
      path.classList.add(`diff-${path.dataset.diff}`);
      if (!path.classList.contains("back")) path.setAttribute("marker-end", `url(#arrow-${path.dataset.diff})`);
    }
    const layer = svg("g", { class: "removed-edges" });
    for (const e of d.edges.removed) {
      ends.add(e.source).add(e.target);
      const a = state.byId.get(e.source);
      const b = state.byId.get(e.target);
      if (!a || !b) continue;
      const from = { x: a.x + a.width, y: a.y + a.height / 2 };
      const to = { x: b.x, y: b.y + b.height / 2 };
      // Left to right as the drawing's edges run; within one column, a loop along its right side.
      const side = `M${from.x},${from.y} C${from.x + 60},${from.y} ${b.x + b.width + 60},${to.y} ${b.x + b.width},${to.y}`;
      const path = svg("path", {
        d: to.x > from.x ? routePath([from, to]) : a.column === b.column ? side : backPath(from, { x: b.x + b.width, y: to.y }),
        class: "diff-removed", "marker-end": "url(#arrow-removed)",
        "data-source": e.source, "data-target": e.target, "data-type": e.type,
      });
      const title = svg("title");
      title.textContent = `Removed: ${diffName(e.source)} depended on ${diffName(e.target)} (${e.type}, ${e.confidence}, ${e.strength})`;
      path.append(title);
      layer.append(path);
    }
    root.insertBefore(layer, root.querySelector("g.nodes"));
    const added = new Set(d.nodes.added.map((n) => n.id));
    const changed = new Set(d.nodes.changed.map((c) => c.id));
    for (const group of root.querySelectorAll(".node")) {
      const id = group.dataset.id;
      const how = added.has(id) ? "added" : changed.has(id) ? "changed" : null;
      if (how) {
        group.classList.add(`diff-${how}`);
        group.querySelector("title").textContent += `\n${how === "added" ? "Added" : "Changed"} since ${d.from}`;
      }
      group.classList.toggle("diff-end", Boolean(how) || ends.has(id));
    }
    root.setAttribute("aria-label", `${root.getAttribute("aria-label")}; since revision ${d.from}: ` +
      `${d.edges.added.length} edges added, ${d.edges.removed.length} removed (${layer.childElementCount} drawn dashed), ` +
      `${d.edges.changed.length} changed; ${d.nodes.added.length} nodes added`);
  }

  function plural(n, one, many = `${one}s`) {
    return `${n} ${n === 1 ? one : many}`;
  }

  function signed(n) {
    return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "±0";
  }

  function renderDiff() {
    const d = changes.diff;
    $("changes-body").hidden = false;
    $("changes").dataset.from = d.from;
    $("changes").dataset.to = d.to;
    $("changes-summary").textContent = `From ${d.from} to ${d.to}: ` +
      `${plural(d.edges.added.length, "edge")} added, ${d.edges.removed.length} removed, ${d.edges.changed.length} changed; ` +
      `${plural(d.nodes.added.length, "node")} added, ${d.nodes.removed.length} removed, ${d.nodes.changed.length} changed; ` +
      `${plural(d.findings.opened.length, "finding")} opened, ${d.findings.resolved.length} resolved.` +
      (d.impact.truncated
        ? ` Partial impact delta: ${d.impact.compared} of ${d.impact.candidates} nodes whose failure can play out ` +
          "differently were compared before the work budget ran out; what is listed is exact, the rest is left out."
        : "");
    renderRadius(d.impact.radius);
    const spof = d.impact.single_points_of_failure;
    fillMarked($("spof"), [...spof.new.map((id) => ["new", [id]]), ...spof.gone.map((id) => ["gone", [id]])],
      "None new, none gone.");
    const pairs = d.impact.fatal_pairs;
    fillMarked($("pairs"), [...pairs.new.map((p) => ["new", p]), ...pairs.gone.map((p) => ["gone", p])],
      "None new, none gone.");
    const drawn = new Set([...$("graph-svg").querySelectorAll(".edge, .diff-removed")].map((p) => edgeKey(p.dataset)));
    fillEdges($("edges-added"), d.edges.added, "added", drawn);
    fillEdges($("edges-removed"), d.edges.removed, "removed", drawn);
    fillEdges($("edges-changed"), d.edges.changed, "changed", drawn);
    renderNodeChanges(d.nodes);
    renderFindings(d.findings);
  }

  function radiusCell(r, what) {
    return el("td", { class: what },
      el("span", { class: "blast" }, String(r.blast_radius)),
      el("span", { class: "split" }, `${r.down}\u00a0down · ${r.degraded}\u00a0degraded`)); // no break inside "3 down"
  }

  function renderRadius(rows) {
    const body = $("radius").querySelector("tbody");
    clear(body);
    if (!rows.length) {
      body.append(el("tr", {}, el("td", { colspan: "4", class: "muted" }, "No node’s blast radius changed.")));
      return;
    }
    for (const r of rows) {
      const downs = r.after.down - r.before.down;
      const degradeds = r.after.degraded - r.before.degraded;
      const split = [downs ? `down\u00a0${signed(downs)}` : null, degradeds ? `degraded\u00a0${signed(degradeds)}` : null].filter(Boolean);
      const tr = el("tr", { "data-id": r.id, class: r.delta > 0 ? "worse" : r.delta < 0 ? "better" : "same" },
        el("th", { scope: "row", title: diffFullName(r.id) }, r.name),
        radiusCell(r.before, "before"), radiusCell(r.after, "after"),
        el("td", { class: "change" }, el("span", { class: "blast" }, signed(r.delta)),
          split.length ? el("span", { class: "split" }, split.join(" · ")) : null));
      spotlight(tr, [r.id], []);
      body.append(tr);
    }
  }

  function fillMarked(list, items, none) {
    clear(list);
    if (!items.length) list.append(el("li", { class: "none muted" }, none));
    for (const [how, ids] of items) {
      const li = el("li", { "data-state": how, "data-ids": ids.join(" ") },
        el("span", { class: `badge ${how === "new" ? "down" : "ok"}` }, how),
        " ", el("span", { class: "names", title: ids.map(diffFullName).join(" + ") }, ids.map(diffName).join(" + ")));
      spotlight(li, ids, []);
      list.append(li);
    }
  }

  function shown(value) {
    if (value === null || value === undefined || value === "") return "none";
    if (Array.isArray(value)) return value.length ? value.map(shown).join(", ") : "none";
    return String(value);
  }

  function fillEdges(list, edges, how, drawn) {
    clear(list);
    if (!edges.length) list.append(el("li", { class: "none muted" }, `No edge ${how}.`));
    for (const e of edges) {
      const isDrawn = drawn.has(edgeKey(e));
      const li = el("li", {
        class: `diff-edge ${how}`, tabindex: "0", "data-source": e.source, "data-target": e.target,
        "data-type": e.type, "data-drawn": String(isDrawn),
      }, el("span", { class: "edge-ref" },
        el("span", { class: "end", title: diffFullName(e.source) }, diffName(e.source)), " ",
        el("span", { class: "type" }, `—${e.type}→`), " ",
        el("span", { class: "end", title: diffFullName(e.target) }, diffName(e.target))));
      if (how === "changed") {
        const fields = e.fields.filter((f) => f.field !== "evidence");
        if (fields.length) {
          li.append(el("ul", { class: "fields" }, ...fields.map((f) =>
            el("li", {}, el("span", { class: "field" }, f.field), ": ", el("span", { class: "before" }, shown(f.before)),
              " → ", el("span", { class: "after" }, shown(f.after))))));
        }
        if (e.evidence_before !== e.evidence_after) {
          li.append(el("p", { class: "evidence before" }, el("span", { class: "label" }, "evidence before"), quote(e.evidence_before)),
            el("p", { class: "evidence after" }, el("span", { class: "label" }, "evidence after"), quote(e.evidence_after)));
        } else {
          li.append(el("p", { class: "evidence" }, quote(e.evidence_after)));
        }
      } else {
        li.append(el("p", { class: "evidence" }, quote(e.evidence), source(e)));
      }
      if (!isDrawn) {
        const gone = [e.source, e.target].filter((id) => !state.byId.has(id)).map(diffName);
        li.append(el("p", { class: "muted not-drawn" }, `Not drawn: ${gone.join(" and ")} ${gone.length === 1 ? "is" : "are"} not in this revision.`));
      }
      spotlight(li, [e.source, e.target], [e]);
      list.append(li);
    }
  }

  function renderNodeChanges(nodes) {
    const list = $("diff-nodes");
    clear(list);
    const kind = (n) => ` (${n.kind})`;
    for (const n of nodes.added) {
      list.append(el("li", { "data-id": n.id, "data-state": "added" }, el("span", { class: "badge ok" }, "added"), " ",
        el("strong", {}, n.name), kind(n)));
    }
    for (const n of nodes.removed) {
      list.append(el("li", { "data-id": n.id, "data-state": "removed" }, el("span", { class: "badge down" }, "removed"), " ",
        el("strong", {}, n.name), kind(n)));
    }
    for (const c of nodes.changed) {
      list.append(el("li", { "data-id": c.id, "data-state": "changed" }, el("span", { class: "badge degraded" }, "changed"), " ",
        el("strong", { title: diffFullName(c.id) }, diffName(c.id)),
        el("ul", { class: "fields" }, ...c.fields.map((f) => el("li", {}, el("span", { class: "field" }, f.field), ": ",
          el("span", { class: "before" }, shown(f.before)), " → ", el("span", { class: "after" }, shown(f.after)))))));
    }
    for (const li of list.children) spotlight(li, [li.dataset.id], []);
    if (!list.children.length) list.append(el("li", { class: "none muted" }, "No node added, removed or changed."));
  }

  function renderFindings(findings) {
    const list = $("diff-findings");
    clear(list);
    for (const [how, items] of [["opened", findings.opened], ["resolved", findings.resolved]]) {
      for (const f of items) {
        list.append(el("li", { "data-state": how }, el("span", { class: `badge ${how === "opened" ? "finding" : "ok"}` }, how), " ",
          el("span", { class: "code" }, f.code), el("p", { class: "message" }, f.message)));
      }
    }
    if (!list.children.length) list.append(el("li", { class: "none muted" }, "No finding opened or resolved."));
  }

  // Pointing at (or focusing) a row lights its nodes and edges up in the graph.
  function spotlight(item, ids, edges) {
    const on = (lit) => {
      const root = $("graph-svg");
      if (!root) return;
      root.classList.toggle("spotlight", lit);
      for (const n of root.querySelectorAll(".lit")) n.classList.remove("lit");
      if (!lit) return;
      for (const group of root.querySelectorAll(".node")) if (ids.includes(group.dataset.id)) group.classList.add("lit");
      for (const path of root.querySelectorAll(".edge, .diff-removed")) {
        if (edges.some((e) => e.source === path.dataset.source && e.target === path.dataset.target)) path.classList.add("lit");
      }
    };
    item.addEventListener("mouseenter", () => on(true));
    item.addEventListener("mouseleave", () => on(false));
    item.addEventListener("focusin", () => on(true));
    item.addEventListener("focusout", () => on(false));
  }

  function setupChanges() {
    $("changes-toggle").addEventListener("click", () => showChanges(!changes.open));
    $("changes-pick").addEventListener("submit", (ev) => ev.preventDefault());
    for (const id of ["diff-from", "diff-to"]) $(id).addEventListener("change", () => loadDiff());
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
      state.source = select.value;
      applySourceFilter();
    });
  }

  function applySourceFilter() {
    const chosen = state.source;
    const root = $("graph-svg");
    if (!root) return;
    root.classList.toggle("by-source", Boolean(chosen));
    for (const group of root.querySelectorAll(".node")) {
      const mine = (group.dataset.sources || "").split(" ").includes(chosen);
      group.classList.toggle("other-source", Boolean(chosen) && !mine);
    }
  }

  async function start() {
    legend();
    setupSearch();
    $("path-close").addEventListener("click", () => select(state.selected));
    $("path-history").addEventListener("click", (ev) => openHistory({ node: ev.currentTarget.dataset.node }, ev.currentTarget));
    setupReview();
    setupChanges();
    $("clear").addEventListener("click", () => {
      state.down = [];
      state.selected = null;
      update();
    });
    $("min-confidence").addEventListener("change", (ev) => {
      state.minConfidence = ev.target.value;
      update();
      if (changes.open) loadDiff();
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
    if (review.open) await showReview(true);
    else if (changes.open) await showChanges(true);
  }

  function currentScale() {
    const root = $("graph-svg");
    return root ? Number(root.getAttribute("width")) / state.graph.width : 1;
  }

  start();
})();

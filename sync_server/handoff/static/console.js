// The agent console: one WebSocket to /agent/live (long polling on /agent/events and
// /agent/frames where a proxy blocks WebSockets). Everything outside text is shown with
// textContent, never as HTML. Messages an agent sends are numbered and kept until the
// server acknowledges them, and sent again after a reconnect; the server stores each once.
"use strict";
(function () {
  const state = { queue: [], mine: [], messages: {}, seq: {}, current: null, me: null, entries: [],
                  unacked: new Map(), typingUntil: {}, socket: null, polling: false, cursor: {}, failures: 0 };
  let counter = 0;
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text;
                                   if (cls) e.className = cls; return e; };
  const number = () => Date.now() * 100 + (counter++ % 100);

  function link(text) { $("link").textContent = text; }

  // -- transport ------------------------------------------------------------------------
  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/agent/live";
    let opened = false;
    let socket;
    try { socket = new WebSocket(url); } catch (e) { return startPolling(); }
    state.socket = socket;
    socket.onopen = () => {
      opened = true; state.failures = 0; link("Connected (live)");
      socket.send(JSON.stringify({ type: "hello", seq: state.seq }));
      for (const frame of state.unacked.values()) socket.send(JSON.stringify(frame));
    };
    socket.onmessage = (event) => { try { handle(JSON.parse(event.data)); } catch (e) { /* ignore a bad frame */ } };
    socket.onclose = (event) => {
      state.socket = null;
      if (event.code === 4401) { location.reload(); return; }
      if (!opened && ++state.failures >= 2) { startPolling(); return; }
      link("Connection lost: reconnecting…");
      setTimeout(connect, Math.min(10000, 500 * 2 ** state.failures++));
    };
  }

  function startPolling() {
    if (state.polling) return;
    state.polling = true;
    link("Connected (compatibility mode)");
    poll();
    for (const frame of state.unacked.values()) post(frame);
  }

  async function poll() {
    while (state.polling) {
      try {
        const cursor = encodeURIComponent(JSON.stringify({ ...state.cursor, seq: state.seq }));
        const reply = await fetch("/agent/events?wait=25&cursor=" + cursor, { credentials: "same-origin" });
        if (reply.status === 401) { location.reload(); return; }
        const body = await reply.json();
        state.cursor = body.cursor || {};
        (body.events || []).forEach(handle);
        link("Connected (compatibility mode)");
      } catch (e) {
        link("Connection lost: reconnecting…");
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  async function post(frame) {
    try {
      const reply = await fetch("/agent/frames", { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(frame) });
      const body = await reply.json();
      (body.events || []).forEach(handle);
    } catch (e) { setTimeout(() => { if (state.unacked.has(frame.n)) post(frame); }, 2000); }
  }

  function send(frame, keep) {
    if (keep) state.unacked.set(frame.n, frame);
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(frame));
    else if (state.polling) post(frame);
  }

  // -- events ---------------------------------------------------------------------------
  function handle(event) {
    switch (event.type) {
      case "me": state.me = event; $("available").checked = event.available; break;
      case "queue": state.queue = event.waiting; renderLists(); break;
      case "mine":
        state.mine = event.conversations;
        if (state.current && !state.mine.some((c) => c.id === state.current) &&
            !state.queue.some((c) => c.id === state.current)) state.current = null;
        if (!state.current && state.mine.length) state.current = state.mine[state.mine.length - 1].id;
        renderLists(); renderPane(); break;
      case "message": {
        const list = state.messages[event.conversation] || (state.messages[event.conversation] = []);
        if (!list.some((m) => m.seq === event.seq)) { list.push(event); list.sort((a, b) => a.seq - b.seq); }
        state.seq[event.conversation] = Math.max(state.seq[event.conversation] || 0, event.seq);
        if (event.sender === "employee") delete state.typingUntil[event.conversation];
        if (event.conversation === state.current) renderTranscript(); else renderLists();
        break;
      }
      case "typing":
        state.typingUntil[event.conversation] = Date.now() + 4000;
        if (event.conversation === state.current) renderTyping();
        setTimeout(renderTyping, 4100);
        break;
      case "ack": state.unacked.delete(event.n); break;
      case "ended": state.unacked.forEach((f, n) => { if (f.conversation === event.conversation) state.unacked.delete(n); }); break;
      case "error":
        if (event.conversation) [...state.unacked].forEach(([n, f]) => { if (f.conversation === event.conversation) state.unacked.delete(n); });
        $("notice") && ($("notice").textContent = event.message);
        break;
      case "signed_out": location.reload(); break;
    }
  }

  // -- rendering ------------------------------------------------------------------------
  function waited(conv) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(conv.created_at)) / 1000));
    return seconds < 60 ? seconds + " s" : Math.floor(seconds / 60) + " min";
  }

  function renderLists() {
    const queue = $("queue"); queue.replaceChildren();
    $("waiting-count").textContent = String(state.queue.length);
    document.title = (state.queue.length ? "(" + state.queue.length + ") " : "") + "Live chat — helpdesk";
    if (!state.queue.length) queue.append(el("li", "Nobody is waiting.", "empty"));
    for (const conv of state.queue) {
      const item = el("li", conv.question);
      item.dataset.id = conv.id;
      item.append(el("small", conv.team + " · " + (conv.employee || "employee") + " · waiting " + waited(conv)));
      if (conv.id === state.current) item.classList.add("current");
      item.addEventListener("click", () => { state.current = conv.id; renderLists(); renderPane(); });
      queue.append(item);
    }
    const mine = $("mine"); mine.replaceChildren();
    if (!state.mine.length) mine.append(el("li", "None.", "empty"));
    for (const conv of state.mine) {
      const item = el("li", conv.question);
      item.dataset.id = conv.id;
      item.append(el("small", conv.team + " · " + (conv.employee || "employee")));
      if (conv.id === state.current) item.classList.add("current");
      item.addEventListener("click", () => { state.current = conv.id; renderLists(); renderPane(); });
      mine.append(item);
    }
  }

  function contextBox(conv) {
    const box = el("div", undefined, "context");
    box.append(el("h4", "Question"), el("p", conv.question));
    box.append(el("p", "Employee: " + (conv.employee || "not given") + " · language: " + conv.lang +
                       " · team: " + conv.team + (conv.ticket ? " · about ticket #" + conv.ticket : "")));
    if (conv.answers.length) {
      box.append(el("h4", "What the assistant already answered"));
      const list = el("ul"); conv.answers.forEach((a) => list.append(el("li", a.question + " → " + a.answer))); box.append(list);
    }
    if (conv.steps.length) {
      box.append(el("h4", "Guided steps tried"));
      const list = el("ul"); conv.steps.forEach((s) => list.append(el("li", s))); box.append(list);
    }
    const computer = Object.entries(conv.computer || {});
    box.append(el("h4", "Computer details shared"));
    if (!computer.length) box.append(el("p", "The employee did not share them."));
    else { const table = el("table"); computer.forEach(([k, v]) => { const tr = el("tr"); tr.append(el("td", k), el("td", v)); table.append(tr); }); box.append(table); }
    return box;
  }

  function button(text, action, id) { const b = el("button", text); b.type = "button"; if (id) b.id = id; b.addEventListener("click", action); return b; }

  function renderPane() {
    const pane = $("pane");
    const draft = $("reply") && pane.dataset.id === state.current ? $("reply").value : "";
    pane.dataset.id = state.current || "";
    const conv = state.mine.find((c) => c.id === state.current) || state.queue.find((c) => c.id === state.current);
    pane.replaceChildren();
    if (!conv) { pane.append(el("p", "Take a waiting conversation to start.", "empty")); return; }
    pane.append(el("h2", conv.question), el("p", "", "notice"));
    pane.lastChild.id = "notice";
    pane.append(contextBox(conv));
    const mine = state.mine.some((c) => c.id === conv.id);
    if (!mine) { pane.append(button("Take this conversation", () => send({ type: "take", conversation: conv.id }), "take")); return; }
    const transcript = el("div", undefined, "transcript"); transcript.id = "transcript";
    pane.append(transcript, el("div", "", "typing"));
    pane.lastChild.id = "typing";
    const input = el("input"); input.type = "text"; input.id = "reply"; input.placeholder = "Write to the employee…";
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { sendText(conv.id, input); return; }
      const now = Date.now();
      if (!input.lastTyping || now - input.lastTyping > 2500) { input.lastTyping = now; send({ type: "typing", conversation: conv.id }); }
    });
    const row = el("div", undefined, "row"); row.append(input, button("Send", () => sendText(conv.id, input), "send"));
    pane.append(row, pushRow(conv), transferRow(conv));
    const end = el("div", undefined, "row");
    end.append(button("End — solved", () => send({ type: "end", conversation: conv.id, solved: true }), "end-solved"),
               button("End — needs follow-up", () => send({ type: "end", conversation: conv.id, solved: false }), "end-open"));
    pane.append(end);
    input.value = draft;
    renderTranscript(); input.focus();
  }

  function sendText(convId, input) {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ type: "message", conversation: convId, n: number(), text }, true);
  }

  function pushRow(conv) {
    const row = el("div", undefined, "row");
    const kind = el("select"); kind.id = "push-kind";
    [["article", "Article"], ["tree", "Guided steps"], ["form", "Ticket form"], ["booking", "Appointment booking"]]
      .forEach(([v, t]) => { const o = el("option", t); o.value = v; kind.append(o); });
    const entry = el("select"); entry.id = "push-entry";
    const fill = () => {
      entry.replaceChildren();
      const wanted = kind.value === "form" || kind.value === "booking" ? [] :
        state.entries.filter((e) => e.kind === kind.value && e.lang === conv.lang);
      if (!wanted.length) { const o = el("option", kind.value === "form" ? "The ticket form" : kind.value === "booking" ? "Choose a slot" : "—"); o.value = ""; entry.append(o); }
      wanted.forEach((e) => { const o = el("option", e.title); o.value = e.id; entry.append(o); });
    };
    kind.addEventListener("change", fill); fill();
    row.append(el("span", "Push:"), kind, entry, button("Push", () => {
      const chosen = entry.options[entry.selectedIndex];
      send({ type: "push", conversation: conv.id, n: number(), kind: kind.value, ref: entry.value, title: chosen ? chosen.textContent : "" }, true);
    }, "push"));
    return row;
  }

  function transferRow(conv) {
    const row = el("div", undefined, "row");
    const target = el("select"); target.id = "transfer-to";
    const teams = new Set((state.me ? state.me.teams : []));
    (state.me ? state.me.agents : []).forEach((a) => a.teams.forEach((t) => teams.add(t)));
    [...teams].sort().filter((t) => t !== conv.team).forEach((t) => { const o = el("option", "Team: " + t); o.value = "team:" + t; target.append(o); });
    (state.me ? state.me.agents : []).forEach((a) => { const o = el("option", "Agent: " + a.name + (a.available ? "" : " (away)")); o.value = "agent:" + a.name; target.append(o); });
    row.append(el("span", "Transfer to:"), target, button("Transfer", () => {
      const [what, name] = target.value.split(/:(.*)/s);
      if (name) send({ type: "transfer", conversation: conv.id, [what]: name });
    }, "transfer"));
    return row;
  }

  function renderTranscript() {
    const box = $("transcript");
    if (!box) return;
    box.replaceChildren();
    for (const m of state.messages[state.current] || []) {
      const line = el("div", undefined, "msg " + (m.kind === "event" || m.kind === "transcript" ? "event" : m.sender));
      if (m.kind === "event") line.textContent = describe(m);
      else if (m.kind === "transcript") line.textContent = "Transcript kept in ticket #" + m.text;
      else if (m.kind === "text") { line.append(el("b", (m.sender === "employee" ? "Employee" : m.author) + ":"), document.createTextNode(m.text)); }
      else line.textContent = m.author + " pushed " + m.kind + ": " + (m.text || m.ref);
      box.append(line);
    }
    box.scrollTop = box.scrollHeight;
    renderTyping();
  }

  function describe(m) {
    return { taken: m.author + " took the conversation", transferred_team: "Transferred to the " + m.ref + " team",
             transferred_agent: "Transferred to " + m.author, ended: "Ended by " + m.author }[m.text] || m.text;
  }

  function renderTyping() {
    const line = $("typing");
    if (line) line.textContent = (state.typingUntil[state.current] || 0) > Date.now() ? "The employee is typing…" : "";
  }

  $("available").addEventListener("change", (e) => send({ type: "available", on: e.target.checked }));
  fetch("/agent/entries", { credentials: "same-origin" }).then((r) => r.json()).then((list) => { state.entries = list; renderPane(); }).catch(() => {});
  renderLists();
  connect();
  setInterval(renderLists, 15000);
})();

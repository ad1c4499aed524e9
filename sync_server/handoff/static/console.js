// The agent console: one WebSocket to /agent/live (long polling on /agent/events and
// /agent/frames where a proxy blocks WebSockets). Everything outside text is shown with
// textContent, never as HTML. Messages an agent sends are numbered and kept until the
// server acknowledges them, shown as "sending…" meanwhile, and sent again after a
// reconnect; the server stores each once. The socket opens with the last message number
// seen per conversation (?seq=…), so a reconnect brings only what is new.
"use strict";
(function () {
  const state = { queue: [], mine: [], messages: {}, seq: {}, current: null, me: null, entries: [], unread: {},
                  unacked: new Map(), typingUntil: {}, live: null, mineLoaded: false, polling: false, pollRound: 0,
                  cursor: {}, failures: 0, left: "" };
  const PROBE_MS = 120000;             // in compatibility mode, try a WebSocket again this often
  let counter = 0;
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text;
                                   if (cls) e.className = cls; return e; };
  const number = () => Date.now() * 100 + (counter++ % 100);

  function link(text, mode) { const line = $("link"); line.textContent = text; line.className = "status " + mode; }

  // -- transport ------------------------------------------------------------------------
  // A socket counts as working once the server has spoken on it (it always sends the
  // agent's state first). Two sockets in a row that close before that, while the server
  // answers plain HTTP, mean something on the way refuses WebSockets: long polling then.
  // A server that is down (restarting) answers nothing, and the console keeps retrying.
  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/agent/live?seq=" +
      encodeURIComponent(JSON.stringify(state.seq));
    let socket;
    let heard = false;
    try { socket = new WebSocket(url); } catch (e) { startPolling(); return; }
    socket.onmessage = (event) => {
      if (!heard) {
        heard = true; state.failures = 0; state.live = socket;
        if (state.polling) stopPolling();
        link("Connected (live)", "on");
        for (const frame of state.unacked.values()) socket.send(JSON.stringify(frame));
      }
      let parsed;
      try { parsed = JSON.parse(event.data); } catch (e) { return; }    // ignore a bad frame
      handle(parsed);
    };
    socket.onclose = (event) => {
      if (state.live === socket) state.live = null;
      if (event.code === 4401) { location.reload(); return; }
      if (state.polling) { setTimeout(connect, PROBE_MS); return; }       // a probe from compatibility mode
      if (!heard) state.failures++;
      link("Connection lost: reconnecting…", "off");
      const retry = () => setTimeout(connect, state.failures ? Math.min(10000, 500 * 2 ** state.failures) : 300);
      if (state.failures >= 2 || event.code === 4403) {
        answersHttp().then((http) => { if (http) { startPolling(); setTimeout(connect, PROBE_MS); } else retry(); });
      } else retry();
    };
  }

  async function answersHttp() {
    try { return (await fetch("/agent/events?wait=0", { credentials: "same-origin" })).ok; } catch (e) { return false; }
  }

  function startPolling() {
    if (state.polling) return;
    state.polling = true;
    state.cursor = {};
    link("Connected (compatibility mode)", "on");
    poll(++state.pollRound);
    for (const frame of state.unacked.values()) post(frame);
  }

  function stopPolling() { state.polling = false; state.pollRound++; }

  async function poll(round) {
    while (state.polling && round === state.pollRound) {
      try {
        const cursor = encodeURIComponent(JSON.stringify({ ...state.cursor, seq: state.seq }));
        const reply = await fetch("/agent/events?wait=25&cursor=" + cursor, { credentials: "same-origin" });
        if (reply.status === 401) { location.reload(); return; }
        if (!reply.ok) throw new Error("HTTP " + reply.status);
        const body = await reply.json();
        if (round !== state.pollRound) return;                        // the WebSocket took over meanwhile
        state.cursor = body.cursor || {};
        (body.events || []).forEach(handle);
        link("Connected (compatibility mode)", "on");
      } catch (e) {
        link("Connection lost: reconnecting…", "off");
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  async function post(frame) {
    try {
      const reply = await fetch("/agent/frames", { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(frame) });
      if (reply.status === 401) { location.reload(); return; }
      if (reply.status >= 500) throw new Error("HTTP " + reply.status);
      const body = await reply.json();
      (body.events || []).forEach(handle);
    } catch (e) { setTimeout(() => { if (state.unacked.has(frame.n) && !state.live) post(frame); }, 2000); }
  }

  // A message or a push (`keep`) waits in `unacked` until the server has it; any other
  // frame is an action of the moment, refused out loud while the console is offline.
  function send(frame, keep) {
    if (keep) { state.unacked.set(frame.n, frame); renderTranscript(); }
    if (state.live && state.live.readyState === WebSocket.OPEN) state.live.send(JSON.stringify(frame));
    else if (state.polling) post(frame);
    else if (!keep && frame.type !== "typing") {
      notice("Not connected to the server: that was not done. Try again in a moment.");
      if (frame.type === "available") $("available").checked = !frame.on;
      return false;
    }
    return true;
  }

  // -- events ---------------------------------------------------------------------------
  function handle(event) {
    switch (event.type) {
      case "me": state.me = event; $("available").checked = event.available; renderAvailable(); break;
      case "queue":
        state.queue = event.waiting.map((c) => ({ ...c, seenAt: Date.now() }));
        renderLists();
        if (state.current && !known(state.current)) renderPane();          // taken by someone else, or left
        break;
      case "mine": {
        const before = state.mine.map((c) => c.id);
        state.mine = event.conversations;
        if (state.current && !known(state.current)) {
          state.left = before.includes(state.current) ? "That conversation is no longer in your hands: it ended or was transferred." : "";
          state.current = null;
        }
        if (state.mineLoaded) {                // handed to me while I was on another one: flag it
          state.mine.filter((c) => !before.includes(c.id) && c.id !== state.current)
            .forEach((c) => { state.unread[c.id] = state.unread[c.id] || 1; });
        }
        state.mineLoaded = true;
        if (!state.current && state.mine.length) state.current = state.mine[state.mine.length - 1].id;
        if (state.current) { state.left = ""; delete state.unread[state.current]; }
        renderLists(); renderPane(); break;
      }
      case "message": {
        const list = state.messages[event.conversation] || (state.messages[event.conversation] = []);
        const known = list.findIndex((m) => m.seq === event.seq);
        if (known >= 0) list[known] = event; else { list.push(event); list.sort((a, b) => a.seq - b.seq); }
        state.seq[event.conversation] = Math.max(state.seq[event.conversation] || 0, event.seq);
        if (event.sender === "employee") delete state.typingUntil[event.conversation];
        if (event.conversation === state.current) renderTranscript();
        else if (known < 0 && event.sender === "employee") {
          state.unread[event.conversation] = (state.unread[event.conversation] || 0) + 1; renderLists();
        }
        break;
      }
      case "typing":
        state.typingUntil[event.conversation] = Date.now() + 4000;
        if (event.conversation === state.current) renderTyping();
        setTimeout(renderTyping, 4100);
        break;
      case "ack": landed(event); break;
      case "ended": dropUnacked(event.conversation); break;
      case "error":
        if (event.conversation) dropUnacked(event.conversation);
        notice(event.message);
        break;
      case "signed_out": location.reload(); break;
    }
  }

  function known(id) { return state.mine.some((c) => c.id === id) || state.queue.some((c) => c.id === id); }

  // The server has stored one of ours: shown at its number until the stream brings it
  // (the stream's copy then replaces it; the cursor only moves with the stream).
  function landed(ack) {
    const frame = state.unacked.get(ack.n);
    state.unacked.delete(ack.n);
    if (frame && frame.conversation && typeof ack.seq === "number") {
      const list = state.messages[frame.conversation] || (state.messages[frame.conversation] = []);
      if (!list.some((m) => m.seq === ack.seq)) {
        list.push({ seq: ack.seq, sender: "agent", author: state.me ? state.me.name : "", conversation: frame.conversation,
                    kind: frame.type === "push" ? frame.kind : "text", text: frame.type === "push" ? frame.title : frame.text,
                    ref: frame.ref || "" });
        list.sort((a, b) => a.seq - b.seq);
      }
    }
    renderTranscript();
  }

  function dropUnacked(convId) {
    [...state.unacked].forEach(([n, f]) => { if (f.conversation === convId) state.unacked.delete(n); });
    renderTranscript();
  }

  function notice(text) {
    const line = $("notice");
    if (line) { line.textContent = text; line.hidden = !text; }
  }

  // -- rendering ------------------------------------------------------------------------
  function waited(conv) {
    const seconds = Math.max(0, Math.round((conv.waited_seconds || 0) + (Date.now() - conv.seenAt) / 1000));
    return seconds < 60 ? seconds + " s" : Math.floor(seconds / 60) + " min";
  }

  function renderAvailable() {
    const on = state.me && state.me.available;
    const label = $("available-label");
    if (label) label.textContent = on ? "Available for chats" : "Available for chats (you are away)";
    document.body.classList.toggle("away", !on);
  }

  function listItem(conv, detail, unread) {
    const item = el("li");
    item.dataset.id = conv.id;
    const title = el("span", conv.question, "question");
    item.append(title);
    if (unread) item.append(el("span", String(unread), "badge"));
    item.append(el("small", detail));
    if (conv.id === state.current) item.classList.add("current");
    item.tabIndex = 0;
    const open = () => { state.current = conv.id; delete state.unread[conv.id]; renderLists(); renderPane(); };
    item.addEventListener("click", open);
    item.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    return item;
  }

  function renderLists() {
    const queue = $("queue"); queue.replaceChildren();
    $("waiting-count").textContent = String(state.queue.length);
    $("waiting-count").classList.toggle("zero", !state.queue.length);
    document.title = (state.queue.length ? "(" + state.queue.length + ") " : "") + "Live chat — helpdesk";
    if (!state.queue.length) queue.append(el("li", "Nobody is waiting.", "empty"));
    for (const conv of state.queue) {
      queue.append(listItem(conv, conv.team + " · " + (conv.employee || "employee") + " · waiting " + waited(conv)));
    }
    const mine = $("mine"); mine.replaceChildren();
    if (!state.mine.length) mine.append(el("li", "None.", "empty"));
    for (const conv of state.mine) {
      mine.append(listItem(conv, conv.team + " · " + (conv.employee || "employee"), state.unread[conv.id]));
    }
  }

  function contextBox(conv) {
    const box = el("div", undefined, "context");
    box.id = "context";
    const facts = el("p", undefined, "facts");
    [["Employee", conv.employee || "not given"], ["Language", conv.lang], ["Team", conv.team]]
      .concat(conv.ticket ? [["About ticket", "#" + conv.ticket]] : [])
      .forEach(([k, v]) => { facts.append(el("span", k + ": ", "key"), el("span", v, "value")); });
    box.append(facts);
    const columns = el("div", undefined, "columns");
    const left = el("div"); const right = el("div");
    if (conv.answers.length) {
      left.append(el("h4", "What the assistant already answered"));
      const list = el("ul"); conv.answers.forEach((a) => list.append(el("li", a.question + " → " + a.answer))); left.append(list);
    }
    if (conv.steps.length) {
      left.append(el("h4", "Guided steps tried"));
      const list = el("ul"); conv.steps.forEach((s) => list.append(el("li", s))); left.append(list);
    }
    if (!conv.answers.length && !conv.steps.length) left.append(el("h4", "Tried before"), el("p", "Nothing yet.", "empty"));
    const computer = Object.entries(conv.computer || {});
    right.append(el("h4", "Computer details shared"));
    if (!computer.length) right.append(el("p", "The employee did not share them.", "empty"));
    else { const table = el("table"); computer.forEach(([k, v]) => { const tr = el("tr"); tr.append(el("th", k), el("td", v)); table.append(tr); }); right.append(table); }
    columns.append(left, right);
    box.append(columns);
    return box;
  }

  function button(text, action, id, cls) {
    const b = el("button", text, cls); b.type = "button"; if (id) b.id = id; b.addEventListener("click", action); return b;
  }

  function renderPane() {
    const pane = $("pane");
    const draft = $("reply") && pane.dataset.id === state.current ? $("reply").value : "";
    pane.dataset.id = state.current || "";
    const conv = state.mine.find((c) => c.id === state.current) || state.queue.find((c) => c.id === state.current);
    pane.replaceChildren();
    if (!conv) {
      if (state.left) pane.append(el("p", state.left, "notice"));
      pane.append(el("p", "Take a waiting conversation to start.", "empty"));
      return;
    }
    const mine = state.mine.some((c) => c.id === conv.id);
    const head = el("div", undefined, "pane-head");
    head.append(el("h2", conv.question), el("span", mine ? "In your hands" : "Waiting · " + waited(conv), mine ? "tag on" : "tag"));
    pane.append(head);
    const note = el("p", "", "notice"); note.id = "notice"; note.hidden = true; note.setAttribute("role", "status");
    pane.append(note, contextBox(conv));
    if (!mine) {
      pane.append(button("Take this conversation", () => send({ type: "take", conversation: conv.id }), "take", "primary"));
      return;
    }
    const transcript = el("div", undefined, "transcript"); transcript.id = "transcript";
    transcript.setAttribute("aria-live", "polite");
    pane.append(transcript, el("div", "", "typing"));
    pane.lastChild.id = "typing";
    const input = el("input"); input.type = "text"; input.id = "reply"; input.placeholder = "Write to the employee and press Enter…";
    input.maxLength = 4000; input.autocomplete = "off";
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.isComposing) { sendText(conv.id, input); return; }
      const now = Date.now();
      if (!input.lastTyping || now - input.lastTyping > 2500) { input.lastTyping = now; send({ type: "typing", conversation: conv.id }); }
    });
    const row = el("div", undefined, "row"); row.append(input, button("Send", () => sendText(conv.id, input), "send", "primary"));
    const tools = el("div", undefined, "tools");
    tools.append(pushRow(conv), transferRow(conv));
    const end = el("div", undefined, "row end");
    end.append(button("End — solved", () => send({ type: "end", conversation: conv.id, solved: true }), "end-solved", "good"),
               button("End — needs follow-up", () => send({ type: "end", conversation: conv.id, solved: false }), "end-open", "quiet"));
    pane.append(row, tools, end);
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
    const kind = el("select"); kind.id = "push-kind"; kind.setAttribute("aria-label", "What to push");
    [["article", "Article"], ["tree", "Guided steps"], ["form", "Ticket form"], ["booking", "Appointment booking"]]
      .forEach(([v, t]) => { const o = el("option", t); o.value = v; kind.append(o); });
    const entry = el("select"); entry.id = "push-entry"; entry.setAttribute("aria-label", "Which one");
    const fill = () => {
      entry.replaceChildren();
      const wanted = kind.value === "form" || kind.value === "booking" ? [] :
        state.entries.filter((e) => e.kind === kind.value && e.lang === conv.lang);
      if (!wanted.length) {
        const o = el("option", kind.value === "form" ? "The ticket form" : kind.value === "booking" ? "Choose a slot" :
                              "None published in this language");
        o.value = ""; entry.append(o);
      }
      wanted.forEach((e) => { const o = el("option", e.title); o.value = e.id; entry.append(o); });
      entry.disabled = !wanted.length && (kind.value === "article" || kind.value === "tree");
    };
    kind.addEventListener("change", fill); fill();
    row.append(el("span", "Push", "label"), kind, entry, button("Push", () => {
      if (entry.disabled) return;
      const chosen = entry.options[entry.selectedIndex];
      send({ type: "push", conversation: conv.id, n: number(), kind: kind.value, ref: entry.value,
             title: chosen ? chosen.textContent : "" }, true);
    }, "push"));
    return row;
  }

  function transferRow(conv) {
    const row = el("div", undefined, "row");
    const target = el("select"); target.id = "transfer-to"; target.setAttribute("aria-label", "Transfer to");
    const teams = new Set((state.me ? state.me.teams : []));
    (state.me ? state.me.agents : []).forEach((a) => a.teams.forEach((t) => teams.add(t)));
    [...teams].sort().filter((t) => t !== conv.team).forEach((t) => { const o = el("option", "Team: " + t); o.value = "team:" + t; target.append(o); });
    (state.me ? state.me.agents : []).forEach((a) => { const o = el("option", "Agent: " + a.name + (a.available ? "" : " (away)")); o.value = "agent:" + a.name; target.append(o); });
    target.disabled = !target.options.length;
    row.append(el("span", "Transfer", "label"), target, button("Transfer", () => {
      const [what, name] = target.value.split(/:(.*)/s);
      if (name) send({ type: "transfer", conversation: conv.id, [what]: name });
    }, "transfer"));
    return row;
  }

  function renderTranscript() {
    const box = $("transcript");
    if (!box) return;
    const bottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.replaceChildren();
    const conv = state.mine.find((c) => c.id === state.current);
    const employee = (conv && conv.employee) || "Employee";
    for (const m of state.messages[state.current] || []) {
      const line = el("div", undefined, "msg " + (m.kind === "event" || m.kind === "transcript" ? "event" : m.sender));
      line.dataset.seq = m.seq;
      if (m.kind === "event") line.textContent = describe(m);
      else if (m.kind === "transcript") line.textContent = "Transcript kept in ticket #" + m.text;
      else if (m.kind === "text") line.append(el("b", (m.sender === "employee" ? employee : m.author) + ":"), " " + m.text);
      else { line.classList.add("push"); line.append(el("b", m.author), " ", el("i", "pushed " + pushed(m.kind) + ":"), " " + (m.text || m.ref)); }
      box.append(line);
    }
    for (const f of state.unacked.values()) {
      if (f.conversation !== state.current) continue;
      const line = el("div", undefined, "msg agent pending");
      line.append(el("b", (state.me ? state.me.name : "") + ":"),
                  " " + (f.type === "push" ? "pushed " + pushed(f.kind) + ": " + f.title : f.text), " ", el("small", "sending…"));
      box.append(line);
    }
    if (bottom || box.lastChild && box.lastChild.classList.contains("agent")) box.scrollTop = box.scrollHeight;
    renderTyping();
  }

  function pushed(kind) {
    return { article: "an article", tree: "guided steps", form: "the ticket form", booking: "appointment booking" }[kind] || kind;
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
  fetch("/agent/entries", { credentials: "same-origin" }).then((r) => r.json()).then((list) => {
    state.entries = Array.isArray(list) ? list : [];
    if ($("push-entry")) renderPane();
  }).catch(() => {});
  renderLists();
  connect();
  setInterval(renderLists, 15000);
})();

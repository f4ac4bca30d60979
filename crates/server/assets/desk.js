// The agent desktop's script (ours, no build step; the page's app.js does
// the live updates). Never miss an offer: each new offer (an element with
// data-offer) rings — a sound the agent can turn off —, retitles the page
// while it waits, shows a desktop notification when the tab is hidden and is
// announced to screen readers. The inbox keeps one conversation open (the
// agent's choice survives live refreshes). Keyboard shortcuts: Alt+A accept,
// Alt+R reject, Alt+N / Alt+P next and previous conversation, Alt+M write,
// Control+Enter send, Alt+D disposition, Alt+C complete, Alt+Y ready,
// Alt+U not ready, ? this list (docs/ui.md). Canned replies go into their
// conversation's field; a script's branching questions show the path the
// answers choose. The dial pad's keys type into its number field.
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.classList.contains("desktop")) { return; }
  var local = window.localStorage, session = window.sessionStorage;
  var baseTitle = document.title;
  var seen = new Set();

  // --- sound
  var soundOn = local.getItem("centralita.sound") !== "off";
  var soundBtn = document.getElementById("sound-toggle");
  var audio = null;
  function showSound() { if (soundBtn) { soundBtn.setAttribute("aria-pressed", soundOn ? "true" : "false"); } }
  function unlock() {
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); } catch (e) { audio = null; }
  }
  function ring() {
    body.setAttribute("data-rang", String(Number(body.getAttribute("data-rang") || 0) + 1));
    if (!audio) { unlock(); }
    if (!audio) { return; }
    var t = audio.currentTime;
    [0, 0.3].forEach(function (d) {
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880;
      g.gain.setValueAtTime(0.0001, t + d);
      g.gain.exponentialRampToValueAtTime(0.25, t + d + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + d + 0.22);
      o.connect(g); g.connect(audio.destination); o.start(t + d); o.stop(t + d + 0.25);
    });
  }
  showSound();
  document.addEventListener("pointerdown", unlock, { once: true });
  document.addEventListener("keydown", unlock, { once: true });
  if (soundBtn) {
    soundBtn.addEventListener("click", function () {
      soundOn = !soundOn;
      local.setItem("centralita.sound", soundOn ? "on" : "off");
      showSound();
    });
  }

  // --- desktop notifications (asked for on the agent's click)
  var notifyBtn = document.getElementById("notify-enable");
  function showNotify() {
    if (!notifyBtn) { return; }
    if (!window.Notification) { notifyBtn.hidden = true; return; }
    notifyBtn.setAttribute("aria-pressed", Notification.permission === "granted" ? "true" : "false");
    notifyBtn.disabled = Notification.permission !== "default";
  }
  showNotify();
  if (notifyBtn && window.Notification) {
    notifyBtn.addEventListener("click", function () {
      Notification.requestPermission().then(showNotify, showNotify);
    });
  }
  function notify(id, title, text) {
    if (!window.Notification || Notification.permission !== "granted") { return; }
    try {
      var n = new Notification(title, { body: text, tag: "offer-" + id, requireInteraction: true });
      n.onclick = function () { window.focus(); n.close(); };
    } catch (e) { /* some browsers allow notifications from a service worker only */ }
  }

  // --- screen readers
  var announcer = document.getElementById("announce");
  function announce(text) {
    if (!announcer) { return; }
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 60);
  }

  function textOf(el, sel) { var x = el.querySelector(sel); return x ? x.textContent.replace(/\s+/g, " ").trim() : ""; }

  // Offers: ring, retitle, notify and announce each new one once.
  function scanOffers() {
    var offers = document.querySelectorAll("[data-offer]");
    document.title = offers.length ? "● " + textOf(offers[0], "h2") + " · " + baseTitle : baseTitle;
    offers.forEach(function (o) {
      var id = o.getAttribute("data-offer");
      if (seen.has(id)) { return; }
      seen.add(id);
      var head = textOf(o, "h2"), why = textOf(o, ".why");
      announce(head + (why ? ". " + why : ""));
      if (soundOn) { ring(); }
      if (document.hidden) { notify(id, head, why); }
    });
  }

  // --- the inbox: one conversation open
  function items() { return Array.prototype.slice.call(document.querySelectorAll("[data-item]")); }
  function current() { return items().filter(function (x) { return !x.hidden; })[0] || null; }
  function openItem(id) {
    var list = items();
    if (!list.length) { return; }
    var target = list.filter(function (x) { return x.getAttribute("data-item") === String(id); })[0] || current() || list[0];
    var open = target.getAttribute("data-item");
    list.forEach(function (x) { x.hidden = x !== target; });
    document.querySelectorAll("[data-open]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-open") === open ? "true" : "false");
    });
    session.setItem("centralita.open", open);
  }
  function move(step) {
    var list = items(), at = list.indexOf(current());
    if (list.length < 2) { return; }
    var next = list[(at + step + list.length) % list.length].getAttribute("data-item");
    openItem(next);
    var b = document.querySelector("[data-open='" + next + "']");
    if (b) { b.focus(); }
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-open]");
    if (b) { openItem(b.getAttribute("data-open")); return; }
    var a = e.target.closest && e.target.closest("[data-key=accept]");
    var o = a && a.closest("[data-offer]");
    if (o) { session.setItem("centralita.open", o.getAttribute("data-offer")); }
  });

  // --- canned replies: the chosen one goes into its conversation's field
  document.addEventListener("change", function (e) {
    var sel = e.target;
    if (sel.matches && sel.matches("select[data-canned]") && sel.value) {
      var field = document.getElementById(sel.getAttribute("data-canned"));
      if (field) {
        field.value = field.value.trim() ? field.value.replace(/\s*$/, " ") + sel.value : sel.value;
        field.focus();
      }
      sel.value = "";
      return;
    }
    var form = sel.closest && sel.closest("form");
    if (form && form.querySelector(".question[data-field]")) { branch(form); }
  });

  // --- scripts that branch: a question's answer chooses the next question;
  // questions off the path are hidden and not sent.
  function branch(form) {
    var list = Array.prototype.slice.call(form.querySelectorAll(".question[data-field]"));
    var shown = new Set(), i = 0;
    while (i < list.length) {
      var q = list[i], next = q.getAttribute("data-next"), f = q.querySelector("select, input");
      var v = f ? f.value : "", to = null;
      shown.add(q);
      if (next) {
        if (!v) { break; }
        try { to = JSON.parse(next)[v] || null; } catch (err) { to = null; }
      }
      if (to === "end") { break; }
      var at = to ? list.findIndex(function (x) { return x.getAttribute("data-field") === to; }) : -1;
      i = at > i ? at : i + 1;
    }
    list.forEach(function (q) {
      var on = shown.has(q);
      q.hidden = !on;
      q.querySelectorAll("input, select").forEach(function (x) { x.disabled = !on; });
    });
  }
  function branchAll() {
    document.querySelectorAll("form").forEach(function (f) { if (f.querySelector(".question[data-field]")) { branch(f); } });
  }

  function settle() {
    branchAll();
    openItem(session.getItem("centralita.open"));
    scanOffers();
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target && e.detail.target.id === "work") { settle(); } else { branchAll(); }
  });

  // --- keyboard shortcuts
  var help = document.getElementById("shortcuts");
  function openHelp() { if (help && !help.open && help.showModal) { help.showModal(); } }
  var helpBtn = document.getElementById("shortcuts-open");
  if (helpBtn) { helpBtn.addEventListener("click", openHelp); }
  function inOpen(sel) { var c = current(); return c ? c.querySelector(sel) : null; }
  function setState(ready) {
    var sel = document.getElementById("new-state");
    if (!sel) { return; }
    var opt = Array.prototype.filter.call(sel.options, function (o) {
      return ready ? o.value === "available" : o.value.indexOf("not_ready:") === 0;
    })[0];
    if (!opt || !window.htmx) { return; }
    sel.value = opt.value;
    htmx.ajax("POST", "/ui/agent/state", { target: "#agent-state", values: { state: opt.value } });
  }
  function click(el) { if (el) { el.click(); } }
  function focus(el) { if (el) { el.focus(); } }
  var ACTIONS = {
    KeyA: function () { click(document.querySelector("#offer-dock [data-key=accept]")); },
    KeyR: function () { click(document.querySelector("#offer-dock [data-key=reject]")); },
    KeyN: function () { move(1); },
    KeyP: function () { move(-1); },
    KeyM: function () { focus(inOpen("[data-key=message]") || inOpen("textarea")); },
    KeyD: function () { focus(inOpen("[data-key=disposition]")); },
    KeyC: function () { click(inOpen("[data-key=complete]")); },
    KeyY: function () { setState(true); },
    KeyU: function () { setState(false); }
  };
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable);
    if (e.key === "?" && !typing && !e.altKey && !e.ctrlKey && !e.metaKey) { e.preventDefault(); openHelp(); return; }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && typing && t.form && window.htmx) {
      e.preventDefault();
      htmx.trigger(t.form, "submit");
      return;
    }
    if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    var act = ACTIONS[e.code];
    if (act) { e.preventDefault(); act(); }
  });

  // --- dial pad: its keys type into the number field
  document.addEventListener("click", function (e) {
    var k = e.target && e.target.closest && e.target.closest("[data-digit]");
    var field = document.getElementById("dial-to");
    if (!k || !field) { return; }
    field.value = (field.value + k.getAttribute("data-digit")).slice(0, 32);
    field.focus();
  });

  settle();
})();

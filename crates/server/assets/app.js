// Centralita's web UI script (ours, no build step): live updates over one
// EventSource, countdowns and timers, error messages, full-screen mode.
// The page's <body data-kinds="kind …"> names the fact kinds it follows (the
// server's list, crates/server/src/ui/follow.rs); elements with
// data-live="kind …" and data-src="/ui/…" are fetched again (through htmx)
// when a fact of one of their kinds arrives. There is no polling.
(function () {
  "use strict";

  // The sign-in page sends the browser's time zone.
  var tz = document.getElementById("tz");
  if (tz && window.Intl) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
  }

  function pad(n) { return String(n).padStart(2, "0"); }
  function clock(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), x = s % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(x);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      el.textContent = clock((now - Number(el.getAttribute("data-since"))) / 1000);
    });
    // A not-ready state past its planned length: its row and text say so.
    document.querySelectorAll("[data-limit]").forEach(function (el) {
      var over = now - Number(el.getAttribute("data-since")) > Number(el.getAttribute("data-limit"));
      var row = el.closest("tr"), note = row && row.querySelector(".over-text");
      if (row) { row.classList.toggle("over", over); }
      if (note) { note.hidden = !over; }
    });
    document.querySelectorAll("[data-until]").forEach(function (el) {
      var left = (Number(el.getAttribute("data-until")) - now) / 1000;
      el.textContent = clock(Math.ceil(left));
      el.classList.toggle("urgent", left < 5);
    });
  }
  setInterval(tick, 1000);

  // A table wider than a narrow screen scrolls in its own box: keyboard
  // users reach it too.
  function scrollables() {
    document.querySelectorAll("main table").forEach(function (t) {
      if (t.scrollWidth > t.clientWidth + 1) { t.tabIndex = 0; } else { t.removeAttribute("tabindex"); }
    });
  }
  document.addEventListener("htmx:afterSettle", scrollables);
  window.addEventListener("resize", scrollables);
  scrollables();
  document.addEventListener("htmx:afterSettle", tick);
  tick();

  // Fields of forms being sent (their text is not kept across a refresh).
  var sending = new Set();
  var flashTimer = null;
  function flash(msg) {
    var el = document.getElementById("flash");
    if (!el) { return; }
    el.textContent = msg;
    el.classList.add("shown");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { el.classList.remove("shown"); el.textContent = ""; }, 8000);
  }

  if (window.htmx) {
    // 422 answers carry a message to show next to the field: swap them.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false }
    ];
    document.addEventListener("htmx:responseError", function (e) {
      var xhr = e.detail.xhr, msg, code;
      try {
        var err = JSON.parse(xhr.responseText).error;
        msg = err.message; code = err.code;
      } catch (x) { msg = xhr.status + " " + (xhr.statusText || ""); }
      // Outside English, the code's sentence in the page's language.
      var words = document.body.getAttribute("data-errors");
      if (words) {
        try { words = JSON.parse(words); msg = (words["=" + msg] || words[code] || words["*"]).replace("%s", msg); } catch (x) { /* keep msg */ }
      }
      flash(msg);
    });
    document.addEventListener("htmx:sendError", function () { flash("…"); });
    document.addEventListener("htmx:afterSwap", function (e) {
      var t = e.detail.target;
      if (t && t.querySelectorAll) {
        t.querySelectorAll(".log").forEach(function (l) { l.scrollTop = l.scrollHeight; });
        if (t.classList && t.classList.contains("log")) { t.scrollTop = t.scrollHeight; }
      }
    });
    // A form that asks for it is emptied after a successful post — and so is
    // its copy, if a live refresh drew the form again while it was sending
    // (what is being sent is not kept across that refresh either).
    document.addEventListener("htmx:beforeRequest", function (e) {
      var f = e.detail.elt;
      if (f && f.hasAttribute && f.hasAttribute("data-reset")) {
        f.querySelectorAll("[id]").forEach(function (x) { sending.add(x.id); });
      }
    });
    document.addEventListener("htmx:afterRequest", function (e) {
      var f = e.detail.elt;
      if (!f || !f.hasAttribute || !f.hasAttribute("data-reset")) { return; }
      f.querySelectorAll("[id]").forEach(function (x) {
        sending.delete(x.id);
        var now = document.getElementById(x.id);
        if (e.detail.successful && now && now.form && now.form !== f) { now.form.reset(); }
      });
      if (e.detail.successful) { f.reset(); }
    });
  }

  var body = document.body;
  var seq = body && body.getAttribute("data-seq");
  if (seq !== null && seq !== undefined && window.EventSource && window.htmx) {
    var pending = new Map();
    var facts = 0, issued = new Map();
    var live = new Set();
    var snapshots = new Map();
    // A live refresh keeps what the user was typing or choosing, and the focus.
    // Someone typing in a fragment is not interrupted: its refresh waits
    // until they pause (at most 8 s), so no keystroke falls between the old
    // field and the new one.
    var lastKey = 0, deferred = new Map();
    document.addEventListener("input", function () { lastKey = Date.now(); }, true);
    var typingIn = function (el) {
      var a = document.activeElement;
      return a && el.contains(a) && /^(INPUT|TEXTAREA)$/.test(a.tagName) && Date.now() - lastKey < 1500;
    };
    var snapshot = function (el) {
      var saved = [];
      el.querySelectorAll("input[id], select[id], textarea[id]").forEach(function (f) {
        var dirty = f.tagName === "SELECT"
          ? Array.prototype.some.call(f.options, function (o) { return o.selected !== o.defaultSelected; })
          : f.value !== f.defaultValue;
        if (dirty && !sending.has(f.id)) { saved.push([f.id, f.value]); }
      });
      var a = document.activeElement;
      return { saved: saved, active: a && a.id && el.contains(a) ? a.id : null };
    };
    document.addEventListener("htmx:beforeSwap", function (e) {
      var t = e.detail.target;
      // A form's answer whose target a refresh replaced meanwhile goes to
      // the target's new copy (the agent sees "Saved", the message sent).
      if (!live.has(t) && t && t.id && !document.body.contains(t)) {
        var now = document.getElementById(t.id);
        if (now) { e.detail.target = now; }
        return;
      }
      if (!live.has(t)) { return; }
      // A refresh that comes back while someone types waits for the pause.
      if (typingIn(t)) {
        if (!deferred.has(t)) { deferred.set(t, Date.now()); }
        if (Date.now() - deferred.get(t) < 8000) { e.detail.shouldSwap = false; live.delete(t); refresh(t, 500); return; }
      }
      deferred.delete(t);
      snapshots.set(t, snapshot(t));
    });
    document.addEventListener("htmx:afterSwap", function (e) {
      var t = e.detail.target, snap = snapshots.get(t);
      live.delete(t);
      // Facts that came while this fragment was on its way may be missing
      // from it (it was rendered before them): its own live parts ask again.
      var since = issued.get(t);
      issued.delete(t);
      if (since !== undefined && facts > since) {
        t.querySelectorAll("[data-live]").forEach(function (d) { refresh(d); });
      }
      // Refreshes still in flight for fragments this swap replaced are lost
      // with them: ask again in the new place.
      live.forEach(function (el) {
        if (document.body.contains(el)) { return; }
        live.delete(el);
        var now = el.id && document.getElementById(el.id);
        if (now) { refresh(now); }
      });
      snapshots.delete(t);
      if (!snap) { return; }
      snap.saved.forEach(function (x) { var f = document.getElementById(x[0]); if (f) { f.value = x[1]; } });
      if (snap.active) { var a = document.getElementById(snap.active); if (a) { a.focus(); } }
    });
    var refresh = function (el, waited) {
      if (pending.has(el)) { return; }
      pending.set(el, setTimeout(function () {
        pending.delete(el);
        // A fragment replaced meanwhile (its container was refreshed) is
        // refreshed in its new place: the container's copy may predate the fact.
        if (!document.body.contains(el)) { var now = el.id && document.getElementById(el.id); if (now) { refresh(now); } return; }
        if (typingIn(el) && (waited || 0) < 8000) { refresh(el, (waited || 0) + 500); return; }
        live.add(el);
        issued.set(el, facts);
        // Each fragment is its own request's source: htmx keeps one request
        // per source (a newer one replaces a queued one), so with the page's
        // body as the shared source a refresh of one fragment dropped another's.
        htmx.ajax("GET", el.getAttribute("data-src"), { source: el, target: el, swap: "innerHTML" });
      }, waited ? 500 : 120));
    };
    var onFact = function (kind) {
      facts += 1;
      document.querySelectorAll("[data-live]").forEach(function (el) {
        if (el.getAttribute("data-live").split(" ").indexOf(kind) >= 0) { refresh(el); }
      });
    };
    var es = new EventSource("/api/v1/events?after=" + encodeURIComponent(seq));
    var status = document.getElementById("live-status");
    es.onopen = function () { if (status) { status.className = "live on"; } };
    es.onerror = function () { if (status) { status.className = "live off"; } };
    (body.getAttribute("data-kinds") || "").split(" ").forEach(function (k) {
      if (k) { es.addEventListener(k, function () { onFact(k); }); }
    });
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-fullscreen]");
    if (!b) { return; }
    document.body.classList.toggle("tv");
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* TV class is enough */ });
    }
  });
})();

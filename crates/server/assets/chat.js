// The customers' chat page (ours, no build step). Starts a chat, sends the
// customer's messages and follows the conversation over the chat's own
// server-sent-event stream (/chat/{tenant}/{id}/events): no polling. The
// stream resumes after the last message by itself (Last-Event-ID); the chat's
// id and secret stay in this tab's sessionStorage, so a reload or a change of
// language picks the conversation up again. Every text comes from the page
// (data-t-* attributes, rendered in the customer's language).
(function () {
  "use strict";
  var body = document.body;
  var tenant = body.getAttribute("data-tenant");
  var lang = body.getAttribute("data-lang") || "en";
  var base = "/chat/" + encodeURIComponent(tenant);
  var key = "centralita-chat:" + tenant;
  var startForm = document.getElementById("start");
  var chat = document.getElementById("chat");
  var log = document.getElementById("log");
  var sendForm = document.getElementById("send");
  var msg = document.getElementById("msg");
  var errorBox = document.getElementById("chat-error");
  var stateBox = document.getElementById("chat-state");
  var newChat = document.getElementById("new-chat");
  var current = null; // { id, secret }
  var es = null;
  var phase = null;
  var leaving = false;
  // Leaving the page (a reload, another language) is not a lost connection.
  window.addEventListener("pagehide", function () { leaving = true; if (es) { es.close(); } });
  // Back from the browser's page cache: follow the conversation again.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && current && phase !== "ended") { leaving = false; open(current); }
  });

  function t(name) { return body.getAttribute("data-t-" + name) || name; }
  function showError(text) { errorBox.textContent = text ? t("failed") + " " + text : ""; }

  function time(ms) {
    try {
      return new Date(ms).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    } catch (e) { return ""; }
  }

  function line(cls, text, at) {
    var p = document.createElement("p");
    p.className = cls;
    if (at) {
      var tm = document.createElement("time");
      tm.dateTime = new Date(at).toISOString();
      tm.textContent = time(at);
      p.appendChild(tm);
      p.appendChild(document.createTextNode(" "));
    }
    p.appendChild(document.createTextNode(text));
    log.appendChild(p);
    log.scrollTop = log.scrollHeight;
  }

  async function errorOf(r) {
    try { return (await r.json()).error.message; } catch (e) { return r.status + " " + r.statusText; }
  }

  function ended() {
    if (es) { es.close(); es = null; }
    sendForm.hidden = true;
    newChat.hidden = false;
  }

  function follow() {
    var url = base + "/" + current.id + "/events?secret=" + encodeURIComponent(current.secret);
    es = new EventSource(url);
    es.addEventListener("message", function (e) {
      var m = JSON.parse(e.data);
      var who = m.from === "customer" ? t("you") : t("agent");
      line(m.from, who + ": " + m.body, m.at);
    });
    es.addEventListener("state", function (e) {
      var s = JSON.parse(e.data).state;
      showError("");
      if (s === phase) { return; }
      phase = s;
      // The current state, apart from the conversation: a reload shows it
      // after the messages it may predate.
      stateBox.textContent = t(s);
      if (s === "ended") { ended(); }
    });
    es.onerror = function () {
      if (leaving || !es) { return; }
      if (es.readyState === EventSource.CLOSED) {
        // Refused for good (the chat is unknown or its secret wrong): offer a new chat.
        es = null;
        showError("");
        errorBox.textContent = t("ended");
        sendForm.hidden = true;
        newChat.hidden = false;
      } else {
        // The browser reconnects by itself and resumes after the last message.
        errorBox.textContent = t("reconnecting");
      }
    };
    es.onopen = function () { if (errorBox.textContent === t("reconnecting")) { errorBox.textContent = ""; } };
  }

  function open(c) {
    current = c;
    startForm.hidden = true;
    chat.hidden = false;
    sendForm.hidden = false;
    newChat.hidden = true;
    log.textContent = "";
    stateBox.textContent = "";
    phase = null;
    follow();
    msg.focus();
  }

  startForm.addEventListener("submit", async function (e) {
    e.preventDefault();
    showError("");
    var val = function (id) { var v = document.getElementById(id).value.trim(); return v === "" ? null : v; };
    var r;
    try {
      r = await fetch(base + "/start", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: val("name"), email: val("email"), subject: val("subject"), language: lang }),
      });
    } catch (err) { showError(String(err)); return; }
    if (!r.ok) { showError(await errorOf(r)); return; }
    var j = await r.json();
    var c = { id: j.interaction_id, secret: j.secret };
    sessionStorage.setItem(key, JSON.stringify(c));
    open(c);
  });

  sendForm.addEventListener("submit", async function (e) {
    e.preventDefault();
    if (!current || msg.value === "") { return; }
    var r;
    try {
      r = await fetch(base + "/" + current.id + "/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ secret: current.secret, body: msg.value }),
      });
    } catch (err) { showError(String(err)); return; }
    // The message shows when it comes back on the stream: then it is kept.
    if (r.ok) { msg.value = ""; showError(""); } else { showError(await errorOf(r)); }
  });

  newChat.addEventListener("click", function () {
    sessionStorage.removeItem(key);
    current = null;
    chat.hidden = true;
    startForm.hidden = false;
    document.getElementById("name").focus();
  });

  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.id !== undefined && saved.secret) { open(saved); }
})();

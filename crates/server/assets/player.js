// The quality review's recording player and comment helpers (no inline
// script: the page's CSP allows our own files only).
//
// - `[data-player]`: the call's WAV is fetched once (one logged listen),
//   played from memory, and decoded with Web Audio to draw both legs as two
//   lanes on the canvas (left channel: customer, right: agent), the pauses
//   (`data-pauses`: "ms into the file:ms paused,…") as marks, and where the
//   player is. A click on the lanes, or the arrow keys on them, seeks.
// - "Comment at this moment" puts the player's time in the first empty
//   moment field and focuses its comment; "comment on this message" does
//   the same with a chat message.
// - Links with `data-seek-ms` seek the player there.
// - A training item's "listen" button plays it from its start moment.
(function () {
  "use strict";

  function clock(s) {
    s = Math.max(0, Math.floor(s));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function envelope(data, columns) {
    var out = new Float32Array(columns);
    var per = Math.max(1, Math.floor(data.length / columns));
    for (var c = 0; c < columns; c++) {
      var peak = 0;
      for (var i = c * per; i < Math.min(data.length, (c + 1) * per); i++) {
        var v = Math.abs(data[i]);
        if (v > peak) peak = v;
      }
      out[c] = peak;
    }
    return out;
  }

  function Player(box) {
    this.box = box;
    this.audio = box.querySelector("audio");
    this.canvas = box.querySelector("canvas");
    this.pauses = (box.dataset.pauses || "").split(",").filter(Boolean).map(function (p) {
      var parts = p.split(":");
      return { at: Number(parts[0]) / 1000, len: Number(parts[1]) / 1000 };
    });
    this.lanes = null;
    this.duration = 0;
  }

  Player.prototype.load = function () {
    var self = this;
    fetch(this.box.dataset.player, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); })
      .then(function (buf) {
        self.audio.src = URL.createObjectURL(new Blob([buf], { type: "audio/wav" }));
        var Ctx = window.AudioContext || window.webkitAudioContext;
        if (!Ctx) return null;
        return new Ctx().decodeAudioData(buf.slice(0));
      })
      .then(function (decoded) {
        if (!decoded) return;
        var cols = self.canvas.width;
        var left = decoded.getChannelData(0);
        var right = decoded.numberOfChannels > 1 ? decoded.getChannelData(1) : left;
        self.lanes = [envelope(left, cols), envelope(right, cols)];
        self.duration = decoded.duration;
        self.draw();
      })
      .catch(function () { self.box.dataset.failed = "1"; });
    this.audio.addEventListener("timeupdate", function () { self.draw(); });
    this.audio.addEventListener("loadedmetadata", function () {
      if (!self.duration) self.duration = self.audio.duration || 0;
      self.draw();
    });
    this.canvas.addEventListener("click", function (e) {
      var rect = self.canvas.getBoundingClientRect();
      self.seek(((e.clientX - rect.left) / rect.width) * self.length());
    });
    this.canvas.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { self.seek(self.audio.currentTime + 5); e.preventDefault(); }
      if (e.key === "ArrowLeft") { self.seek(self.audio.currentTime - 5); e.preventDefault(); }
      if (e.key === " ") { if (self.audio.paused) self.audio.play(); else self.audio.pause(); e.preventDefault(); }
    });
  };

  Player.prototype.length = function () {
    return this.duration || this.audio.duration || 1;
  };

  Player.prototype.seek = function (s) {
    this.audio.currentTime = Math.max(0, Math.min(s, this.length()));
    this.draw();
  };

  Player.prototype.draw = function () {
    var c = this.canvas, g = c.getContext("2d"), w = c.width, h = c.height, lane = h / 2;
    g.clearRect(0, 0, w, h);
    var colours = ["#0b4f8a", "#2d6a1f"];
    if (this.lanes) {
      for (var l = 0; l < 2; l++) {
        g.fillStyle = colours[l];
        var mid = lane * l + lane / 2;
        for (var x = 0; x < w; x++) {
          var amp = Math.max(1, this.lanes[l][x] * (lane / 2 - 2));
          g.fillRect(x, mid - amp, 1, amp * 2);
        }
      }
    }
    g.fillStyle = "#555";
    g.fillRect(0, lane, w, 1);
    var len = this.length();
    g.fillStyle = "#a30000";
    this.pauses.forEach(function (p) { g.fillRect(Math.round((p.at / len) * w) - 1, 0, 3, h); });
    g.fillStyle = "#111";
    g.fillRect(Math.round((this.audio.currentTime / len) * w), 0, 2, h);
  };

  function firstEmpty(selector) {
    var all = document.querySelectorAll(selector);
    for (var i = 0; i < all.length; i++) if (!all[i].value) return all[i];
    return all[all.length - 1] || null;
  }

  function focusText(field) {
    var row = field.closest(".row");
    var text = row && row.querySelector("[data-comment-text]");
    if (text) text.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-player]");
    var player = null;
    if (box) { player = new Player(box); player.load(); }
    var here = document.getElementById("comment-here");
    if (here && player) {
      here.addEventListener("click", function () {
        var field = firstEmpty("[data-moment]");
        if (!field) return;
        field.value = clock(player.audio.currentTime);
        focusText(field);
      });
    }
    document.querySelectorAll("[data-comment-message]").forEach(function (b) {
      b.addEventListener("click", function () {
        var field = firstEmpty("[data-moment-message]");
        if (!field) return;
        field.value = b.dataset.commentMessage;
        focusText(field);
      });
    });
    document.querySelectorAll("[data-seek-ms]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        if (!player) return;
        e.preventDefault();
        player.seek(Number(a.dataset.seekMs) / 1000);
        player.audio.focus();
      });
    });
    // A training item's recording is fetched once (one logged listen) and
    // played from memory, from its start moment (a file served whole
    // cannot be sought).
    document.querySelectorAll("[data-listen]").forEach(function (b) {
      b.addEventListener("click", function () {
        var a = b.closest(".item").querySelector("audio");
        var start = Number(a.dataset.startMs || 0) / 1000;
        var go = function () { a.currentTime = start; a.play().catch(function () {}); a.focus(); };
        if (a.dataset.loaded) { go(); return; }
        fetch(a.dataset.src, { credentials: "same-origin" })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.blob(); })
          .then(function (blob) {
            a.dataset.loaded = "1";
            a.addEventListener("loadedmetadata", go, { once: true });
            a.src = URL.createObjectURL(blob);
          })
          .catch(function () { b.dataset.failed = "1"; });
      });
    });
  });
})();

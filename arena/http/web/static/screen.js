/* The big screen: show one group at a time, and reload when a new publication appears. */
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) { return; }
  var slides = root.querySelectorAll(".slide");
  // each slide's row count sizes its table (CSS --rows); set here, as the CSP allows no style attribute
  for (var s = 0; s < slides.length; s++) {
    slides[s].style.setProperty("--rows", slides[s].getAttribute("data-rows") || "12");
  }
  var pager = root.querySelectorAll(".pager span");
  var current = 0;

  function show(n) {
    for (var i = 0; i < slides.length; i++) {
      slides[i].classList.toggle("active", i === n);
      if (pager[i]) { pager[i].classList.toggle("on", i === n); }
    }
    current = n;
  }

  var rotate = parseInt(root.getAttribute("data-rotate"), 10) || 12;
  if (slides.length > 1) {
    setInterval(function () { show((current + 1) % slides.length); }, rotate * 1000);
  }

  // The clock reads the contest's time, as the publication time beside it does, whatever the
  // zone of the computer driving the screen.
  var clock = document.getElementById("clock");
  var zone = root.getAttribute("data-timezone");
  var format = null;
  try {
    format = new Intl.DateTimeFormat("zh-CN", { timeZone: zone || undefined, hour12: false,
                                                 hour: "2-digit", minute: "2-digit", second: "2-digit" });
  } catch (e) { format = null; }
  function tick() {
    if (clock) {
      var d = new Date();
      var two = function (x) { return (x < 10 ? "0" : "") + x; };
      clock.textContent = format ? format.format(d)
        : two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
    }
  }
  tick();
  setInterval(tick, 1000);

  // A sheet under notice: once its deadline has passed the mark says so; the final revision,
  // when it is published, changes the version and the poll below reloads the screen.
  var until = Date.parse(root.getAttribute("data-notice-until") || "");
  var mark = document.getElementById("notice-mark");
  function notice() {
    if (mark && !isNaN(until) && Date.now() >= until) { mark.textContent = "公示期满 · 待定稿"; }
  }
  notice();
  setInterval(notice, 60000);

  // A new publication changes the version: reload to show it. Failures wait for the next poll.
  var version = root.getAttribute("data-version");
  var url = root.getAttribute("data-version-url");
  var every = parseInt(root.getAttribute("data-poll"), 10) || 30;
  function poll() {
    if (!window.fetch || !url) { return; }
    fetch(url, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) { if (v && v.version && v.version !== version) { window.location.reload(); } })
      .catch(function () { /* offline for a moment: try again later */ });
  }
  setInterval(poll, every * 1000);
})();

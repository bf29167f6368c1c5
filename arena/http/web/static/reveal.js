/* The jury's reveal (揭晓): one slide at a time, unit by unit in the drawn order, then the
   ranking. The host advances (click, space, arrow keys, PageDown); ?auto=N advances every N s. */
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) { return; }
  var slides = root.querySelectorAll(".slide");
  for (var s = 0; s < slides.length; s++) {
    slides[s].style.setProperty("--rows", slides[s].getAttribute("data-rows") || "8");
  }
  var pager = root.querySelectorAll(".pager span");
  var current = 0;
  function show(n) {
    if (n < 0 || n >= slides.length) { return; }
    for (var i = 0; i < slides.length; i++) {
      slides[i].classList.toggle("active", i === n);
      if (pager[i]) { pager[i].classList.toggle("on", i === n); }
    }
    current = n;
  }
  document.addEventListener("keydown", function (ev) {
    var k = ev.key;
    if (k === " " || k === "ArrowRight" || k === "ArrowDown" || k === "PageDown" || k === "Enter") {
      ev.preventDefault(); show(current + 1);
    } else if (k === "ArrowLeft" || k === "ArrowUp" || k === "PageUp") {
      ev.preventDefault(); show(current - 1);
    } else if (k === "Home") { show(0); } else if (k === "End") { show(slides.length - 1); }
  });
  root.addEventListener("click", function () { show(current + 1 < slides.length ? current + 1 : 0); });
  var auto = parseInt(root.getAttribute("data-auto"), 10) || 0;
  if (auto > 0 && slides.length > 1) {
    setInterval(function () { show((current + 1) % slides.length); }, auto * 1000);
  }
})();

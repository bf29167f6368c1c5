/* The judges' phone page: each change is saved at once (POST /jury/<id>/sheets/<unit>, with the
   page's CSRF token); the card says whether it was saved, and why not. Submitting asks twice. */
(function () {
  "use strict";
  var root = document.getElementById("jury");
  if (!root) { return; }
  var base = root.getAttribute("data-save-url");
  var csrf = root.getAttribute("data-csrf");
  var count = parseInt(root.getAttribute("data-units"), 10) || 0;

  function card(el) {
    while (el && !(el.classList && el.classList.contains("jury-unit"))) { el = el.parentNode; }
    return el;
  }
  function shown(x) { return String(Math.round(x * 10000) / 10000); }
  function progress() {
    var done = root.querySelectorAll(".jury-unit.complete").length;
    var b = document.querySelector("#progress b");
    if (b) { b.textContent = String(done); }
    return done;
  }
  function say(c, text, kind) {
    var state = c.querySelector(".jury-state");
    state.textContent = text;
    state.className = "jury-state " + kind;
  }

  function save(input) {
    var c = card(input);
    if (input.value === "") { return; }
    var body = new URLSearchParams();
    body.append("csrf_token", csrf);
    body.append(input.name, input.value);
    say(c, "保存中…", "saving");
    fetch(base + encodeURIComponent(c.getAttribute("data-unit")), {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; },
        function () { return { ok: false, j: { error: { message: "保存失败（" + r.status + "），请刷新页面后重试" } } }; });
    }).then(function (res) {
      if (res.ok) {
        input.classList.remove("bad");
        c.querySelector(".total").textContent = res.j.total === null ? "—" : shown(res.j.total);
        c.classList.toggle("complete", res.j.total !== null);
        say(c, "已保存", "saved");
        progress();
      } else {
        var e = res.j.error || {};
        var msg = e.details && e.details.length ? e.details[0].message : e.message;
        input.classList.add("bad");
        say(c, "未保存：" + msg, "failed");
      }
    }).catch(function () { say(c, "未保存：网络中断，请重试", "failed"); });
  }

  var inputs = root.querySelectorAll(".jury-score input");
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener("change", function (ev) { save(ev.target); });
  }

  // the first tap on submit asks again: a phone is easy to tap by mistake
  var form = document.getElementById("submit-form");
  var button = document.getElementById("submit-sheets");
  if (form && button) {
    form.addEventListener("submit", function (ev) {
      if (button.getAttribute("data-armed") !== "1") {
        ev.preventDefault();
        var left = count - progress();
        button.setAttribute("data-armed", "1");
        button.textContent = left > 0 ? "还有 " + left + " 个单位未打完分，仍要提交请再点一次" : "确认提交？再点一次提交并锁定";
      }
    });
  }
})();

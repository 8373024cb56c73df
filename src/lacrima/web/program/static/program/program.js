/* Lacrima program: breathing pacer, guided muscle relaxation, scene timer.
   Runs entirely in the browser: no network calls during an exercise. Honors
   prefers-reduced-motion: the pacer then shows words and a number instead of motion.
   No inline scripts or styles (the CSP forbids them); transforms are set through the
   CSSOM, which the CSP allows. */
(function () {
  "use strict";

  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function setDuration(form, seconds) {
    var field = form && form.querySelector("input[name='duration_s']");
    if (field) {
      field.value = String(Math.min(Math.round(seconds * 10) / 10, 3600));
    }
  }

  function ease(x) {
    return 0.5 - Math.cos(Math.PI * x) / 2;
  }

  function initPacer(root) {
    var inhale = parseFloat(root.dataset.inhaleS);
    var exhale = parseFloat(root.dataset.exhaleS);
    var cycles = parseInt(root.dataset.cycles, 10);
    var circle = root.querySelector(".pacer-circle");
    var cue = root.querySelector(".pacer-cue");
    var count = root.querySelector(".pacer-count");
    var start = root.querySelector(".pacer-start");
    var pause = root.querySelector(".pacer-pause");
    var form = root.closest("form");
    var elapsed = 0;
    var last = null;
    var running = false;
    var phase = "";
    if (!(inhale > 0 && exhale > 0)) {
      return;
    }
    root.classList.add(reducedMotion ? "pacer-still" : "pacer-moving");
    root.dataset.state = "ready";
    start.hidden = false;

    function show(now) {
      var cycle = inhale + exhale;
      var pos = elapsed % cycle;
      var inhaling = pos < inhale;
      var frac = inhaling ? pos / inhale : (pos - inhale) / exhale;
      var left = Math.ceil(inhaling ? inhale - pos : cycle - pos);
      var next = inhaling ? "in" : "out";
      if (next !== phase) {
        phase = next;
        root.dataset.phase = phase;
        cue.textContent = inhaling ? "Breathe in" : "Breathe out";
      }
      count.textContent = String(left);
      if (!reducedMotion) {
        var scale = inhaling ? 0.5 + 0.5 * ease(frac) : 1 - 0.5 * ease(frac);
        circle.style.transform = "scale(" + scale.toFixed(3) + ")";
      }
      if (elapsed >= cycle * cycles) {
        finish();
        return;
      }
      if (running) {
        window.requestAnimationFrame(tick);
      }
    }

    function tick(now) {
      if (!running) {
        return;
      }
      if (last !== null) {
        elapsed += (now - last) / 1000;
      }
      last = now;
      setDuration(form, elapsed);
      show(now);
    }

    function finish() {
      running = false;
      root.dataset.state = "done";
      cue.textContent = "Done. Notice how you feel, then rate it below.";
      count.textContent = "";
      pause.hidden = true;
      start.hidden = true;
    }

    start.addEventListener("click", function () {
      running = true;
      last = null;
      root.dataset.state = "running";
      start.hidden = true;
      pause.hidden = false;
      window.requestAnimationFrame(tick);
    });
    pause.addEventListener("click", function () {
      running = false;
      root.dataset.state = "paused";
      cue.textContent = "Paused. Start again whenever you like.";
      phase = "";
      start.textContent = "Continue";
      start.hidden = false;
      pause.hidden = true;
    });
  }

  function initPmr(root) {
    var steps = Array.prototype.slice.call(root.querySelectorAll(".pmr-steps li"));
    var now = root.querySelector(".pmr-now");
    var count = root.querySelector(".pmr-count");
    var start = root.querySelector(".pmr-start");
    var pause = root.querySelector(".pmr-pause");
    var form = root.closest("form");
    var index = 0;
    var left = 0;
    var timer = null;
    var total = 0;
    start.hidden = false;

    function text(li) {
      return li.firstChild ? li.firstChild.textContent.trim() : "";
    }

    function enter(i) {
      steps.forEach(function (li) {
        li.classList.remove("is-current");
        li.removeAttribute("aria-current");
      });
      if (i >= steps.length) {
        stop();
        root.dataset.state = "done";
        now.textContent = "Done. Notice how you feel, then rate it below.";
        count.textContent = "";
        start.hidden = true;
        pause.hidden = true;
        return;
      }
      index = i;
      left = Math.round(parseFloat(steps[i].dataset.seconds));
      steps[i].classList.add("is-current");
      steps[i].setAttribute("aria-current", "step");
      now.textContent = text(steps[i]);
      count.textContent = String(left);
    }

    function second() {
      total += 1;
      setDuration(form, total);
      left -= 1;
      if (left <= 0) {
        enter(index + 1);
      } else {
        count.textContent = String(left);
      }
    }

    function stop() {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
    }

    start.addEventListener("click", function () {
      if (root.dataset.state !== "paused") {
        enter(0);
      }
      root.dataset.state = "running";
      timer = window.setInterval(second, 1000);
      start.hidden = true;
      pause.hidden = false;
    });
    pause.addEventListener("click", function () {
      stop();
      root.dataset.state = "paused";
      start.textContent = "Continue";
      start.hidden = false;
      pause.hidden = true;
    });
  }

  function initScene(root) {
    var seconds = parseFloat(root.dataset.sceneS);
    var bar = root.querySelector(".scene-progress");
    var message = root.querySelector(".scene-left");
    var form = document.querySelector(".rating-form");
    var began = Date.now();
    var done = false;
    if (!(seconds > 0)) {
      return;
    }
    function update() {
      var elapsed = (Date.now() - began) / 1000;
      bar.value = Math.min(100, (elapsed / seconds) * 100);
      setDuration(form, elapsed);
      if (!done && elapsed >= seconds) {
        done = true;
        root.dataset.state = "done";
        message.textContent = "Time is up. Let the scene go, and rate how it felt.";
      }
    }
    root.dataset.state = "running";
    update();
    window.setInterval(update, 250);
    if (form) {
      form.addEventListener("submit", function () {
        setDuration(form, (Date.now() - began) / 1000);
      });
    }
  }

  document.querySelectorAll(".pacer").forEach(initPacer);
  document.querySelectorAll(".pmr").forEach(initPmr);
  document.querySelectorAll(".scene-timer").forEach(initScene);
})();

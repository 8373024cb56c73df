/* Lacrima records: the S-P timeline of a session recording (uPlot).
   Data comes from the JSON block #sp-timeline-data (json_script); no inline script,
   no inline styles (the CSP forbids them). Colours come from CSS custom properties in
   records.css, so light and dark mode both work. The phase and cycle tables on the page
   hold the same information for screen readers and for printing. */
(function () {
  "use strict";

  var PHASES = ["S", "peak", "P", "recovery"];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name);
    return value && value.trim() ? value.trim() : fallback;
  }

  function clock(seconds) {
    var t = Math.round(seconds);
    var h = Math.floor(t / 3600);
    var m = Math.floor((t % 3600) / 60);
    var s = t % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function shadePhases(phases) {
    return function (u) {
      var ctx = u.ctx;
      var top = u.bbox.top;
      var height = u.bbox.height;
      ctx.save();
      phases.forEach(function (p) {
        if (PHASES.indexOf(p.label) < 0) {
          return;
        }
        var x0 = u.valToPos(p.start_s, "x", true);
        var x1 = u.valToPos(p.end_s, "x", true);
        ctx.fillStyle = cssVar("--records-phase-" + p.label, "rgba(128,128,128,0.15)");
        ctx.fillRect(x0, top, Math.max(x1 - x0, 1), height);
      });
      ctx.restore();
    };
  }

  function drawMarkers(markers) {
    return function (u) {
      var ctx = u.ctx;
      var ratio = window.devicePixelRatio || 1;
      ctx.save();
      ctx.strokeStyle = cssVar("--records-marker", "#6b4e9b");
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 1.5 * ratio;
      ctx.font = 12 * ratio + "px sans-serif";
      markers.forEach(function (m) {
        var x = u.valToPos(m.time_s, "x", true);
        ctx.beginPath();
        ctx.setLineDash([4 * ratio, 3 * ratio]);
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillText(m.label, x + 3 * ratio, u.bbox.top + 12 * ratio);
      });
      ctx.restore();
    };
  }

  function init(root, data) {
    var width = Math.max(root.clientWidth, 280);
    var opts = {
      width: width,
      height: 320,
      scales: { x: { time: false } },
      axes: [
        { label: "time from the recording start (m:ss)", values: function (u, ticks) { return ticks.map(clock); } },
        { label: "baseline z" }
      ],
      series: [
        { label: "time", value: function (u, v) { return v == null ? "—" : clock(v); } },
        { label: "Sympathetic", stroke: cssVar("--records-sym", "#b5651d"), width: 2, spanGaps: false },
        { label: "Parasympathetic", stroke: cssVar("--records-para", "#2f6f73"), width: 2, spanGaps: false }
      ],
      hooks: {
        drawClear: [shadePhases(data.phases || [])],
        draw: [drawMarkers(data.markers || [])]
      }
    };
    var plot = new uPlot(opts, [data.t, data.sympathetic, data.parasympathetic], root);
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(root.clientWidth, 280), height: 320 });
    });
    root.dataset.ready = "true";
  }

  function start() {
    var root = document.getElementById("sp-timeline");
    var source = document.getElementById("sp-timeline-data");
    if (!root || !source || typeof uPlot === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.t || !data.t.length) {
      root.textContent = "No index values to draw.";
      return;
    }
    init(root, data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

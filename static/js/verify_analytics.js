/* Draws the verification analytics charts from the page's JSON (views_analytics.chart_data). */
(function () {
  "use strict";

  var COLORS = {
    primary: "#2563eb",
    success: "#16a34a",
    palette: ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"],
  };

  function base(extra) {
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    };
    return Object.assign(options, extra || {});
  }

  var builders = {
    daily: function (data) {
      return {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: "Attempts", data: data.attempts, borderColor: COLORS.primary, backgroundColor: COLORS.primary, tension: 0.2 },
            { label: "Verified", data: data.approved, borderColor: COLORS.success, backgroundColor: COLORS.success, tension: 0.2 },
          ],
        },
        options: base(),
      };
    },
    conversion: function (data) {
      return {
        type: "bar",
        data: { labels: data.labels, datasets: [{ label: "Conversion (%)", data: data.rates, backgroundColor: COLORS.palette }] },
        options: base({ plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, max: 100 } } }),
      };
    },
    ttv: function (data) {
      return {
        type: "bar",
        data: { labels: data.labels, datasets: [{ label: "Verified attempts", data: data.counts, backgroundColor: COLORS.success }] },
        options: base({ plugins: { legend: { display: false } } }),
      };
    },
    failures: function (data) {
      return {
        type: "doughnut",
        data: { labels: data.labels, datasets: [{ data: data.counts, backgroundColor: COLORS.palette }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "right" } } },
      };
    },
  };

  function draw() {
    var source = document.getElementById("verify-analytics-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var name = canvas.getAttribute("data-chart");
      if (!builders[name] || !data[name]) return;
      new window.Chart(canvas, builders[name](data[name]));
      canvas.setAttribute("data-rendered", "true");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

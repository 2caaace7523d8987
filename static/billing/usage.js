/* Draws the usage page's charts from its JSON (billing.portal_data.UsageCharts.as_json):
   charges by day and volume by day, stacked by category, and charges by category. */
(function () {
  "use strict";

  var PALETTE = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#0f766e", "#9333ea", "#475569"];

  function stacked(data, key, title) {
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s[key], backgroundColor: PALETTE[i % PALETTE.length], stack: "usage" };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" }, title: { display: false, text: title } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      },
    };
  }

  var builders = {
    spend: function (data) { return stacked(data, "charge", "Charges by day"); },
    volume: function (data) { return stacked(data, "volume", "Volume by day"); },
    breakdown: function (data) {
      return {
        type: "doughnut",
        data: { labels: data.breakdown.labels, datasets: [{ label: "Charges", data: data.breakdown.charge, backgroundColor: PALETTE }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "right" } } },
      };
    },
  };

  function draw() {
    var source = document.getElementById("billing-usage-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = builders[canvas.getAttribute("data-chart")];
      if (!build) return;
      new window.Chart(canvas, build(data));
      canvas.setAttribute("data-rendered", "true");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

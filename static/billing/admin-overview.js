/* Draws the admin billing overview's bar chart from the page's JSON (billing.admin_overview). */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("billing-overview-data");
    var canvas = document.querySelector("canvas[data-chart='spenders']");
    if (!source || !canvas || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var numbers = function (values) {
      return values.map(Number);
    };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Twilio's cost", data: numbers(data.cost), backgroundColor: "#94a3b8" },
          { label: "Charged", data: numbers(data.charge), backgroundColor: "#2563eb" },
          { label: "Margin", data: numbers(data.margin), backgroundColor: "#16a34a" },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true } },
      },
    });
    canvas.setAttribute("data-rendered", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

/* Keeps a broadcast's progress card live (templates/broadcasts/_progress.html).

   The first frame comes from the JSON the page embeds; then every `progress` event of
   GET /api/v1/broadcasts/{id}/events repaints the counters, the bar, the status line and
   the charts. Without EventSource, or when the stream keeps failing, it polls
   GET /api/v1/broadcasts/{id}/status instead. A settled broadcast (final, its delivery
   reports in) stops both. */
(function () {
  "use strict";

  var POLL_MS = 5000;
  var MAX_POINTS = 120;
  var STREAM_FAILURES_BEFORE_POLLING = 3;
  var COLORS = { sent: "#2563eb", delivered: "#16a34a", failed: "#dc2626" };

  function percent(value) {
    return Number(value).toFixed(1); // as the page writes it: 75.0
  }

  function Card(root, embed) {
    this.root = root;
    this.labels = embed.labels;
    this.renderedStatus = root.getAttribute("data-rendered-status");
    this.lastUpdate = null;
    this.delivery = null;
    this.failures = null;
    this.pollTimer = null;
    this.source = null;
  }

  Card.prototype.field = function (name) {
    return this.root.querySelector('[data-field="' + name + '"]');
  };

  Card.prototype.statusLabel = function (status) {
    return this.labels.status[status] || status;
  };

  Card.prototype.errorLabel = function (code) {
    var text = this.labels.error[String(code)];
    return text ? code + ": " + text : String(code);
  };

  Card.prototype.setConnection = function (text) {
    this.field("connection").textContent = text;
  };

  Card.prototype.paint = function (p) {
    var key = JSON.stringify(p);
    if (this.lastUpdate === key) return;
    this.lastUpdate = key;
    var counters = this.root.querySelectorAll("[data-counter]");
    for (var i = 0; i < counters.length; i++) {
      var name = counters[i].getAttribute("data-counter");
      if (name in p) counters[i].textContent = p[name];
    }
    var bar = this.field("bar");
    bar.setAttribute("value", p.percent_done);
    bar.textContent = percent(p.percent_done) + "%";
    this.field("percent-done").textContent = percent(p.percent_done);
    this.field("percent-delivered").textContent = percent(p.percent_delivered);
    this.field("status").textContent = this.statusLabel(p.status);
    var reason = p.pause_reason ? this.labels.pause_reason[p.pause_reason] || p.pause_reason : "";
    this.field("pause-reason").textContent = reason ? " — " + reason : "";
    this.field("summary").textContent =
      this.statusLabel(p.status) + ": " + p.sent + " of " + p.total + " sent, " +
      p.delivered + " delivered, " + p.failed + " failed.";
    this.paintFailures(p.failed_by_reason || []);
    this.paintBadge(p.status);
    this.field("reload").hidden = p.status === this.renderedStatus;
    this.chart(p);
  };

  Card.prototype.paintFailures = function (failures) {
    var list = this.field("failures");
    list.textContent = "";
    if (!failures.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "No failures.";
      list.appendChild(none);
    }
    for (var i = 0; i < failures.length; i++) {
      var item = document.createElement("li");
      item.textContent = this.errorLabel(failures[i].error_code) + " — " + failures[i].count;
      list.appendChild(item);
    }
  };

  Card.prototype.paintBadge = function (status) {
    // The page header's badge (broadcasts/detail.html), when the card sits on that page.
    var badge = document.querySelector("#broadcast-status .badge");
    if (!badge) return;
    badge.className = "badge badge-" + status;
    badge.textContent = this.statusLabel(status);
  };

  Card.prototype.chart = function (p) {
    if (!window.Chart) return;
    if (!this.delivery) this.makeCharts();
    var time = new Date().toLocaleTimeString();
    var data = this.delivery.data;
    data.labels.push(time);
    data.datasets[0].data.push(p.sent);
    data.datasets[1].data.push(p.delivered);
    data.datasets[2].data.push(p.failed);
    if (data.labels.length > MAX_POINTS) {
      data.labels.shift();
      data.datasets.forEach(function (d) { d.data.shift(); });
    }
    this.delivery.update();
    var failures = p.failed_by_reason || [];
    this.failures.data.labels = failures.map(function (f) { return String(f.error_code); });
    this.failures.data.datasets[0].data = failures.map(function (f) { return f.count; });
    this.failures.update();
  };

  Card.prototype.makeCharts = function () {
    var card = this;
    var line = function (label, color) {
      return { label: label, data: [], borderColor: color, backgroundColor: color, tension: 0.2 };
    };
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    };
    this.delivery = new window.Chart(document.getElementById("broadcast-delivery-chart"), {
      type: "line",
      data: {
        labels: [],
        datasets: [line("Sent", COLORS.sent), line("Delivered", COLORS.delivered), line("Failed", COLORS.failed)],
      },
      options: options,
    });
    this.failures = new window.Chart(document.getElementById("broadcast-failure-chart"), {
      type: "bar",
      data: { labels: [], datasets: [{ label: "Failed messages", data: [], backgroundColor: COLORS.failed }] },
      options: Object.assign({}, options, {
        indexAxis: "y",
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: function (items) { return card.errorLabel(items[0].label); } } },
        },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      }),
    });
  };

  Card.prototype.receive = function (p) {
    this.paint(p);
    if (p.settled) {
      this.stop();
      this.setConnection("Final");
    }
  };

  Card.prototype.stop = function () {
    if (this.source) this.source.close();
    this.source = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  };

  Card.prototype.listen = function () {
    var card = this;
    if (!window.EventSource) return this.poll();
    var failures = 0;
    var source = new EventSource(this.root.getAttribute("data-events-url"));
    this.source = source;
    source.addEventListener("open", function () {
      failures = 0;
      card.setConnection("Live");
    });
    source.addEventListener("progress", function (event) {
      failures = 0;
      card.receive(JSON.parse(event.data));
    });
    source.addEventListener("error", function () {
      failures += 1;
      if (source.readyState === EventSource.CLOSED || failures >= STREAM_FAILURES_BEFORE_POLLING) {
        source.close();
        card.source = null;
        card.poll();
      } else {
        card.setConnection("Reconnecting…");
      }
    });
  };

  Card.prototype.poll = function () {
    var card = this;
    var url = this.root.getAttribute("data-status-url");
    var once = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (p) {
          card.setConnection("Updated every few seconds");
          card.receive(p);
        })
        .catch(function () { card.setConnection("Not updating: reload the page"); });
    };
    once();
    this.pollTimer = setInterval(once, POLL_MS);
  };

  function start() {
    var root = document.getElementById("broadcast-progress");
    var source = document.getElementById("broadcast-progress-data");
    if (!root || !source) return;
    var embed = JSON.parse(source.textContent);
    var card = new Card(root, embed);
    card.paint(embed.progress);
    if (!embed.progress.settled) card.listen();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Draws the insights charts from the page's JSON block with Chart.js (served by pr-sync, no inline code).
(function () {
  "use strict";
  var block = document.getElementById("insights-data");
  if (!block || typeof window.Chart === "undefined") return;
  var data = JSON.parse(block.textContent || "{}");
  var Chart = window.Chart;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  Chart.defaults.color = "#57606a";
  Chart.defaults.animation = false;
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom" } },
  };
  var charts = {
    throughput: {
      type: "bar",
      data: {
        labels: data.weeks,
        datasets: [
          { label: "Opened", data: data.opened, backgroundColor: "#0969da" },
          { label: "Merged", data: data.merged, backgroundColor: "#1a7f37" },
          { label: "Closed without merge", data: data.closedUnmerged, backgroundColor: "#bf3989" },
        ],
      },
      options: Object.assign({}, common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
    },
    times: {
      type: "line",
      data: {
        labels: data.weeks,
        datasets: [
          { label: "Cycle time, median (h)", data: data.medianCycleHours, borderColor: "#1a7f37", backgroundColor: "#1a7f37", spanGaps: true },
          { label: "Cycle time, p90 (h)", data: data.p90CycleHours, borderColor: "#9a6700", backgroundColor: "#9a6700", borderDash: [6, 4], spanGaps: true },
          { label: "First review, median (h)", data: data.medianFirstReviewHours, borderColor: "#0969da", backgroundColor: "#0969da", spanGaps: true },
        ],
      },
      options: Object.assign({}, common, { scales: { y: { beginAtZero: true, title: { display: true, text: "hours" } } } }),
    },
    reviewers: {
      type: "bar",
      data: {
        labels: data.reviewers,
        datasets: [{ label: "Reviews", data: data.reviews, backgroundColor: "#8250df" }],
      },
      options: Object.assign({}, common, {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      }),
    },
  };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var config = charts[canvas.getAttribute("data-chart")];
    if (config) new Chart(canvas, config);
  });
})();

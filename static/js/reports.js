/* Charts on the reports page (Chart.js, served from static/vendor/chartjs). The figures come from the
 * JSON block the page renders with json_script (id "report-charts"); each <canvas data-chart="KEY"> draws
 * the report KEY. The table under each chart holds the same figures for screen readers and printing. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1"];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.dataset.chart];
    if (!spec) { return; }
    var stacked = spec.type === "stacked";
    new Chart(canvas, {
      type: stacked ? "bar" : spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, k) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: colours[k % colours.length],
            borderColor: colours[k % colours.length],
            tension: 0.2
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: stacked ? "y" : "x",
        scales: {
          x: { stacked: stacked, beginAtZero: true },
          y: { stacked: stacked, beginAtZero: true, title: { display: !!spec.unit && !stacked, text: spec.unit } }
        }
      }
    });
  });
})();

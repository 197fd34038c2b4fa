/* Draw every chart on the page from its JSON island (no inline scripts: CSP allows 'self' only). */
(function () {
  "use strict";
  var palette = ["#c8102e", "#1f6feb", "#2da44e", "#bf8700", "#8250df", "#0a7ea4", "#cf222e", "#6e7781", "#953800"];
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.font.family = "system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var round = spec.type === "doughnut";
    var datasets = spec.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return {
        label: s.label,
        data: s.data,
        backgroundColor: round ? palette : colour,
        borderColor: round ? "#fff" : colour,
        tension: 0.25,
        spanGaps: true
      };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: round ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();

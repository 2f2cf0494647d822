// Draws every element with data-figure="<id of a json_script>" with plotly.js (served from the plotly package).
// A chart with data-click-opens="customdata.N" opens the URL in that slot of a clicked point's custom data.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(element, figure.data, figure.layout, {responsive: true, displaylogo: false});
    var slot = element.dataset.clickOpens;
    if (slot && slot.indexOf("customdata.") === 0) {
      var index = parseInt(slot.split(".")[1], 10);
      element.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var url = point && point.customdata && point.customdata[index];
        if (url) { window.location.href = url; }
      });
    }
  });
  document.documentElement.dataset.chartsReady = "true";
})();

/* Picking a report's location on the map: a click fills the typed "latitude, longitude" fields.
   Without JavaScript the picker stays hidden and the typed field is the whole feature. */
(function () {
  "use strict";

  function setup(picker) {
    if (!window.L) { return; }
    var element = picker.querySelector(".pick-map");
    var targets = picker.getAttribute("data-pick-into").split(",").map(function (id) { return document.getElementById(id); });
    var center = (element.getAttribute("data-center") || "").split(",").map(parseFloat);
    picker.hidden = false;
    var map = window.L.map(element, { scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { window.L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    if (isFinite(center[0]) && isFinite(center[1])) { map.setView(center, 13); } else { map.setView([0, 0], 2); }
    var marker = null;
    map.on("click", function (event) {
      var text = event.latlng.lat.toFixed(5) + ", " + event.latlng.lng.toFixed(5);
      targets.forEach(function (input) { if (input) { input.value = text; } });
      if (marker) { marker.setLatLng(event.latlng); } else { marker = window.L.circleMarker(event.latlng, { radius: 8, color: "#1d4e89" }).addTo(map); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".location-picker"), setup);
  });
})();

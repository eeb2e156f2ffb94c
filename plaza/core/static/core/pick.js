/* Picking a location on the map (proposals, budget projects): a click fills the typed "latitude, longitude" field.
   Without JavaScript the picker stays hidden and typing the coordinates is the whole feature. */
(function () {
  "use strict";

  function setup(picker) {
    var input = document.getElementById(picker.getAttribute("data-pick-into"));
    var element = picker.querySelector(".pick-map");
    if (!window.L || !input || !element) { return; }
    var center = (element.getAttribute("data-center") || "").split(",").map(parseFloat);
    var typed = input.value.split(",").map(parseFloat);
    picker.hidden = false;
    var map = window.L.map(element, { scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { window.L.tileLayer(tiles, { maxZoom: 19, attribution: element.getAttribute("data-attribution") || "" }).addTo(map); }
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = window.L.circleMarker(latlng, { radius: 8, color: "#1d4e89" }).addTo(map); }
    }
    if (typed.length === 2 && isFinite(typed[0]) && isFinite(typed[1])) {
      map.setView(typed, 14);
      place(typed);
    } else if (center.length === 2 && isFinite(center[0]) && isFinite(center[1])) {
      map.setView(center, 12);
    } else {
      map.setView([0, 0], 2);
    }
    map.on("click", function (event) {
      input.value = event.latlng.lat.toFixed(5) + ", " + event.latlng.lng.toFixed(5);
      place(event.latlng);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-pick-into]"), setup);
  });
})();

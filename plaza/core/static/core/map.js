/* Plaza maps: draws the places a page lists (core/includes/map.html) with the vendored Leaflet.
   Tiles are loaded only when the site configures PLAZA_MAP_TILES; otherwise the points are drawn
   on a plain background. Without JavaScript the list of places is the whole feature. */
(function () {
  "use strict";

  function popup(feature) {
    var link = document.createElement("a");
    link.href = feature.properties.url || "#";
    link.textContent = feature.properties.name;
    return link;
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-geojson"));
    if (!window.L || !source) { return; }
    var data = JSON.parse(source.textContent);
    element.hidden = false;
    var map = window.L.map(element, { scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 19, attribution: element.getAttribute("data-attribution") || "" }).addTo(map);
    }
    var layer = window.L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return window.L.circleMarker(latlng, { radius: 8, weight: 2, color: "#1d4e89", fillColor: "#1d4e89", fillOpacity: 0.7 });
      },
      onEachFeature: function (feature, marker) { marker.bindPopup(popup(feature)); }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2), { maxZoom: 11 }); } else { map.setView([0, 0], 1); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-plaza-map]"), draw);
  });
})();

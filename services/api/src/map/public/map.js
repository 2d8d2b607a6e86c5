// Coverage map page: Leaflet with no external tiles; the base layer is the bundled country outline.
(function () {
  'use strict';
  var map = L.map('map', { worldCopyJump: true, preferCanvas: false }).setView([20, 0], 2);
  var metricSelect = document.getElementById('metric');
  var statusEl = document.getElementById('status');
  var detailsEl = document.getElementById('details');
  var legendEl = document.getElementById('legend');
  // Leaflet draws a shape in the world copy its longitudes say; each is drawn in the copy nearest the
  // view's centre instead, so with the view across the antimeridian, hexes on both sides (and the two
  // halves of a hex the API cut there) are drawn side by side.
  var centerLng = 0;
  function nearView(lng) { return lng + 360 * Math.round((centerLng - lng) / 360); }
  var hexLayer = L.geoJSON(null, { style: styleHex, onEachFeature: bindHex, coordsToLatLng: function (c) { return L.latLng(c[1], nearView(c[0])); } }).addTo(map);
  var pointLayer = L.layerGroup().addTo(map);
  var generation = 0;

  // Zoom -> H3 resolution: coarse hexes when zoomed out, finer ones as the view narrows.
  function resolutionFor(zoom) {
    if (zoom <= 4) return 4;
    if (zoom <= 5) return 5;
    if (zoom <= 7) return 6;
    if (zoom <= 8) return 7;
    if (zoom <= 10) return 8;
    if (zoom <= 12) return 9;
    return 10;
  }

  var ramps = {
    coverage: function (p) { return p.interactiveCount === 0 ? '#9e9e9e' : p.interactiveCount === 1 ? '#a5d6a7' : p.interactiveCount <= 3 ? '#43a047' : '#1b5e20'; },
    scale: function (p) {
      if (p.meanTransmitScale === null) return '#9e9e9e';
      var s = p.meanTransmitScale;
      return s >= 0.9 ? '#1a9850' : s >= 0.6 ? '#91cf60' : s >= 0.4 ? '#fee08b' : s >= 0.2 ? '#fc8d59' : '#d73027';
    },
    // Who the latest paid epoch paid: the share of the hex's hotspots it paid something.
    rewarded: function (p) {
      if (p.meanRewards === null || p.hotspotCount === 0) return '#9e9e9e';
      var share = p.rewardedCount / p.hotspotCount;
      return share >= 1 ? '#1a9850' : share >= 0.5 ? '#91cf60' : share > 0 ? '#fee08b' : '#d73027';
    },
    rssi: function (p) {
      if (p.bestRssiDbm === null) return '#9e9e9e';
      var r = p.bestRssiDbm;
      return r >= -90 ? '#08519c' : r >= -105 ? '#3182bd' : r >= -115 ? '#6baed6' : '#c6dbef';
    },
  };
  var legends = {
    coverage: [['#9e9e9e', 'no interactive hotspot'], ['#a5d6a7', '1'], ['#43a047', '2-3'], ['#1b5e20', '4+']],
    scale: [['#1a9850', '>= 0.9'], ['#91cf60', '0.6-0.9'], ['#fee08b', '0.4-0.6'], ['#fc8d59', '0.2-0.4'], ['#d73027', '< 0.2'], ['#9e9e9e', 'none']],
    rewarded: [['#1a9850', 'all paid'], ['#91cf60', 'half or more'], ['#fee08b', 'some'], ['#d73027', 'none paid'], ['#9e9e9e', 'no epoch paid yet']],
    rssi: [['#08519c', '>= -90 dBm'], ['#3182bd', '-105..-90'], ['#6baed6', '-115..-105'], ['#c6dbef', '< -115'], ['#9e9e9e', 'none']],
  };

  function drawLegend() {
    legendEl.innerHTML = legends[metricSelect.value].map(function (l) {
      return '<div><span class="swatch" style="background:' + l[0] + '"></span>' + l[1] + '</div>';
    }).join('');
  }

  function styleHex(feature) {
    return { className: 'hex', color: '#333', weight: 1, fillColor: ramps[metricSelect.value](feature.properties), fillOpacity: 0.6 };
  }

  function bindHex(feature, layer) {
    // With the siting box ticked the map's own click handler answers (the click reaches it too).
    layer.on('click', function () { if (!sitingBox.checked) showHex(feature.id); });
  }

  // Data-only hotspots have no transmit scale (transmitScale null): they take no part in PoC.
  function scaleText(p) { return p.pocEligible ? 'scale ' + p.transmitScale : 'data-only, no PoC'; }

  function escapeText(t) { return String(t).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }

  /** Shows a titled table of [label, value] rows (values escaped, '-' when undefined) in the side panel, then `after` (HTML). */
  function showDetails(title, rows, after) {
    detailsEl.innerHTML = '<h2>' + title + '</h2><table>' + rows.map(function (r) { return '<tr><td>' + r[0] + '</td><td>' + escapeText(r[1] === undefined ? '-' : r[1]) + '</td></tr>'; }).join('') + '</table>' + (after || '');
    detailsEl.hidden = false;
  }

  function showHex(h3) {
    fetch('/v1/hexes/' + h3).then(function (r) { return r.json(); }).then(function (d) {
      var h = d.hex;
      var rows = [['hex', h.h3 + ' (res ' + h.res + ')'], ['hotspots', h.hotspotCount], ['interactive', h.interactiveCount], ['mean transmit scale', h.meanTransmitScale === null ? '-' : h.meanTransmitScale],
        ['best witness RSSI', h.bestRssiDbm === null ? '-' : h.bestRssiDbm + ' dBm'], ['median witness RSSI', h.medianRssiDbm === null ? '-' : h.medianRssiDbm + ' dBm'], ['PoCs (60 h)', h.pocCount],
        ['paid in the latest epoch', h.meanRewards === null ? '-' : h.rewardedCount + ' of ' + h.hotspotCount], ['mean rewards, latest epoch', h.meanRewards === null ? '-' : h.meanRewards + ' (base units)']];
      var list = d.hotspots.slice(0, 10).map(function (p) { return '<li>' + escapeText(p.name) + ' (' + escapeText(p.address.slice(0, 8)) + '...) ' + scaleText(p) + (p.interactive || !p.pocEligible ? '' : ' (not interactive)') + '</li>'; }).join('');
      showDetails('Hex details', rows, '<ul>' + list + '</ul>');
    });
  }

  // The API answers at most 50,000 hexes' worth of area per request (getHexagonAreaAvg, m², res 4..10).
  // A view wider than that (the whole world at res 4, a zoom-5 view near the equator) is asked for
  // in longitude strips that each fit, and the answers are merged.
  var HEX_AREA_M2 = { 4: 1770347654, 5: 252903858, 6: 36129062, 7: 5161293, 8: 737327, 9: 105332, 10: 15047 };
  var STRIP_HEXES = 45000;
  // west..east run continuously (east may pass 180); each bbox sent is wrapped into -180..180, with
  // minLng > maxLng where it crosses the antimeridian, as the API reads it.
  function wrapLng(lng) { return lng > 180 ? lng - 360 : lng < -180 ? lng + 360 : lng; }
  function bboxText(west, south, east, north) {
    return [wrapLng(west), south, wrapLng(east), north].map(function (v) { return v.toFixed(5); }).join(',');
  }
  function stripBboxes(west, south, east, north, res) {
    var R = 6371007.18, rad = Math.PI / 180;
    var area = R * R * (east - west) * rad * Math.abs(Math.sin(north * rad) - Math.sin(south * rad));
    var n = Math.max(1, Math.ceil(area / HEX_AREA_M2[res] / STRIP_HEXES));
    var out = [];
    for (var i = 0; i < n; i++) out.push(bboxText(west + ((east - west) * i) / n, south, west + ((east - west) * (i + 1)) / n, north));
    return out;
  }

  function getJson(url) {
    return fetch(url).then(function (r) { return r.json(); });
  }

  function refresh() {
    var g = ++generation;
    var b = map.getBounds();
    var west = b.getWest(), south = Math.max(-85, b.getSouth()), east = b.getEast(), north = Math.min(85, b.getNorth());
    if (east - west >= 360) { west = -180; east = 180; }
    centerLng = map.getCenter().lng;
    var bbox = bboxText(west, south, east, north);
    var res = resolutionFor(map.getZoom());
    statusEl.textContent = 'loading res ' + res + ' hexes...';
    Promise.all(stripBboxes(west, south, east, north, res).map(function (strip) { return getJson('/v1/coverage/hexes?res=' + res + '&bbox=' + strip); })).then(function (answers) {
      if (g !== generation) return;
      hexLayer.clearLayers();
      var failed = answers.filter(function (fc) { return fc.error; })[0];
      if (failed) { statusEl.textContent = failed.error.message; return; }
      // A hex whose centre lies on a strip edge comes in both strips.
      var seen = {};
      var features = [];
      answers.forEach(function (fc) { fc.features.forEach(function (f) { if (!seen[f.id]) { seen[f.id] = true; features.push(f); } }); });
      hexLayer.addData({ type: 'FeatureCollection', features: features });
      statusEl.textContent = features.length + ' hexes at res ' + res + ' (snapshot ' + answers[0].snapshotAt + ')';
      document.body.setAttribute('data-hexes', String(features.length));
    }).catch(function (e) {
      if (g === generation) statusEl.textContent = 'could not load hexes: ' + e.message;
    });
    pointLayer.clearLayers();
    if (map.getZoom() >= 9) {
      getJson('/v1/coverage/hotspots?bbox=' + bbox).then(function (d) {
        if (g !== generation || !d.data) return;
        d.data.forEach(function (p) {
          L.circleMarker([p.lat, nearView(p.lng)], { radius: 4, color: p.interactive ? '#0d47a1' : '#616161', weight: 1, fillOpacity: 0.9 })
            .bindTooltip(escapeText(p.name) + ' (' + escapeText(p.address.slice(0, 8)) + '...) ' + scaleText(p)).addTo(pointLayer);
        });
      });
    }
  }

  // Find a hotspot by its three-word name (GET /v1/hotspots/name/:name) and fly to it; ?hotspot=<name>
  // in the page's address does the same on opening, so a link can point at a hotspot.
  var findResultEl = document.getElementById('find-result');
  var findInput = document.getElementById('find-name');
  function findHotspot(name) {
    findResultEl.textContent = 'looking for ' + name + '...';
    return fetch('/v1/hotspots/name/' + encodeURIComponent(name)).then(function (r) { return r.json(); }).then(function (d) {
      if (d.error) { findResultEl.textContent = d.error.message; return false; }
      var located = d.data.filter(function (h) { return h.location; });
      if (d.data.length === 0) { findResultEl.textContent = 'no hotspot is named ' + name; return false; }
      if (located.length === 0) { findResultEl.textContent = d.data[0].name + ' has not asserted a location yet'; return false; }
      var h = located[0];
      var more = d.data.length > 1 ? ' (' + d.data.length + ' hotspots share this name; the first shown)' : '';
      findResultEl.textContent = h.name + more;
      showHotspot(h);
      map.setView([h.location.lat, nearView(h.location.lng)], 15);
      return true;
    }).catch(function (e) { findResultEl.textContent = 'could not search: ' + e.message; return false; });
  }

  function showHotspot(h) {
    var s = h.status || {};
    var rows = [['hotspot', h.name], ['address', h.address], ['online', s.online ? 'yes' : 'no'], ['transmit scale', s.pocEligible === false ? 'data-only, no PoC' : s.transmitScale],
      ['interactive', s.interactive ? 'yes' : 'no'], ['lifetime rewards', s.lifetimeRewards],
      // The epoch not paid yet, as the rewarder's last provisional run has it (not final).
      s.earningSoFar ? ['earned so far in epoch ' + s.earningSoFar.epoch, s.earningSoFar.totalAmount] : ['earned so far', 'not computed yet'],
      ['region', h.location.region]];
    showDetails('Hotspot', rows);
  }

  // Countries with hotspots, most first (GET /v1/countries): choosing one fits the map to its
  // hotspots and shows its figures; ?country=<code> in the page's address does the same on opening.
  var countrySelect = document.getElementById('country');
  var countries = {};
  function fitBox(bbox) {
    // A box across the antimeridian (west > east) is fitted running east past 180.
    map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2] + (bbox[0] > bbox[2] ? 360 : 0)]], { padding: [20, 20], maxZoom: 12 });
  }
  function showCountry(code) {
    var c = countries[code];
    if (!c) return false;
    var rows = [['country', c.name + ' (' + c.code + ')'], ['hotspots', c.hotspotCount], ['interactive', c.interactiveCount], ['data-only', c.dataOnlyCount], ['res-8 hexes', c.hexCount],
      ['mean transmit scale', c.meanTransmitScale === null ? '-' : c.meanTransmitScale], ['paid in the latest epoch', c.totalRewards === null ? 'no epoch paid yet' : c.rewardedCount + ' hotspots'],
      ['region', c.regions.join(', ')]];
    showDetails('Country', rows);
    document.body.setAttribute('data-country', code);
    fitBox(c.bbox);
    return true;
  }
  var countriesLoaded = fetch('/v1/countries').then(function (r) { return r.json(); }).then(function (d) {
    countrySelect.innerHTML = '<option value="">' + (d.data.length ? 'choose one of ' + d.data.length : 'none has hotspots yet') + '</option>' + d.data.map(function (c) {
      countries[c.code] = c;
      return '<option value="' + escapeText(c.code) + '">' + escapeText(c.name) + ' (' + c.hotspotCount + ')</option>';
    }).join('');
  }).catch(function () { countrySelect.innerHTML = '<option value="">could not load countries</option>'; });
  countrySelect.addEventListener('change', function () { if (countrySelect.value) showCountry(countrySelect.value); });

  // Siting: with the box ticked, a click anywhere asks what a hotspot placed there would get
  // (GET /v1/coverage/siting) and whose transmit scale it would lower, instead of showing the hex.
  var sitingBox = document.getElementById('siting');
  var siteLayer = L.layerGroup().addTo(map);
  function showSiting(lat, lng) {
    var wrapped = wrapLng(lng);
    siteLayer.clearLayers();
    L.circleMarker([lat, lng], { radius: 7, color: '#6a1b9a', weight: 2, fillOpacity: 0.3 }).addTo(siteLayer);
    detailsEl.innerHTML = '<h2>A hotspot here</h2><p>estimating...</p>';
    detailsEl.hidden = false;
    document.body.setAttribute('data-site', lat.toFixed(6) + ',' + wrapped.toFixed(6));
    return getJson('/v1/coverage/siting?lat=' + lat.toFixed(6) + '&lng=' + wrapped.toFixed(6)).then(function (d) {
      if (d.error) { detailsEl.innerHTML = '<h2>A hotspot here</h2><p>' + escapeText(d.error.message) + '</p>'; return; }
      var rows = [['would get transmit scale', d.transmitScale + ' once interactive (0.2 until then)'], ['region', d.location.region], ['country', d.location.country.name],
        ['res-8 hex', d.location.hex], ['hotspots whose scale it would change', d.changedCount]];
      var list = d.changed.slice(0, 10).map(function (c) { return '<li>' + escapeText(c.name) + ': ' + c.transmitScale + ' &rarr; ' + c.transmitScaleAfter + '</li>'; }).join('');
      showDetails('A hotspot here', rows, '<ul>' + list + '</ul>');
      document.body.setAttribute('data-siting', String(d.transmitScale));
    }).catch(function (e) { detailsEl.innerHTML = '<h2>A hotspot here</h2><p>could not estimate: ' + escapeText(e.message) + '</p>'; });
  }
  map.on('click', function (e) { if (sitingBox.checked) showSiting(e.latlng.lat, e.latlng.lng); });
  sitingBox.addEventListener('change', function () { if (!sitingBox.checked) siteLayer.clearLayers(); });

  document.getElementById('find').addEventListener('submit', function (e) {
    e.preventDefault();
    if (findInput.value.trim()) findHotspot(findInput.value.trim());
  });

  metricSelect.addEventListener('change', function () { drawLegend(); hexLayer.setStyle(styleHex); });
  drawLegend();

  fetch('/map/countries.geojson').then(function (r) { return r.json(); }).then(function (countries) {
    L.geoJSON(countries, { style: { color: '#777', weight: 0.7, fillColor: '#f2efe9', fillOpacity: 1 }, interactive: false }).addTo(map);
    hexLayer.bringToFront();
    return fetch('/v1/coverage/extent').then(function (r) { return r.json(); });
  }).then(function (extent) {
    map.on('moveend', refresh);
    // Only now: a country chosen before the map follows its moves would be fitted, never drawn,
    // and then left for the view the page opens on.
    countrySelect.disabled = false;
    var params = new URLSearchParams(location.search);
    if (params.get('hotspot')) {
      findInput.value = params.get('hotspot');
      findHotspot(params.get('hotspot')).then(function (found) { if (!found) refresh(); });
    } else if (params.get('country')) {
      var code = params.get('country').toUpperCase();
      countriesLoaded.then(function () {
        if (showCountry(code)) countrySelect.value = code;
        else refresh();
      });
    } else if (params.get('lat') && params.get('lng')) map.setView([Number(params.get('lat')), Number(params.get('lng'))], Number(params.get('zoom') || 10));
    else if (extent && extent.bbox) fitBox(extent.bbox);
    else refresh();
  });
})();

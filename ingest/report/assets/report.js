// The report's own script: the player switch, the charts (vega-embed, SVG) and the compare table.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);

  function show(key) {
    document.querySelectorAll("main > section.panel").forEach(function (panel) {
      panel.hidden = panel.dataset.panel !== key;
    });
  }
  var select = document.getElementById("player-switch");
  if (select) {
    var wanted = decodeURIComponent(location.hash.slice(1));
    if (wanted && document.querySelector('main > section.panel[data-panel="' + wanted + '"]')) {
      select.value = wanted;
      show(wanted);
    }
    select.addEventListener("change", function () {
      show(select.value);
      history.replaceState(null, "", "#" + select.value);
    });
  }

  var jobs = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = data.charts[el.dataset.chart];
    var spec = Object.assign({}, data.specs[chart.spec], { data: { values: chart.values } });
    jobs.push(vegaEmbed(el, spec, { renderer: "svg", actions: false }).then(function () {
      el.dataset.rendered = "true";
    }, function (error) {
      el.dataset.rendered = "failed";
      console.error("chart " + el.dataset.chart + " failed: " + error);
    }));
  });
  Promise.all(jobs).then(function () { document.body.dataset.charts = "done"; });

  function format(value, fmt) {
    if (value === null || value === undefined) { return "—"; }
    switch (fmt) {
      case "int": return Math.round(value).toLocaleString("en-US");
      case "dec1": return value.toFixed(1);
      case "dec2": return value.toFixed(2);
      case "pct": return (100 * value).toFixed(1) + "%";
      case "pct_value": return value.toFixed(1) + "%";
      case "time": return String(value).replace("T", " ").slice(0, 16);
      default: return String(value);
    }
  }

  var compare = data.compare;
  var pickA = document.getElementById("compare-a");
  var pickB = document.getElementById("compare-b");
  if (!compare || !pickA || !pickB) { return; }
  var byXuid = {};
  compare.players.forEach(function (p) { byXuid[p.xuid] = p; });

  function row(label, a, b) {
    var tr = document.createElement("tr");
    [label, a, b].forEach(function (text, i) {
      var cell = document.createElement(i === 0 ? "th" : "td");
      cell.textContent = text;
      tr.appendChild(cell);
    });
    return tr;
  }

  function fill() {
    var a = byXuid[pickA.value], b = byXuid[pickB.value];
    document.getElementById("compare-head-a").textContent = a.gamertag;
    document.getElementById("compare-head-b").textContent = b.gamertag;
    var body = document.getElementById("compare-body");
    body.textContent = "";
    compare.metrics.forEach(function (m) {
      body.appendChild(row(m.label, format(a.figures ? a.figures[m.key] : null, m.fmt),
                           format(b.figures ? b.figures[m.key] : null, m.fmt)));
    });
    if (a.xuid === b.xuid) { return; }
    var ab = compare.pairs[a.xuid + " " + b.xuid] || {};
    var ba = compare.pairs[b.xuid + " " + a.xuid] || {};
    function count(pair, key, available) { return available ? format(pair[key] || 0, "int") : "—"; }
    var t = compare.together_available, k = compare.kills_available;
    body.appendChild(row("matches together", count(ab, "matches_together", t), count(ba, "matches_together", t)));
    body.appendChild(row("wins together", count(ab, "wins_together", t), count(ba, "wins_together", t)));
    body.appendChild(row("matches against each other", count(ab, "matches_against", t), count(ba, "matches_against", t)));
    body.appendChild(row("wins against the other", count(ab, "wins_against", t), count(ba, "wins_against", t)));
    body.appendChild(row("kills on the other (films)", count(ab, "kills_on", k), count(ba, "kills_on", k)));
  }
  pickA.addEventListener("change", fill);
  pickB.addEventListener("change", fill);
  fill();
})();

// Sort and filter the plan's list in the page. Progressive: without JavaScript the list is
// still there, in the order of preference. No outside request, no inline script.
(function () {
  "use strict";
  var table = document.querySelector("table.list");
  var controls = document.getElementById("list-controls");
  if (!table || !controls) { return; }
  controls.hidden = false;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var search = document.getElementById("list-search");
  var tier = document.getElementById("list-tier");
  // A long list folds to its first programs until the reader asks for all of them (a search
  // or a tier looks through every program).
  var FIRST = 10;
  var folded = rows.length > FIRST + 5;
  var more = null;
  if (folded) {
    more = document.createElement("button");
    more.type = "button";
    more.className = "more";
    more.id = "list-more";
    more.textContent = "Show all " + rows.length + " programs";
    more.addEventListener("click", function () {
      folded = false;
      more.hidden = true;
      applyFilter();
    });
    table.parentNode.insertBefore(more, table.nextSibling);
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    var raw = cell.getAttribute("data-sort") || cell.textContent.trim();
    var number = parseFloat(raw);
    return isNaN(number) ? raw.toLowerCase() : number;
  }

  // Lower-case words without accents, apostrophes or periods, as the program search reads
  // them: each word typed starts a word of the row ("OH" finds Ohio's programs, not "John").
  function words(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/['.\u2019]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  }
  // The search reads the program's name and its state, not the reasons ("IN" is Indiana).
  rows.forEach(function (row) {
    row.words = " " + words(row.cells[0].textContent + " " + row.cells[1].textContent);
  });

  function applyFilter() {
    var typed = words(search.value).split(" ").filter(Boolean);
    var text = typed.length > 0;
    var wanted = tier.value;
    var shown = 0;
    var fold = folded && !text && !wanted;
    rows.forEach(function (row, index) {
      var ok = typed.every(function (w) { return row.words.indexOf(" " + w) !== -1; }) &&
        (!wanted || row.getAttribute("data-tier") === wanted);
      row.hidden = !ok || (fold && index >= FIRST);
      if (!row.hidden) { shown += 1; }
    });
    if (more) { more.hidden = !fold; }
    document.getElementById("list-count").textContent = shown + " of " + rows.length + " programs shown";
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = cellValue(a, index), y = cellValue(b, index);
        var order = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      applyFilter();
    });
  });
  search.addEventListener("input", applyFilter);
  tier.addEventListener("change", applyFilter);
  applyFilter();
})();

// Other long lists (the PGY-1 year's) fold the same way, without sorting or filtering.
(function () {
  "use strict";
  var FIRST = 10;
  Array.prototype.forEach.call(document.querySelectorAll("table[data-fold]"), function (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    if (rows.length <= FIRST + 5) { return; }
    rows.forEach(function (row, index) { row.hidden = index >= FIRST; });
    var more = document.createElement("button");
    more.type = "button";
    more.className = "more";
    more.textContent = "Show all " + rows.length + " " + table.getAttribute("data-fold");
    more.addEventListener("click", function () {
      rows.forEach(function (row) { row.hidden = false; });
      more.hidden = true;
    });
    table.parentNode.insertBefore(more, table.nextSibling);
  });
})();

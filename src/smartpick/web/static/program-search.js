// Find a program by name or city and fill in its ACGME id. Progressive: without JavaScript
// the fields still take the 10-digit ids as typed. The programs come from the app's own API,
// one specialty at a time, fetched once. No outside request, no inline script.
(function () {
  "use strict";
  var fields = document.querySelectorAll("[data-program-search]");
  var specialty = document.getElementById("specialty");
  if (!fields.length || !specialty || !window.fetch) { return; }
  var lists = {};
  var LIMIT = 8;

  // Lower-case words without accents, apostrophes or periods ("St. John's" finds "St Johns").
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/['.\u2019]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  }

  function programs(key) {
    if (!lists[key]) {
      lists[key] = fetch("/api/v1/programs?specialty=" + encodeURIComponent(key), {
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      }).then(function (rows) {
        rows.forEach(function (p) {
          p.words = " " + fold(p.name + " " + p.city + " " + p.state + " " + p.acgme_id);
        });
        return rows;
      });
      lists[key].catch(function () { delete lists[key]; });
    }
    return lists[key];
  }

  // Every word typed starts a word of the program's name, city, state or id.
  function matching(rows, query) {
    var words = fold(query).split(" ").filter(Boolean);
    if (!words.length) { return []; }
    return rows.filter(function (p) {
      return words.every(function (w) { return p.words.indexOf(" " + w) !== -1; });
    }).slice(0, LIMIT);
  }

  function add(field, id) {
    var mode = field.getAttribute("data-program-search");
    if (mode === "one") { field.value = id; return; }
    var sep = mode === "line" ? "\n" : ", ";
    var ids = field.value.split(mode === "line" ? /\n/ : /,/).map(function (s) {
      return s.trim();
    }).filter(Boolean);
    if (ids.indexOf(id) === -1) { ids.push(id); }
    field.value = ids.join(sep);
  }

  function enhance(field) {
    var base = field.id + "-find";
    var box = document.createElement("div");
    box.className = "program-search";
    var label = document.createElement("label");
    label.htmlFor = base;
    label.textContent = field.getAttribute("data-program-search") === "one" ?
      "Or find the program by name or city" : "Find a program by name or city to add it";
    var input = document.createElement("input");
    input.id = base;
    input.type = "text";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "-list");
    input.setAttribute("aria-describedby", base + "-status");
    var list = document.createElement("ul");
    list.id = base + "-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Programs found");
    list.hidden = true;
    var status = document.createElement("span");
    status.id = base + "-status";
    status.className = "help";
    status.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    (field.closest(".field") || field.parentNode).appendChild(box);
    var found = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.children;
      active = index;
      Array.prototype.forEach.call(options, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(p) {
      add(field, p.acgme_id);
      input.value = "";
      close();
      status.textContent = p.name + " (" + p.acgme_id + ") " +
        (field.getAttribute("data-program-search") === "one" ? "filled in." : "added.");
    }

    function show(rows) {
      found = rows;
      list.textContent = "";
      rows.forEach(function (p, i) {
        var li = document.createElement("li");
        li.id = base + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = p.name + ", " + p.city + ", " + p.state + " (" + p.acgme_id + ")";
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(p); });
        list.appendChild(li);
      });
      list.hidden = !rows.length;
      input.setAttribute("aria-expanded", rows.length ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }

    function search() {
      var query = input.value;
      if (!fold(query)) { show([]); status.textContent = ""; return; }
      if (!specialty.value) {
        show([]);
        status.textContent = "Choose the specialty first: the search looks among its programs.";
        return;
      }
      programs(specialty.value).then(function (rows) {
        if (input.value !== query) { return; }
        var hits = matching(rows, query);
        show(hits);
        status.textContent = hits.length ?
          hits.length + (hits.length === LIMIT ? " or more" : "") + " programs found" :
          "No program of the specialty matches: try fewer letters or the city.";
      }, function () {
        status.textContent = "The list of programs could not be loaded: type the ids instead.";
      });
    }

    input.addEventListener("input", search);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && found.length) {
        event.preventDefault();
        if (list.hidden) { show(found); }
        highlight(Math.min(active + 1, found.length - 1));
      } else if (event.key === "ArrowUp" && found.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && found.length) {
        event.preventDefault();  // choosing a program does not submit the form
        choose(found[active >= 0 ? active : 0]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
    specialty.addEventListener("change", function () { show([]); status.textContent = ""; });
  }

  Array.prototype.forEach.call(fields, enhance);
})();

// fidelity HTML report: the severity and category filters, and highlights linked to their findings.
(function () {
  "use strict";
  var form = document.getElementById("filters");

  // An unticked severity or category hides its findings: list items disappear, highlights lose their colour.
  function applyFilters() {
    var off = {};
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (!box.checked) { off[box.name + "\u0000" + box.value] = true; }
    });
    document.querySelectorAll("[data-finding]").forEach(function (el) {
      var hidden = !!(off["severity\u0000" + el.dataset.severity] || off["category\u0000" + el.dataset.category]);
      el.classList.toggle("off", hidden);
      if (el.tagName === "MARK") { el.tabIndex = hidden ? -1 : 0; }
    });
    updateCounts();
  }

  // Each count of findings says how many the filters leave shown: those in its scope (a bilingual file's
  // unit), or on the whole page.
  function updateCounts() {
    document.querySelectorAll("[data-count=shown]").forEach(function (count) {
      var scope = count.closest("[data-count-scope]") || document;
      count.textContent = scope.querySelectorAll("li.finding:not(.off)").length;
    });
    document.querySelectorAll("[data-count-scope]").forEach(function (scope) {
      scope.classList.toggle("all-off", !scope.querySelector("li.finding:not(.off)"));
    });
  }

  function activate(id) {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    document.querySelectorAll("[data-finding]").forEach(function (el) {
      if (el.dataset.finding === id) { el.classList.add("active"); }
    });
  }

  // A highlight (click, Enter or Space) brings its finding's list entry into view and focuses its link.
  function openFinding(mark) {
    var id = mark.dataset.finding;
    activate(id);
    var item = document.getElementById("f-" + id);
    if (item) {
      item.scrollIntoView({ block: "nearest" });
      var link = item.querySelector("a");
      if (link) { link.focus({ preventScroll: true }); }
    }
  }

  form.addEventListener("change", applyFilters);
  document.addEventListener("click", function (event) {
    var mark = event.target.closest("mark[data-finding]");
    if (mark && !mark.classList.contains("off")) { openFinding(mark); return; }
    var link = event.target.closest("a[data-goto]");
    if (link) { activate(link.dataset.goto); }
  });
  document.addEventListener("keydown", function (event) {
    var mark = event.target.closest && event.target.closest("mark[data-finding]");
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      openFinding(mark);
    }
  });
  // Printed, the collapsed sections are opened.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  applyFilters();  // a reload keeps the boxes' states
})();

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

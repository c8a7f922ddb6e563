/* Progressive help on the report form: the live risk, and receiving units filtered by
   the chosen organisation. Without this script the form works the same, and the
   explanation text beside the scales says how the risk is worked out. */
(function () {
  "use strict";

  function checkedValue(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? parseInt(input.value, 10) : 0;
  }

  function level(score, levels) {
    if (score >= 9) return levels[3];
    if (score >= 6) return levels[2];
    if (score >= 3) return levels[1];
    return levels[0];
  }

  function setUpRisk(output) {
    var form = output.form || output.closest("form");
    var d = output.dataset;
    var levels = d.levels.split("|");
    function update() {
      var c = checkedValue(form, "consequence");
      var p = checkedValue(form, "probability");
      if (!c || !p) { output.textContent = ""; return; }
      var score = c * p;
      var serious = form.elements.serious && form.elements.serious.checked;
      serious = serious || c >= +d.seriousConsequence || score >= +d.seriousRisk;
      output.textContent = d.label + ": " + score + " (" + level(score, levels) + ") – " +
        (serious ? d.serious : d.notSerious);
    }
    form.addEventListener("change", function (event) {
      var name = event.target.name;
      if (name === "consequence" || name === "probability" || name === "serious") update();
    });
    update();
  }

  function setUpUnitFilter(select) {
    var orgSelect = document.getElementById(select.dataset.filterBy);
    if (!orgSelect) return;
    // Keep every group aside and put back only the chosen organisation's.
    var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
    function update() {
      var chosen = orgSelect.value;
      var current = select.value;
      groups.forEach(function (group) {
        if (group.parentNode) group.parentNode.removeChild(group);
      });
      groups.forEach(function (group) {
        if (!chosen || group.dataset.org === chosen) select.appendChild(group);
      });
      select.value = select.querySelector('option[value="' + CSS.escape(current) + '"]') ? current : "";
    }
    orgSelect.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var output = document.getElementById("risk-output");
    if (output) setUpRisk(output);
    document.querySelectorAll("select[data-filter-by]").forEach(setUpUnitFilter);
  });
})();

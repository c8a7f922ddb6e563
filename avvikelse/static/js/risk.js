/* Progressive help on the report form: the live risk, and the chosen receiving
   organisation's units fetched as it changes. Without this script the form works the same, and the
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

  // The receiving units come from /enheter for the chosen organisation only: the page
  // never carries every unit of every organisation. Without this script a "Visa enheter"
  // button posts the form back with the chosen organisation's units.
  function setUpUnits(select) {
    var orgSelect = document.getElementById(select.dataset.unitsOf);
    if (!orgSelect) return;
    var form = select.form || select.closest("form");
    var button = form && form.querySelector('button[name="show_units"]');
    if (button) button.closest(".show-units").remove();  // nor the form's default button
    var blank = select.querySelector('option[value=""]');
    var asked = 0;
    function fill(units) {
      var wanted = select.dataset.wanted || select.value;
      delete select.dataset.wanted;
      while (select.options.length) select.remove(0);
      select.appendChild(blank);
      units.forEach(function (unit) {
        var option = document.createElement("option");
        option.value = unit.code;
        option.textContent = unit.name;
        select.appendChild(option);
      });
      select.value = units.some(function (u) { return u.code === wanted; }) ? wanted : "";
      select.dispatchEvent(new Event("avvikelse:options"));
    }
    function update() {
      var code = orgSelect.value;
      var mine = ++asked;
      if (!code) { fill([]); return; }
      fetch(select.dataset.unitsUrl + "?organisation=" + encodeURIComponent(code), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (units) {
        if (mine === asked) fill(units);
      }).catch(function () { /* offline: the intake is still a valid choice */ });
    }
    orgSelect.addEventListener("change", update);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var output = document.getElementById("risk-output");
    if (output) setUpRisk(output);
    document.querySelectorAll("select[data-units-of]").forEach(setUpUnits);
  });
})();

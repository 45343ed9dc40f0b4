// mocha's spec reporter plus one plain closing line: "N passed, N failed[, N skipped]".
"use strict";
const { Spec } = require("mocha").reporters;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const { passes, failures, pending } = this.stats;
      console.log(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ""}`);
    });
  }
}

module.exports = SummaryReporter;

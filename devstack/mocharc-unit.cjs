// The unit tier: pure logic only (*.unit.test.ts), no stack. functions/test/support/unit.ts replaces the
// global setup: it starts nothing and fails the run if a unit test initialised the Admin SDK.
const UNIT_SPECS = ["devstack/test/**/*.unit.test.ts", "functions/test/**/*.unit.test.ts", "console/test/**/*.unit.test.ts"];

module.exports = {
  require: ["tsx/cjs", "functions/test/support/unit.ts"],
  spec: UNIT_SPECS,
  timeout: 5000,
  slow: 200,
  reporter: require.resolve("./summary-reporter.cjs"),
  // A unit test that reached for a backend leaves SDK clients retrying a closed port: do not wait for them.
  exit: true,
};

// One mocha run for the whole suite: devstack conformance tests, then the functions' unit, emulator,
// rules and end-to-end tests, then the console's browser tests (console/test, headless Chromium).
// functions/test/support/global.ts starts (or reuses) the local stack.
module.exports = {
  require: ["tsx/cjs", "functions/test/support/global.ts"],
  // TEST_SPEC="glob[,glob]" runs a part of the suite (mocha appends --spec to the config's list).
  spec: process.env.TEST_SPEC
    ? process.env.TEST_SPEC.split(",")
    : ["devstack/test/**/*.test.ts", "functions/test/**/*.test.ts", "console/test/**/*.test.ts"],
  timeout: 30000,
  slow: 2000,
  reporter: require.resolve("./summary-reporter.cjs"),
  // Emulator SDK clients (gRPC channels, websockets) keep sockets open after the last test.
  exit: true,
};

import assert from "node:assert/strict";
import { countryOfPhoneNumber } from "../../src/identity/calling-codes.js";
import { parseAccessConfig } from "../../src/identity/config.js";
import { decideSignIn, decideSignUp, initialClaims, isDisposableEmail } from "../../src/identity/policy.js";

describe("identity: sign-up / sign-in policy (pure)", () => {
  const config = parseAccessConfig({ blockedCountries: ["kp", "IR"], disposableEmailDomains: ["mailinator.com"] });

  it("normalises the config and applies defaults", () => {
    assert.deepEqual(config.blockedCountries, ["KP", "IR"]);
    assert.equal(config.maxDevices, 5);
    // An invalid document falls back to the defaults rather than locking everyone out.
    assert.deepEqual(parseAccessConfig({ blockedCountries: "KP" }).blockedCountries, []);
  });

  it("resolves countries from calling codes, longest prefix first, and not for shared +1", () => {
    assert.equal(countryOfPhoneNumber("+850 2 123 4567"), "KP");
    assert.equal(countryOfPhoneNumber("+79161234567"), "RU");
    assert.equal(countryOfPhoneNumber("+77011234567"), "KZ");
    assert.equal(countryOfPhoneNumber("+14155550100"), undefined);
    assert.equal(countryOfPhoneNumber("not a number"), undefined);
  });

  it("decides sign-ups: disposable domains (and subdomains), blocked regions, otherwise allow", () => {
    assert.equal(decideSignUp({ email: "x@Sub.Mailinator.com" }, config).allow, false);
    assert.deepEqual(decideSignUp({ phoneNumber: "+989121234567" }, config), {
      allow: false,
      reason: "blocked-region",
      message: "Sign-up is not available in your region.",
    });
    assert.equal(decideSignUp({ email: "a@b.test", ipCountry: "kp" }, config).allow, false);
    assert.deepEqual(decideSignUp({ email: "ok@example.test", phoneNumber: "+447700900123" }, config), { allow: true });
  });

  it("decides sign-ins: banned claim, active ban, expired ban", () => {
    const nowMs = Date.now();
    assert.equal(decideSignIn({ customClaims: { banned: true }, nowMs }).allow, false);
    assert.equal(decideSignIn({ ban: { reason: "spam" }, nowMs }).allow, false);
    assert.equal(decideSignIn({ ban: { expiresAtMs: nowMs + 60_000 }, nowMs }).allow, false);
    assert.equal(decideSignIn({ ban: { expiresAtMs: nowMs - 1 }, nowMs }).allow, true);
    assert.equal(decideSignIn({ customClaims: { roles: ["viewer"] }, ban: null, nowMs }).allow, true);
  });

  it("matches disposable domains case-blind, with their subdomains and a trailing dot, never a lookalike", () => {
    const listed = ["mailinator.com"];
    for (const email of ["a@mailinator.com", "a@MAILINATOR.com", "a@x.y.mailinator.com", "a@mailinator.com."]) {
      assert.equal(isDisposableEmail(email, listed), true, email);
    }
    for (const email of ["a@notmailinator.com", "a@mailinator.com.evil.test", "mailinator.com", "@mailinator.com"]) {
      assert.equal(isDisposableEmail(email, listed), false, email);
    }
  });

  it("stamps the viewer role on new accounts and keeps roles an import brought", () => {
    assert.deepEqual(initialClaims(undefined), { roles: ["viewer"] });
    assert.deepEqual(initialClaims({ roles: [] }), { roles: ["viewer"] });
    assert.deepEqual(initialClaims({ roles: ["host"], tier: 2 }), { roles: ["host"], tier: 2 });
  });
});

/**
 * Sign-up and sign-in policy as pure functions of the facts (no I/O), so every rule is testable and
 * the blocking functions only gather facts and translate a refusal into an HttpsError.
 */
import { type BanRecord, isBanActive } from "../kernel/account.js";
import { BASELINE_ROLE } from "../kernel/roles.js";
import { countryOfPhoneNumber } from "./calling-codes.js";
import type { AccessConfig, IdentityRefusal } from "./schema.js";

export type Decision = { allow: true } | { allow: false; reason: IdentityRefusal; message: string };

export interface SignUpFacts {
  email?: string | null;
  phoneNumber?: string | null;
  /**
   * Country of the request's IP, when something resolves it. Identity Platform hands blocking
   * functions the IP (event.ipAddress) but no country and no request headers, and no geo-IP database
   * ships here, so production passes undefined today and the phone number's calling code decides.
   */
  ipCountry?: string;
}

export { type BanRecord, isBanActive };

export interface SignInFacts {
  customClaims?: Record<string, unknown> | null;
  /** bans/{uid}, when it exists. */
  ban?: BanRecord | null;
  nowMs: number;
}

const ALLOW: Decision = { allow: true };

function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  return at > 0
    ? email
        .slice(at + 1)
        .trim()
        .toLowerCase()
        .replace(/\.$/, "")
    : undefined;
}

/** Exact domain or any subdomain of a listed one (x.mailinator.com is as disposable as mailinator.com). */
export function isDisposableEmail(email: string, disposableDomains: readonly string[]): boolean {
  const domain = emailDomain(email);
  if (!domain) return false;
  return disposableDomains.some((listed) => domain === listed || domain.endsWith(`.${listed}`));
}

export function signUpCountry(facts: SignUpFacts): string | undefined {
  return facts.ipCountry?.toUpperCase() ?? countryOfPhoneNumber(facts.phoneNumber);
}

export function decideSignUp(facts: SignUpFacts, config: AccessConfig): Decision {
  if (facts.email && isDisposableEmail(facts.email, config.disposableEmailDomains)) {
    return { allow: false, reason: "disposable-email", message: "Sign-up with a disposable email address is not allowed." };
  }
  const country = signUpCountry(facts);
  if (country && config.blockedCountries.includes(country)) {
    return { allow: false, reason: "blocked-region", message: "Sign-up is not available in your region." };
  }
  return ALLOW;
}

export function decideSignIn(facts: SignInFacts): Decision {
  if (facts.customClaims?.banned === true || isBanActive(facts.ban, facts.nowMs)) {
    return { allow: false, reason: "banned", message: "This account is suspended." };
  }
  return ALLOW;
}

/** Claims stamped on every new account; roles already present (e.g. an import) are kept. */
export function initialClaims(existing: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const roles = Array.isArray(existing?.roles) && existing.roles.length > 0 ? existing.roles : [BASELINE_ROLE];
  return { ...(existing ?? {}), roles };
}

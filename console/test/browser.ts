/**
 * The console in headless Chromium (playwright-core), served by the test stack's Hosting emulator. One
 * browser per run, a fresh context (no shared Auth session) per staff member.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { signInWithPassword, signUpWithPassword } from "../../devstack/src/smoke.js";
import { ensureChromium } from "../../devstack/src/system.js";
import { callOverHttp } from "../../functions/test/support/callables.js";
import { waitUntil } from "../../functions/test/support/firestore.js";
import type { StackAdmin } from "../../functions/test/support/stack.js";
import { testStack } from "../../functions/test/support/stack.js";
import { buildConsole } from "../build.js";

let browser: Promise<Browser> | null = null;
let built: Promise<unknown> | null = null;

function sharedBrowser(): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  browser ??= chromium.launch({ executablePath: ensureChromium((line) => console.log(`  [chromium] ${line}`)), args: ["--no-sandbox"] });
  return browser;
}

// A root hook: the one browser of the run closes after the last suite.
after(async () => {
  if (browser) await (await browser).close();
});

export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Builds the console and starts the browser once per run (in a describe: before its tests, with time for both). */
export function useConsole(): void {
  before(async function () {
    this.timeout(180_000);
    built ??= buildConsole();
    await built;
    await sharedBrowser();
  });
}

/** A new browser context on the console's start page. */
export async function openConsole(path = "/"): Promise<ConsoleTab> {
  if (!built) throw new Error("call useConsole() in the describe first");
  await built;
  const url = testStack().console;
  if (!url) throw new Error("the test stack serves no console (it was started without the functions emulator)");
  const context = await (await sharedBrowser()).newContext({ baseURL: url, viewport: { width: 1366, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(path);
  return { context, page, close: () => context.close() };
}

export async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.getByLabel("E-mail").fill(account.email);
  await page.locator('input[autocomplete="current-password"]').fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export interface Account {
  uid: string;
  email: string;
  password: string;
}

const PASSWORD = "console-password";

/** An account made as the app makes it (sign-up, then its profile), with roles set by an admin. */
export async function createAccount(admin: StackAdmin, label: string, roles: string[]): Promise<Account> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
  const user = await signUpWithPassword(testStack().auth as string, email, PASSWORD);
  await waitUntil(`users/${user.localId}`, async () => (await admin.firestore.doc(`users/${user.localId}`).get()).exists);
  await admin.auth.setCustomUserClaims(user.localId, { roles });
  return { uid: user.localId, email, password: PASSWORD };
}

/** An ID token of the account, as its app would hold one now. */
export async function idTokenOf(account: Account): Promise<string> {
  return (await signInWithPassword(testStack().auth as string, account.email, account.password)).idToken;
}

/**
 * A withdrawal request of `diamonds` by a host whose KYC `kycReviewer` approved, after `granter` credited
 * the host's diamonds in the given parts (each below the adjustment limit that asks for a second admin).
 * Answers the withdrawal's id.
 */
export async function fundedWithdrawal(
  admin: StackAdmin,
  request: { host: Account; granter: Account; kycReviewer: Account; credits: number[]; diamonds: number },
): Promise<string> {
  const { host, granter, kycReviewer, credits, diamonds } = request;
  await admin.firestore.doc(`kyc/${host.uid}`).set({ status: "approved", reviewedBy: kycReviewer.uid });
  const granterToken = await idTokenOf(granter);
  for (const amount of credits) {
    const credit = await callOverHttp(
      "adminAdjustBalance",
      { uid: host.uid, currency: "diamonds", amount, reason: "Event prize paid by hand", requestId: randomUUID() },
      granterToken,
    );
    if (credit.status !== 200) throw new Error(`adminAdjustBalance: ${JSON.stringify(credit)}`);
  }
  const requested = await callOverHttp(
    "requestWithdrawal",
    { diamonds, payoutMethod: { type: "paypal", accountRef: `${host.uid}@paypal.test` }, requestId: randomUUID() },
    await idTokenOf(host),
  );
  if (requested.status !== 200) throw new Error(`requestWithdrawal: ${JSON.stringify(requested)}`);
  return (requested.result as { withdrawalId: string }).withdrawalId;
}

const SCREENSHOTS_DIR = join(__dirname, "..", "..", "docs", "console");

/** With CONSOLE_SCREENSHOTS=1, saves the page to docs/console/<name>.png (the README links them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.CONSOLE_SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

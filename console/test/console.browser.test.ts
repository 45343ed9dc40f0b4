/**
 * The operations console in a real browser against the test stack: who may sign in and what they see,
 * and staff actions that take effect on the platform.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DEFAULT_CONFIG_CACHE_MS } from "../../functions/src/kernel/config-document.js";
import { callOverHttp } from "../../functions/test/support/callables.js";
import { useStackAdmin } from "../../functions/test/support/e2e.js";
import { waitUntil } from "../../functions/test/support/firestore.js";
import { useCleanStack } from "../../functions/test/support/stack.js";
import { pagesFor } from "../src/access.js";
import { type Account, createAccount, fundedWithdrawal, idTokenOf, openConsole, screenshot, signIn, useConsole } from "./browser.js";

describe("console (Chromium): staff sign-in", function () {
  this.timeout(120_000);
  const admin = useStackAdmin();
  useConsole();

  for (const role of ["admin", "moderator", "support", "finance"] as const) {
    it(`signs in a member of staff with the ${role} role and shows exactly the pages that role may use`, async () => {
      const staff = await createAccount(admin, role, [role]);
      const tab = await openConsole();
      try {
        await signIn(tab.page, staff);
        const who = tab.page.getByTestId("signed-in-as");
        await who.waitFor();
        assert.match((await who.textContent()) ?? "", new RegExp(`${staff.email} · ${role}`));
        const links = await tab.page.getByRole("navigation", { name: "Pages" }).getByRole("link").allTextContents();
        assert.deepEqual(
          links,
          pagesFor([role]).map((page) => page.label),
        );
      } finally {
        await tab.close();
      }
    });
  }

  it("refuses a viewer after reading the roles claim, with a clear message", async () => {
    const viewer = await createAccount(admin, "viewer", ["viewer"]);
    const tab = await openConsole();
    try {
      await signIn(tab.page, viewer);
      const alert = tab.page.getByRole("alert");
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? "", /not operations staff/);
      assert.equal(await tab.page.getByTestId("signed-in-as").count(), 0);
      await screenshot(tab.page, "sign-in-refused");
    } finally {
      await tab.close();
    }
  });
});

describe("console (Chromium): every page of an admin loads from its callables", function () {
  this.timeout(180_000);
  const admin = useStackAdmin();
  useConsole();

  it("opens each page from the navigation by keyboard, with its data and no error", async () => {
    const staff = await createAccount(admin, "admin", ["admin"]);
    const tab = await openConsole();
    try {
      await signIn(tab.page, staff);
      await tab.page.getByTestId("signed-in-as").waitFor();
      for (const page of pagesFor(["admin"])) {
        const link = tab.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: page.label });
        await link.focus();
        await tab.page.keyboard.press("Enter");
        await tab.page.waitForURL(`**${page.path}`);
        await tab.page.getByRole("heading", { level: 2 }).waitFor();
        if (page.path === "/users") {
          await tab.page.getByLabel(/Search by uid/).fill(staff.email);
          await tab.page.keyboard.press("Enter");
          await tab.page.getByRole("cell", { name: staff.uid, exact: true }).waitFor();
        }
        // Every page marks what it is still loading with aria-busy.
        await tab.page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
        const alerts = await tab.page.getByRole("alert").allTextContents();
        assert.deepEqual(alerts, [], `${page.label}: ${alerts.join(" | ")}`);
        await screenshot(tab.page, page.path.slice(1));
      }
    } finally {
      await tab.close();
    }
  });
});

describe("console (Chromium): staff actions take effect", function () {
  this.timeout(120_000);
  const admin = useStackAdmin();
  useConsole();

  it("a moderator bans a user from the user's page, and the user's next callable is refused", async () => {
    const moderator = await createAccount(admin, "mod", ["moderator"]);
    const target = await createAccount(admin, "spammer", ["viewer"]);
    const token = await idTokenOf(target);
    assert.equal((await callOverHttp("getMyProfile", null, token)).status, 200);

    const tab = await openConsole(`/users/${target.uid}`);
    try {
      await signIn(tab.page, moderator);
      await tab.page.getByLabel("Reason (kept in the audit log)").fill("Spam links in every room");
      await tab.page.getByRole("button", { name: "Ban", exact: true }).click();
      const outcome = tab.page.getByTestId("action-outcome");
      await outcome.waitFor();
      assert.match((await outcome.textContent()) ?? "", /Ban: done/);
    } finally {
      await tab.close();
    }
    const refused = await waitUntil("the banned user's callable is refused", async () => {
      const reply = await callOverHttp("getMyProfile", null, token);
      return reply.status === 200 ? null : reply;
    });
    assert.equal(refused.error?.status, "PERMISSION_DENIED");
    assert.equal((refused.error as { details?: { reason?: string } }).details?.reason, "account-banned");
  });
  it("a moderator bans a selection of search results in one bulk action", async () => {
    const moderator = await createAccount(admin, "mod", ["moderator"]);
    const target = await createAccount(admin, "bot", ["viewer"]);
    const token = await idTokenOf(target);
    const tab = await openConsole("/users");
    try {
      await signIn(tab.page, moderator);
      await tab.page.getByLabel(/Search by uid/).fill(target.email);
      await tab.page.keyboard.press("Enter");
      await tab.page.getByRole("checkbox", { name: `Select ${target.uid}` }).check();
      await tab.page.getByLabel("Reason (kept in the audit log)").fill("Bot network");
      await tab.page.getByRole("button", { name: "Ban selected" }).click();
      const outcome = tab.page.getByTestId("action-outcome");
      await outcome.waitFor();
      assert.match((await outcome.textContent()) ?? "", /Ban selected: done \(1 of 1 done\)/);
    } finally {
      await tab.close();
    }
    await waitUntil("the banned user's callable is refused", async () => (await callOverHttp("getMyProfile", null, token)).status === 403);
  });

  it("a withdrawal the first admin may not pay (four eyes) is paid by the second admin", async () => {
    const [firstAdmin, secondAdmin] = [await createAccount(admin, "admin-a", ["admin"]), await createAccount(admin, "admin-b", ["admin"])];
    const host = await createAccount(admin, "host", ["host"]);
    // The first admin credits the host's diamonds: that admin may not approve the host's payouts for a while.
    const withdrawalId = await fundedWithdrawal(admin, { host, granter: firstAdmin, kycReviewer: secondAdmin, credits: [1_500], diamonds: 1_200 });

    const review = async (reviewer: Account) => {
      const tab = await openConsole("/withdrawals");
      try {
        await signIn(tab.page, reviewer);
        await tab.page.getByRole("button", { name: `Review ${withdrawalId}` }).click();
        await tab.page.getByLabel("Reason (kept in the audit log)").fill("Payout details checked");
        await tab.page.getByRole("button", { name: "Approve", exact: true }).click();
        const outcome = tab.page.getByTestId("action-outcome");
        await outcome.waitFor();
        if (reviewer === secondAdmin) await screenshot(tab.page, "withdrawal-approved");
        return (await outcome.textContent()) ?? "";
      } finally {
        await tab.close();
      }
    };
    assert.match(await review(firstAdmin), /must approve its withdrawal.*\(conflict-of-interest\)/);
    assert.equal((await admin.firestore.doc(`withdrawals/${withdrawalId}`).get()).get("status"), "pending");
    assert.match(await review(secondAdmin), /Approve: done \(paid\)/);
    assert.equal((await admin.firestore.doc(`withdrawals/${withdrawalId}`).get()).get("status"), "paid");
  });
  it("a withdrawal at the two-approval threshold: the first reviewer's approval pays nothing and the queue says so; a second reviewer pays it", async function () {
    this.timeout(180_000);
    // The limits this test needs, whatever earlier suites left in config/economy; instances that read it
    // before keep their copy for up to DEFAULT_CONFIG_CACHE_MS.
    await admin.firestore
      .doc("config/economy")
      .set({ withdrawMinDiamonds: 100, withdrawMaxDiamondsPerRequest: 5_000, withdrawalDualApprovalDiamonds: 2_000 }, { merge: true });
    const configWritten = Date.now();
    const granter = await createAccount(admin, "granter", ["admin"]);
    const firstReviewer = await createAccount(admin, "finance-a", ["finance"]);
    const secondReviewer = await createAccount(admin, "finance-b", ["finance"]);
    const host = await createAccount(admin, "big-host", ["host"]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, configWritten + DEFAULT_CONFIG_CACHE_MS + 500 - Date.now())));
    // Credited in parts below any adjustment limit that asks for a second admin.
    const withdrawalId = await fundedWithdrawal(admin, { host, granter, kycReviewer: granter, credits: [1_500, 1_500], diamonds: 2_000 });

    const review = async (reviewer: Account, button: string) => {
      const tab = await openConsole("/withdrawals");
      try {
        await signIn(tab.page, reviewer);
        const row = tab.page.getByRole("row").filter({ has: tab.page.getByRole("button", { name: `Review ${withdrawalId}` }) });
        await row.waitFor();
        const approvals = (await row.getByRole("cell").allTextContents()).find((text) => text.startsWith("Approved once by")) ?? null;
        await tab.page.getByRole("button", { name: `Review ${withdrawalId}` }).click();
        await tab.page.getByLabel("Reason (kept in the audit log)").fill("Payout details checked");
        await tab.page.getByRole("button", { name: button, exact: true }).click();
        const outcome = tab.page.getByTestId("action-outcome");
        await outcome.waitFor();
        return { approvals, outcome: (await outcome.textContent()) ?? "" };
      } finally {
        await tab.close();
      }
    };
    const walletDiamonds = async () => (await admin.firestore.doc(`wallets/${host.uid}`).get()).get("diamonds") as number;
    const diamondsBefore = await walletDiamonds();

    const first = await review(firstReviewer, "Approve");
    assert.deepEqual(first, { approvals: null, outcome: "Approve: done (awaiting-second-approval)" });
    const afterFirst = (await admin.firestore.doc(`withdrawals/${withdrawalId}`).get()).data();
    assert.deepEqual([afterFirst?.status, afterFirst?.firstApproval?.uid], ["pending", firstReviewer.uid]);
    assert.equal(await walletDiamonds(), diamondsBefore, "the first approval moves nothing");

    const second = await review(secondReviewer, "Approve as second reviewer");
    assert.deepEqual(second, {
      approvals: `Approved once by ${firstReviewer.uid}, needs a second reviewer`,
      outcome: "Approve as second reviewer: done (paid)",
    });
    const paid = (await admin.firestore.doc(`withdrawals/${withdrawalId}`).get()).data();
    assert.deepEqual([paid?.status, paid?.reviewedBy], ["paid", secondReviewer.uid]);
  });
});

describe("console (Chromium): the moderation queue, configuration and finance pages act on the platform", function () {
  this.timeout(180_000);
  useCleanStack();
  const admin = useStackAdmin();
  useConsole();

  it("a moderator resolves a user's report from the queue with a warning", async () => {
    const [moderator, reporter, spammer] = [
      await createAccount(admin, "mod", ["moderator"]),
      await createAccount(admin, "reporter", ["viewer"]),
      await createAccount(admin, "spammer", ["viewer"]),
    ];
    const reported = await callOverHttp(
      "reportContent",
      { targetType: "user", targetId: spammer.uid, reason: "spam", details: "Posts the same link in every room", requestId: randomUUID() },
      await idTokenOf(reporter),
    );
    assert.equal(reported.status, 200, JSON.stringify(reported));
    const itemId = `report__${(reported.result as { reportId: string }).reportId}`;
    await waitUntil(`moderationItems/${itemId}`, async () => (await admin.firestore.doc(`moderationItems/${itemId}`).get()).exists);

    const tab = await openConsole("/moderation");
    try {
      await signIn(tab.page, moderator);
      await tab.page.getByRole("button", { name: `Open ${itemId}` }).click();
      // The item laid out for a decision: the subject and the reporter as links to their pages, the report's words.
      const details = tab.page.getByTestId("moderation-item");
      await details.waitFor();
      const row = (label: string) => details.getByRole("row").filter({ has: tab.page.getByRole("rowheader", { name: label, exact: true }) });
      assert.equal(await row("Subject").getByRole("link").getAttribute("href"), `/users/${spammer.uid}`);
      assert.equal(await row("Reported by").getByRole("link").getAttribute("href"), `/users/${reporter.uid}`);
      assert.equal((await row("In the reporter's words").textContent())?.trim(), "In the reporter's wordsPosts the same link in every room");
      assert.match((await details.textContent()) ?? "", /no sanction within the ladder's window/);
      await tab.page.getByLabel("Reason (kept in the audit log)").fill("Link spam, first offence");
      await tab.page.getByRole("button", { name: "Warn", exact: true }).click();
      const outcome = tab.page.getByTestId("action-outcome");
      await outcome.waitFor();
      assert.match((await outcome.textContent()) ?? "", /Warn: done/);
      await screenshot(tab.page, "moderation-item");
    } finally {
      await tab.close();
    }
    const item = (await admin.firestore.doc(`moderationItems/${itemId}`).get()).data();
    assert.deepEqual([item?.status, item?.outcome, item?.actorUid], ["actioned", "warn", moderator.uid]);
  });

  it("an admin's config edit is refused field by field when invalid, then takes effect for users", async () => {
    const [editor, user] = [await createAccount(admin, "admin", ["admin"]), await createAccount(admin, "user", ["viewer"])];
    const flagsOf = async () =>
      ((await callOverHttp("getMyFeatureFlags", {}, await idTokenOf(user))).result as { flags: Record<string, boolean> }).flags;
    assert.equal((await flagsOf()).consoleLaunch, undefined);

    const tab = await openConsole("/config");
    try {
      await signIn(tab.page, editor);
      await tab.page.getByRole("combobox", { name: "Document" }).click();
      await tab.page.getByRole("option", { name: "config/flags" }).click();
      // Filled once the stored document has loaded (loading replaces the editor's text).
      const editorBox = tab.page.getByRole("textbox", { name: "config/flags (version 0)" });
      await editorBox.waitFor();
      await tab.page.getByLabel("Reason for the change").fill("Launch the console flag");
      await editorBox.fill(JSON.stringify({ flags: { consoleLaunch: { enabled: true, rolloutPercent: 150 } } }));
      await tab.page.getByRole("button", { name: "Save", exact: true }).click();
      const issues = tab.page.getByTestId("config-issues");
      await issues.waitFor();
      assert.match((await issues.textContent()) ?? "", /flags\.consoleLaunch\.rolloutPercent/);
      await editorBox.fill(JSON.stringify({ flags: { consoleLaunch: { enabled: true, rolloutPercent: 100 } } }));
      await tab.page.getByRole("button", { name: "Save", exact: true }).click();
      await tab.page.getByText("Save: done (version 1)").waitFor();
    } finally {
      await tab.close();
    }
    const stored = (await admin.firestore.doc("config/flags").get()).data();
    assert.deepEqual([stored?.version, stored?.flags], [1, { consoleLaunch: { enabled: true, rolloutPercent: 100 } }]);
    // The flags document is cached for a few seconds by each function instance; the bound is generous
    // because instances answer slowly on a loaded machine. What the user saw last explains a timeout.
    let seen: Record<string, boolean> = {};
    await waitUntil(
      "the flag is on for the user",
      async () => {
        seen = await flagsOf();
        return seen.consoleLaunch === true;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the user's flags were last ${JSON.stringify(seen)}`);
    });
  });

  it("the finance page's totals for today equal the sums of the ledger's transactions", async () => {
    const [granter, officer] = [await createAccount(admin, "admin", ["admin"]), await createAccount(admin, "finance", ["finance"])];
    const adminToken = await idTokenOf(granter);
    for (const [label, coins] of [
      ["winner-a", 700],
      ["winner-b", 300],
    ] as const) {
      const winner = await createAccount(admin, label, ["viewer"]);
      const granted = await callOverHttp(
        "adminAdjustBalance",
        { uid: winner.uid, currency: "coins", amount: coins, reason: "Contest prize", requestId: randomUUID() },
        adminToken,
      );
      assert.equal(granted.status, 200, JSON.stringify(granted));
    }
    // From the ledger itself: every transaction, and the coins admins granted to users.
    const ledger = (await admin.firestore.collection("ledger").get()).docs.map((doc) => doc.data());
    const grantedCoins = ledger
      .filter((tx) => tx.type === "admin.grant")
      .flatMap((tx) => tx.entries as { account: string; currency: string; amount: number }[])
      .filter((entry) => entry.account.startsWith("user:") && entry.currency === "coins")
      .reduce((sum, entry) => sum + entry.amount, 0);
    assert.ok(grantedCoins > 0);
    const today = new Date().toISOString().slice(0, 10);
    const officerToken = await idTokenOf(officer);
    await waitUntil("the ledger trigger counted both grants", async () => {
      const report = await callOverHttp("getFinanceReport", { from: today, to: today }, officerToken);
      return (report.result as { totals?: { coinsGranted?: number } } | undefined)?.totals?.coinsGranted === grantedCoins;
    });

    const tab = await openConsole("/finance");
    try {
      await signIn(tab.page, officer);
      const total = (figure: string) => tab.page.locator(`[data-total="${figure}"]`);
      await total("coinsGranted").waitFor();
      assert.equal(await total("coinsGranted").textContent(), String(grantedCoins));
      assert.equal(await total("transactions").textContent(), String(ledger.length));
    } finally {
      await tab.close();
    }
  });
});

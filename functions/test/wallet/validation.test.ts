import assert from "node:assert/strict";
import type { CallableFunction } from "firebase-functions/v2/https";
import { clearRateLimiterCache } from "../../src/kernel/ratelimit.js";
import { redis } from "../../src/kernel/redis.js";
import * as callables from "../../src/wallet/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { approveKyc, balancesOf, fund, requestId, walletUser } from "./support.js";

type Callable = CallableFunction<unknown, Promise<unknown>>;

describe("wallet: malformed input → invalid-argument, nothing written", () => {
  useCleanStack();
  let admin: TestUser;
  let target: TestUser;

  beforeEach(async () => {
    // Admins pass every role check, so admins reach every callable's validation.
    [admin, target] = await Promise.all([walletUser(["admin"]), walletUser()]);
    await approveKyc(admin.uid);
    await fund(admin.uid, { coins: 10_000, diamonds: 10_000 });
  });

  const id = requestId();
  const common = [null, undefined, "text", 42, [], { requestId: id }];
  const payout = { type: "paypal", accountRef: "me@example.test" };

  const cases: [string, Callable, unknown[]][] = [
    [
      "exchangeDiamonds",
      callables.exchangeDiamonds as Callable,
      [
        ...common,
        { diamonds: 0, requestId: id },
        { diamonds: -5, requestId: id },
        { diamonds: 1.5, requestId: id },
        { diamonds: "10", requestId: id },
        { diamonds: 2_000_000_000, requestId: id },
        { diamonds: 10, requestId: "short" },
        { diamonds: 10, requestId: "has spaces in it" },
        { diamonds: 10 },
        { diamonds: 10, requestId: id, extra: true },
      ],
    ],
    [
      "requestWithdrawal",
      callables.requestWithdrawal as Callable,
      [
        ...common,
        { diamonds: 1000, requestId: id },
        { diamonds: 0, payoutMethod: payout, requestId: id },
        { diamonds: 1000, payoutMethod: { type: "cash", accountRef: "x-123" }, requestId: id },
        { diamonds: 1000, payoutMethod: { type: "paypal" }, requestId: id },
        { diamonds: 1000, payoutMethod: { type: "paypal", accountRef: "" }, requestId: id },
        { diamonds: 1000, payoutMethod: { type: "bank_transfer", accountRef: "GB29NWBK60161331926819" }, requestId: id },
        { diamonds: 1000, payoutMethod: { ...payout, iban: "x" }, requestId: id },
        { diamonds: 1000, payoutMethod: payout, requestId: "x" },
      ],
    ],
    [
      "reviewWithdrawal",
      callables.reviewWithdrawal as Callable,
      [
        ...common,
        { withdrawalId: "w1", decision: "maybe", reason: "checked", requestId: id },
        { withdrawalId: "", decision: "approve", reason: "checked", requestId: id },
        { withdrawalId: "a/b", decision: "approve", reason: "checked", requestId: id },
        { withdrawalId: "w1", decision: "approve", reason: "", requestId: id },
        { withdrawalId: "w1", decision: "approve", requestId: id },
        { withdrawalId: "w1", decision: "approve", reason: "checked" },
      ],
    ],
    [
      "resellerTransfer",
      callables.resellerTransfer as Callable,
      [
        ...common,
        { toUid: "", coins: 10, requestId: id },
        { toUid: "a/b", coins: 10, requestId: id },
        { toUid: "bob", coins: 0, requestId: id },
        { toUid: "bob", coins: 1.25, requestId: id },
        { toUid: "bob", coins: -10, requestId: id },
        { toUid: "bob", coins: 10, requestId: id, note: "hi" },
        { toUid: "agency:stars", coins: 10, requestId: id },
        { toUid: "bob.smith", coins: 10, requestId: id },
        { toUid: "bob$", coins: 10, requestId: id },
      ],
    ],
    [
      "adminAdjustBalance",
      callables.adminAdjustBalance as Callable,
      [
        ...common,
        { uid: "bob", currency: "coins", amount: 0, reason: "support", requestId: id },
        { uid: "bob", currency: "gold", amount: 5, reason: "support", requestId: id },
        { uid: "bob", currency: "coins", amount: 0.5, reason: "support", requestId: id },
        { uid: "bob", currency: "coins", amount: 5, reason: "", requestId: id },
        { uid: "bob", currency: "coins", amount: 5, requestId: id },
        { uid: "", currency: "coins", amount: 5, reason: "support", requestId: id },
        { uid: "bob", currency: "coins", amount: Number.MAX_SAFE_INTEGER, reason: "support", requestId: id },
        { uid: "agency:stars", currency: "diamonds", amount: 5, reason: "support", requestId: id },
        { uid: "bob[1]", currency: "coins", amount: 5, reason: "support", requestId: id },
      ],
    ],
    [
      "reviewBalanceAdjustment",
      callables.reviewBalanceAdjustment as Callable,
      [
        ...common,
        { adjustmentId: "a1", decision: "maybe", reason: "checked", requestId: id },
        { adjustmentId: "", decision: "approve", reason: "checked", requestId: id },
        { adjustmentId: "a/b", decision: "approve", reason: "checked", requestId: id },
        { adjustmentId: "a1", decision: "approve", reason: "", requestId: id },
        { adjustmentId: "a1", decision: "approve", reason: "   ", requestId: id },
        { adjustmentId: "a1", decision: "approve", requestId: id },
        { adjustmentId: "a1", decision: "approve", reason: "checked" },
      ],
    ],
    ["getLedgerHistory", callables.getLedgerHistory as Callable, ["text", 42, [], { limit: 0 }, { limit: "5" }, { cursor: "" }, { type: "x" }]],
    ["runReconciliation", callables.runReconciliation as Callable, ["text", 42, [], { deep: true }]],
  ];

  for (const [name, fn, inputs] of cases) {
    it(name, async () => {
      const before = await allPaths();
      for (const data of inputs) {
        // Rate limits count per uid before validation: start each input with a fresh budget.
        await redis()?.flushdb();
        clearRateLimiterCache();
        await expectHttpsError(callInProcess(fn, { user: admin, data }), "invalid-argument").catch((err: Error) => {
          throw new Error(`${name}(${JSON.stringify(data)}): ${err.message}`);
        });
      }
      assert.deepEqual(await allPaths(), before);
      assert.deepEqual(await balancesOf(admin.uid), { coins: 10_000, diamonds: 10_000 });
      assert.deepEqual(await balancesOf(target.uid), { coins: 0, diamonds: 0 });
    });
  }
});

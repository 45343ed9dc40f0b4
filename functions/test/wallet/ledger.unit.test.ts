import assert from "node:assert/strict";
import { SYSTEM_ACCOUNTS, userAccount, type WalletAccount } from "../../src/wallet/accounts.js";
import {
  type BalancePlan,
  decideReplay,
  type EntryInput,
  planBalances,
  spendingRefusal,
  validateEntries,
  type WalletFigures,
  walletsToFold,
} from "../../src/wallet/ledger.js";

const alice = userAccount("alice");
const bob = userAccount("bob");
const agency: WalletAccount = "agency:a1";

function wallet(figures: Partial<WalletFigures> = {}): WalletFigures {
  return { coins: 0, diamonds: 0, shardDiamonds: 0, frozen: false, shardsRead: false, ...figures };
}

const walletsOf = (entries: [WalletAccount, Partial<WalletFigures>][]) => new Map(entries.map(([account, figures]) => [account, wallet(figures)]));

const plain = (plan: BalancePlan) => Object.fromEntries(plan.balances);

describe("wallet: ledger entries (unit)", () => {
  it("accepts balanced integer postings and refuses everything else", () => {
    const ok: EntryInput[] = [
      { account: alice, currency: "coins", amount: -5 },
      { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 5 },
    ];
    validateEntries(ok);
    assert.throws(() => validateEntries([ok[0] as EntryInput]), /at least two/);
    assert.throws(() => validateEntries([{ ...(ok[0] as EntryInput), amount: -4 }, ok[1] as EntryInput]), /sum to 1/);
    assert.throws(
      () =>
        validateEntries([
          { ...(ok[0] as EntryInput), amount: -5.5 },
          { ...(ok[1] as EntryInput), amount: 5.5 },
        ]),
      /invalid amount/,
    );
    assert.throws(
      () =>
        validateEntries([
          { ...(ok[0] as EntryInput), amount: 0 },
          { ...(ok[1] as EntryInput), amount: 0 },
        ]),
      /invalid amount/,
    );
    assert.throws(
      () =>
        validateEntries([
          { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -5 },
          { account: alice, currency: "coins", amount: 5, viaShard: true },
        ]),
      /shards/,
    );
  });

  it("balances each currency on its own, and refuses amounts past the safe integers or in an unknown currency", () => {
    validateEntries([
      { account: alice, currency: "coins", amount: -3 },
      { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 3 },
      { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -3 },
      { account: bob, currency: "diamonds", amount: 2, viaShard: true },
      { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: 1 },
    ]);
    assert.throws(
      () =>
        validateEntries([
          { account: alice, currency: "coins", amount: -3 },
          { account: bob, currency: "diamonds", amount: 3 },
        ]),
      /coins entries sum to -3/,
    );
    assert.throws(
      () =>
        validateEntries([
          { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -(Number.MAX_SAFE_INTEGER + 1) },
          { account: alice, currency: "coins", amount: Number.MAX_SAFE_INTEGER + 1 },
        ]),
      /invalid amount/,
    );
    assert.throws(
      () =>
        validateEntries([
          { account: SYSTEM_ACCOUNTS.mint, currency: "gems" as "coins", amount: -1 },
          { account: alice, currency: "gems" as "coins", amount: 1 },
        ]),
      /unknown currency gems/,
    );
  });

  it("lets only diamond credits to wallet accounts go through shards", () => {
    const viaShard = (entry: EntryInput) => () =>
      validateEntries([
        { account: SYSTEM_ACCOUNTS.mint, currency: entry.currency, amount: -entry.amount },
        { ...entry, viaShard: true },
      ]);
    assert.doesNotThrow(viaShard({ account: agency, currency: "diamonds", amount: 7 }));
    assert.throws(viaShard({ account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: 7 }), /shards/);
    assert.throws(viaShard({ account: bob, currency: "coins", amount: 7 }), /shards/);
    assert.throws(
      () =>
        validateEntries([
          { account: bob, currency: "diamonds", amount: -7, viaShard: true },
          { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: 7 },
        ]),
      /shards/,
    );
  });
});

describe("wallet: ledger replay decision (unit)", () => {
  it("posts under a fresh key, replays the stored result under a used one, refuses another payload under it", () => {
    assert.deepEqual(decideReplay(null, "hash-a"), { kind: "post" });
    assert.deepEqual(decideReplay({ fingerprint: "hash-a", result: { granted: 100 } }, "hash-a"), { kind: "replay", result: { granted: 100 } });
    assert.deepEqual(decideReplay({ fingerprint: "hash-a", result: null }, "hash-a"), { kind: "replay", result: null });
    assert.deepEqual(decideReplay({ fingerprint: "hash-a", result: { granted: 100 } }, "hash-b"), { kind: "conflict" });
    assert.deepEqual(decideReplay({ fingerprint: undefined, result: null }, "hash-a"), { kind: "conflict" });
  });
});

describe("wallet: ledger shard folding decision (unit)", () => {
  const exchange = (account: WalletAccount, diamonds: number): EntryInput[] => [
    { account, currency: "diamonds", amount: -diamonds },
    { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: diamonds },
  ];

  const cases: { name: string; entries: EntryInput[]; wallets: [WalletAccount, Partial<WalletFigures>][]; fold: WalletAccount[] }[] = [
    { name: "a debit the wallet covers leaves the shards alone", entries: exchange(bob, 50), wallets: [[bob, { diamonds: 50 }]], fold: [] },
    { name: "a debit one diamond past the wallet folds", entries: exchange(bob, 51), wallets: [[bob, { diamonds: 50 }]], fold: [bob] },
    { name: "an empty wallet folds on any diamond debit", entries: exchange(bob, 1), wallets: [[bob, {}]], fold: [bob] },
    {
      name: "shards already folded by the plan count and are not read again",
      entries: exchange(bob, 80),
      wallets: [[bob, { diamonds: 50, shardDiamonds: 20, shardsRead: true }]],
      fold: [],
    },
    {
      name: "debits of one wallet add up",
      entries: [...exchange(bob, 30), ...exchange(bob, 30)],
      wallets: [[bob, { diamonds: 50 }]],
      fold: [bob],
    },
    {
      name: "coin debits never fold",
      entries: [
        { account: bob, currency: "coins", amount: -500 },
        { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 500 },
      ],
      wallets: [[bob, {}]],
      fold: [],
    },
    {
      name: "credits in the same posting cover a debit",
      entries: [
        { account: bob, currency: "diamonds", amount: -60 },
        { account: bob, currency: "diamonds", amount: 20 },
        { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: 40 },
      ],
      wallets: [[bob, { diamonds: 40 }]],
      fold: [],
    },
    {
      name: "shard credits are not the wallet's to spend, and system accounts hold no shards",
      entries: [
        { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -10 },
        { account: bob, currency: "diamonds", amount: 10, viaShard: true },
      ],
      wallets: [],
      fold: [],
    },
    {
      name: "only the wallets that fall short fold",
      entries: [...exchange(alice, 10), ...exchange(bob, 10)],
      wallets: [
        [alice, { diamonds: 10 }],
        [bob, { diamonds: 9 }],
      ],
      fold: [bob],
    },
  ];
  for (const { name, entries, wallets, fold } of cases) {
    it(name, () => assert.deepEqual(walletsToFold(entries, walletsOf(wallets)), fold));
  }
});

describe("wallet: ledger balance plan (unit)", () => {
  it("applies direct entries to the wallets read, folded shards included, and sets shard credits apart", () => {
    const wallets = walletsOf([
      [alice, { coins: 100, diamonds: 5 }],
      [bob, { diamonds: 10, shardDiamonds: 30, shardsRead: true }],
    ]);
    const gift: EntryInput = { account: bob, currency: "diamonds", amount: 45, viaShard: true };
    const plan = planBalances(
      [
        { account: alice, currency: "coins", amount: -90 },
        { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 90 },
        { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -90 },
        gift,
        { account: bob, currency: "diamonds", amount: -40 },
        { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: 85 },
      ],
      wallets,
    );
    assert.deepEqual(plain(plan), {
      [alice]: { coins: 10, diamonds: 5, debited: true },
      [bob]: { coins: 0, diamonds: 0, debited: true },
    });
    assert.deepEqual(plan.shardCredits, [gift]);
  });

  it("keeps every wallet read, even one the posting does not move (it is written back as read)", () => {
    const plan = planBalances(
      [
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -7 },
        { account: alice, currency: "coins", amount: 7 },
      ],
      walletsOf([
        [alice, { coins: 1 }],
        [bob, { coins: 3, diamonds: 2, shardDiamonds: 4 }],
      ]),
    );
    assert.deepEqual(plain(plan), {
      [alice]: { coins: 8, diamonds: 0, debited: false },
      [bob]: { coins: 3, diamonds: 6, debited: false },
    });
    assert.deepEqual(plan.shardCredits, []);
  });

  it("marks a wallet debited by any negative entry, even when a credit nets it positive", () => {
    const plan = planBalances(
      [
        { account: alice, currency: "coins", amount: -1 },
        { account: alice, currency: "diamonds", amount: 5 },
        { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 1 },
        { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -5 },
      ],
      walletsOf([[alice, { coins: 1 }]]),
    );
    assert.deepEqual(plain(plan), { [alice]: { coins: 0, diamonds: 5, debited: true } });
  });
});

describe("wallet: ledger spending checks (unit)", () => {
  const spend = (account: WalletAccount, currency: "coins" | "diamonds", amount: number): EntryInput[] => [
    { account, currency, amount: -amount },
    { account: SYSTEM_ACCOUNTS.burn, currency, amount },
  ];
  const check = (entries: EntryInput[], wallets: Map<WalletAccount, WalletFigures>, posting = {}) =>
    spendingRefusal(planBalances(entries, wallets), wallets, posting);

  it("passes a debit down to exactly zero and refuses one past it, with the shortfall", () => {
    assert.equal(check(spend(alice, "coins", 10), walletsOf([[alice, { coins: 10 }]])), null);
    assert.deepEqual(check(spend(alice, "coins", 11), walletsOf([[alice, { coins: 10 }]])), {
      message: "Insufficient coins.",
      details: { account: alice, currency: "coins", shortBy: 1 },
    });
    assert.deepEqual(check(spend(alice, "diamonds", 25), walletsOf([[alice, { diamonds: 5, shardDiamonds: 10, shardsRead: true }]])), {
      message: "Insufficient diamonds.",
      details: { account: alice, currency: "diamonds", shortBy: 10 },
    });
  });

  it("lets a posting take a wallet named in allowNegative below zero (a clawback)", () => {
    const wallets = walletsOf([[alice, { coins: 3 }]]);
    assert.equal(check(spend(alice, "coins", 10), wallets, { allowNegative: [alice] }), null);
    assert.notEqual(check(spend(alice, "coins", 10), wallets, { allowNegative: [bob] }), null);
  });

  it("locks spending from a frozen or indebted wallet, unless the posting ignores the lock", () => {
    const frozen = walletsOf([[alice, { coins: 100, frozen: true }]]);
    assert.deepEqual(check(spend(alice, "coins", 1), frozen), {
      message: "This wallet is locked: settle the negative balance or wait for the review.",
      details: { account: alice, reason: "frozen" },
    });
    const indebted = walletsOf([[alice, { coins: 100, diamonds: -1 }]]);
    assert.deepEqual(check(spend(alice, "coins", 1), indebted)?.details, { account: alice, reason: "negative-balance" });
    assert.equal(check(spend(alice, "coins", 1), frozen, { ignoreSpendingLock: true }), null);
    // Folded shard credits that settle the debt unlock the wallet.
    assert.equal(check(spend(alice, "coins", 1), walletsOf([[alice, { coins: 100, diamonds: -1, shardDiamonds: 1, shardsRead: true }]])), null);
  });

  it("never refuses a credit, not even to a frozen or indebted wallet", () => {
    const credit: EntryInput[] = [
      { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -5 },
      { account: alice, currency: "coins", amount: 5 },
    ];
    assert.equal(check(credit, walletsOf([[alice, { coins: -50, frozen: true }]])), null);
  });

  it("reports the first wallet that fails, in the order the wallets were read", () => {
    const entries = [...spend(alice, "coins", 5), ...spend(bob, "coins", 5)];
    const wallets = walletsOf([
      [bob, { coins: 1 }],
      [alice, { coins: 1 }],
    ]);
    assert.equal(check(entries, wallets)?.details.account, bob);
  });
});

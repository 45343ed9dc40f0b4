/**
 * Operations that must be refused, and change nothing: no funds, gifts to oneself, limits, bad payloads,
 * missing roles, a request id reused for another request, unknown ids. Each is a tiny scenario; its
 * refusal code is tallied under its own kind so an unexpected success stands out.
 */
import type { Device } from "../client.js";
import { others, type SimContext } from "../context.js";
import type { Rng } from "../random.js";
import { ECONOMY } from "../world.js";
import { storePurchaseForNonUser, storePurchaseWithBadAuthorization } from "./revenuecat.js";
import { checkoutWithBadSignature } from "./stripe.js";

type Scenario = (ctx: SimContext, rng: Rng) => Promise<void>;

const host = (ctx: SimContext) => ctx.world.hosts[0] as Device;

function gift(ctx: SimContext, rng: Rng, sender: Device, data: Record<string, unknown>, kind: string) {
  const requestId = rng.id("bad-gift");
  return ctx.api.call(
    sender,
    "sendGift",
    { giftId: "rose", recipientUid: host(ctx).uid, count: 1, context: { type: "stream", id: "invalid-ops" }, requestId, ...data },
    { kind: `sendGift (${kind})`, ledger: { owner: sender.uid, key: (data.requestId as string | undefined) ?? requestId } },
  );
}

const SCENARIOS: Record<string, Scenario> = {
  "gift without coins": (ctx, rng) => gift(ctx, rng, ctx.world.broke, {}, "no coins").then(() => {}),
  "gift to oneself": async (ctx, rng) => {
    const fan = rng.pick(ctx.world.fans);
    await gift(ctx, rng, fan, { recipientUid: fan.uid }, "to oneself");
  },
  "gift count zero": (ctx, rng) => gift(ctx, rng, rng.pick(ctx.world.fans), { count: 0 }, "count 0").then(() => {}),
  "gift to nobody": (ctx, rng) => gift(ctx, rng, rng.pick(ctx.world.fans), { recipientUid: rng.id("nobody") }, "unknown recipient").then(() => {}),
  "gift to a path-like uid": (ctx, rng) =>
    gift(ctx, rng, rng.pick(ctx.world.fans), { recipientUid: "x.y$z#1" }, "recipient with . $ #").then(() => {}),
  "gift request id reused": async (ctx, rng) => {
    const fan = rng.pick(ctx.world.fans);
    const requestId = rng.id("reused");
    const base = { giftId: "heart", recipientUid: host(ctx).uid, count: 1, context: { type: "stream", id: "invalid-ops" }, requestId };
    const first = await ctx.api.call(fan, "sendGift", base, { kind: "sendGift (before reuse)" });
    if (first.ok) await ctx.api.call(fan, "sendGift", { ...base, count: 2 }, { kind: "sendGift (request id reused, other payload)" });
  },
  "exchange more than held": async (ctx, rng) => {
    const fan = rng.pick(ctx.world.fans);
    const requestId = rng.id("bad-exchange");
    await ctx.api.call(
      fan,
      "exchangeDiamonds",
      { diamonds: 50_000_000, requestId },
      { kind: "exchangeDiamonds (more than held)", ledger: { owner: fan.uid, key: requestId } },
    );
  },
  "exchange negative": async (ctx, rng) => {
    const fan = rng.pick(ctx.world.fans);
    const requestId = rng.id("bad-exchange");
    await ctx.api.call(
      fan,
      "exchangeDiamonds",
      { diamonds: -5, requestId },
      { kind: "exchangeDiamonds (negative)", ledger: { owner: fan.uid, key: requestId } },
    );
  },
  "withdrawal over the limit": async (ctx, rng) => {
    const actor = rng.pick(ctx.world.verified);
    const requestId = rng.id("bad-withdraw");
    await ctx.api.call(
      actor,
      "requestWithdrawal",
      {
        diamonds: ECONOMY.withdrawMaxDiamondsPerRequest + rng.int(1, 5000),
        payoutMethod: { type: "paypal", accountRef: "over@pay.test" },
        requestId,
      },
      { kind: "requestWithdrawal (over the limit)", ledger: { owner: actor.uid, key: requestId } },
    );
  },
  "withdrawal without KYC": async (ctx, rng) => {
    const requestId = rng.id("bad-withdraw");
    await ctx.api.call(
      ctx.world.broke,
      "requestWithdrawal",
      { diamonds: 100, payoutMethod: { type: "paypal", accountRef: "broke@pay.test" }, requestId },
      { kind: "requestWithdrawal (no KYC)", ledger: { owner: ctx.world.broke.uid, key: requestId } },
    );
  },
  "withdrawal with a raw account number": async (ctx, rng) => {
    const actor = rng.pick(ctx.world.verified);
    const requestId = rng.id("bad-withdraw");
    await ctx.api.call(
      actor,
      "requestWithdrawal",
      { diamonds: 100, payoutMethod: { type: "bank_transfer", accountRef: "DE44500105175407324931" }, requestId },
      { kind: "requestWithdrawal (raw account number)", ledger: { owner: actor.uid, key: requestId } },
    );
  },
  "review of an unknown withdrawal": async (ctx, rng) => {
    const payer = rng.pick(ctx.world.payers);
    const requestId = rng.id("bad-review");
    await ctx.api.call(
      payer,
      "reviewWithdrawal",
      { withdrawalId: rng.id("nope"), decision: "approve", reason: "paying a ghost", requestId },
      { kind: "reviewWithdrawal (unknown id)", ledger: { owner: payer.uid, key: requestId } },
    );
  },
  "transfer by a non-reseller": async (ctx, rng) => {
    const fan = rng.pick(ctx.world.fans);
    const requestId = rng.id("bad-transfer");
    await ctx.api.call(
      fan,
      "resellerTransfer",
      { toUid: rng.pick(others(ctx.world.fans, fan)).uid, coins: 10, requestId },
      { kind: "resellerTransfer (not a reseller)", ledger: { owner: fan.uid, key: requestId } },
    );
  },
  "transfer above the maximum": async (ctx, rng) => {
    const reseller = rng.pick(ctx.world.resellers);
    const requestId = rng.id("bad-transfer");
    await ctx.api.call(
      reseller,
      "resellerTransfer",
      { toUid: rng.pick(ctx.world.fans).uid, coins: ECONOMY.resellerMaxTransferCoins + rng.int(1, 1000), requestId },
      { kind: "resellerTransfer (above the maximum)", ledger: { owner: reseller.uid, key: requestId } },
    );
  },
  "transfer without a request id": async (ctx, rng) => {
    const reseller = rng.pick(ctx.world.resellers);
    await ctx.api.call(
      reseller,
      "resellerTransfer",
      { toUid: rng.pick(ctx.world.fans).uid, coins: 10 },
      { kind: "resellerTransfer (no request id)" },
    );
  },
  "transfer to oneself": async (ctx, rng) => {
    const reseller = rng.pick(ctx.world.resellers);
    const requestId = rng.id("bad-transfer");
    await ctx.api.call(
      reseller,
      "resellerTransfer",
      { toUid: reseller.uid, coins: 10, requestId },
      { kind: "resellerTransfer (to oneself)", ledger: { owner: reseller.uid, key: requestId } },
    );
  },
  "adjustment by a non-admin": async (ctx, rng) => {
    const fan = rng.pick(ctx.world.fans);
    const requestId = rng.id("bad-adjust");
    await ctx.api.call(
      fan,
      "adminAdjustBalance",
      { uid: fan.uid, currency: "coins", amount: 1000, reason: "free coins please", requestId },
      { kind: "adminAdjustBalance (not an admin)", ledger: { owner: fan.uid, key: requestId } },
    );
  },
  "adjustment of one's own balance": async (ctx, rng) => {
    const admin = rng.pick(ctx.world.granters);
    const requestId = rng.id("bad-adjust");
    await ctx.api.call(
      admin,
      "adminAdjustBalance",
      { uid: admin.uid, currency: "coins", amount: 100, reason: "a bonus for me", requestId },
      { kind: "adminAdjustBalance (own balance)", ledger: { owner: admin.uid, key: requestId } },
    );
  },
  "vip tier that does not exist": async (ctx, rng) => {
    const fan = rng.pick(ctx.world.fans);
    const requestId = rng.id("bad-vip");
    await ctx.api.call(
      fan,
      "purchaseVip",
      { tier: 9, requestId },
      { kind: "purchaseVip (no such tier)", ledger: { owner: fan.uid, key: requestId } },
    );
  },
  "unauthenticated gift": async (ctx, rng) => {
    await ctx.api.call(
      null,
      "sendGift",
      { giftId: "rose", recipientUid: host(ctx).uid, count: 1, context: { type: "stream", id: "x" }, requestId: rng.id("anon") },
      { kind: "sendGift (signed out)" },
    );
  },
  "store purchase for a non-user": storePurchaseForNonUser,
  "store purchase with a wrong Authorization": storePurchaseWithBadAuthorization,
  "checkout event with a forged signature": checkoutWithBadSignature,
};

export async function invalidOperation(ctx: SimContext, rng: Rng): Promise<void> {
  await (SCENARIOS[rng.pick(Object.keys(SCENARIOS))] as Scenario)(ctx, rng);
}

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { forgetCurrentCampaigns } from "../../src/campaigns/active.js";
import { adminCreateCampaign, claimCampaignReward, listMyCampaigns } from "../../src/campaigns/callables.js";
import {
  onGreedyStakeCreatedForCampaigns,
  onLedgerTransactionForCampaigns,
  onRoomCreatedForCampaigns,
  onTeenPattiHandCreatedForCampaigns,
} from "../../src/campaigns/triggers.js";
import { sendGift } from "../../src/gifts/callables.js";
import { db } from "../../src/kernel/app.js";
import { createRoom } from "../../src/rooms/callables.js";
import type { CreateRoomResponse } from "../../src/rooms/schema.js";
import { userAccount } from "../../src/wallet/accounts.js";
import { readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { createProfile, grantCoins, seedCatalog } from "../support/economy-world.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { setRoomsConfig } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import { deliverDocumentCreated } from "../support/triggers.js";
import { createTestUser, type TestUser } from "../support/users.js";

const HOUR = 3_600_000;
const ROOM = { type: "room", id: "lounge" } as const;

describe("campaigns: goals, progress from the ledger, reward tiers", () => {
  useCleanStack();
  let admin: TestUser;
  let sender: TestUser;
  let host: TestUser;

  beforeEach(async () => {
    forgetCurrentCampaigns();
    [admin, sender, host] = await Promise.all([createTestUser({ roles: ["admin"] }), createTestUser(), createTestUser({ roles: ["host"] })]);
    await seedCatalog();
    await Promise.all([createProfile(sender.uid), createProfile(host.uid)]);
    await grantCoins(sender.uid, 5000);
  });

  const campaign = (overrides: Record<string, unknown> = {}) => ({
    campaignId: "star-week",
    title: "Star week",
    startsAt: new Date(Date.now() - HOUR).toISOString(),
    endsAt: new Date(Date.now() + HOUR).toISOString(),
    goal: { metric: "gifts-sent", giftId: "star" },
    tiers: [
      { threshold: 3, coins: 50 },
      { threshold: 10, coins: 200, badge: { id: "event-star-week", name: "Star of the week", rarity: "legendary" } },
    ],
    ...overrides,
  });

  /** Sends `count` stars in one request and delivers its ledger document to the campaigns trigger (twice when asked). */
  async function sendAndDeliver(count: number, giftId = "star", deliveries = 1): Promise<string> {
    const result = await callInProcess(sendGift, {
      user: sender,
      data: { giftId, recipientUid: host.uid, count, context: ROOM, requestId: randomUUID() },
    });
    const ledger = (await docData(`ledger/${result.transactionId}`)) as Record<string, unknown>;
    for (let i = 0; i < deliveries; i++) {
      await deliverDocumentCreated(onLedgerTransactionForCampaigns, `ledger/${result.transactionId}`, ledger, `evt-${result.transactionId}-${i}`, {
        txId: result.transactionId,
      });
    }
    return result.transactionId;
  }

  const mine = async (user: TestUser) => (await callInProcess(listMyCampaigns, { user, data: null })).campaigns;

  it("creates a campaign once (admin only) and refuses malformed ones with nothing written", async () => {
    assert.deepEqual(await callInProcess(adminCreateCampaign, { user: admin, data: campaign() }), { campaignId: "star-week" });
    const stored = await docData("campaigns/star-week");
    assert.equal(stored?.title, "Star week");
    assert.deepEqual(stored?.tiers, [
      { threshold: 3, coins: 50 },
      { threshold: 10, coins: 200, badge: { id: "event-star-week", name: "Star of the week", rarity: "legendary" } },
    ]);
    const again = await expectHttpsError(callInProcess(adminCreateCampaign, { user: admin, data: campaign() }), "already-exists");
    assert.equal((again.details as { reason?: string }).reason, "campaign-exists");

    const before = await allPaths();
    const malformed: Record<string, unknown>[] = [
      campaign({ campaignId: "other", endsAt: new Date(Date.now() - 2 * HOUR).toISOString() }),
      campaign({ campaignId: "other", goal: { metric: "rooms-visited" } }),
      campaign({ campaignId: "other", goal: { metric: "rooms-hosted", giftId: "star" } }),
      campaign({ campaignId: "other", tiers: [] }),
      campaign({
        campaignId: "other",
        tiers: [
          { threshold: 5, coins: 1 },
          { threshold: 5, coins: 2 },
        ],
      }),
      campaign({ campaignId: "other", tiers: [{ threshold: 5 }] }),
      campaign({ campaignId: "other", tiers: [{ threshold: 5, badge: { id: "first-gift-sent", name: "x" } }] }),
      campaign({ campaignId: "a/b" }),
      { ...campaign({ campaignId: "other" }), extra: true },
    ];
    for (const data of malformed) await expectHttpsError(callInProcess(adminCreateCampaign, { user: admin, data }), "invalid-argument");
    await expectHttpsError(callInProcess(adminCreateCampaign, { user: sender, data: campaign({ campaignId: "other" }) }), "permission-denied");
    assert.deepEqual(await allPaths(), before, "no document written");
  });

  it("counts each ledger transaction once, redelivered or not, and only the goal's gift", async () => {
    await callInProcess(adminCreateCampaign, { user: admin, data: campaign() });
    await sendAndDeliver(2, "star", 3);
    await sendAndDeliver(1, "seasonal", 2);
    await sendAndDeliver(1);
    const [view] = await mine(sender);
    assert.equal(view?.progress, 3);
    assert.deepEqual(
      view?.tiers.map((t) => [t.threshold, t.reached, t.claimed]),
      [
        [3, true, false],
        [10, false, false],
      ],
    );
    // gifts-sent: the recipient made no progress.
    assert.equal((await mine(host))[0]?.progress, 0);
    // Tier 1 was reached by the third star (whatever the redeliveries): one notice.
    assert.deepEqual(
      (await queuedFor(sender.uid, "campaign-tier-reached")).map((n) => n.data),
      [{ campaignTitle: "Star week", campaignId: "star-week", tier: 1 }],
    );
    assert.deepEqual(await queuedFor(host.uid, "campaign-tier-reached"), []);
  });

  it("counts received coins for the recipient, and nothing committed outside the window", async () => {
    await callInProcess(adminCreateCampaign, { user: admin, data: campaign({ goal: { metric: "gift-coins-received" } }) });
    await sendAndDeliver(2);
    await callInProcess(adminCreateCampaign, {
      user: admin,
      data: campaign({
        campaignId: "later",
        startsAt: new Date(Date.now() + HOUR).toISOString(),
        endsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
      }),
    });
    await sendAndDeliver(1);
    const views = await mine(host);
    assert.deepEqual(
      views.map((v) => [v.id, v.progress, v.running]),
      [
        ["star-week", 300, true],
        ["later", 0, false],
      ],
    );
  });

  it("pays a reached tier once under concurrent claims (coins through the ledger, the event badge once)", async () => {
    await callInProcess(adminCreateCampaign, { user: admin, data: campaign() });
    await sendAndDeliver(10);
    const before = (await readBalances(userAccount(sender.uid))).coins;
    const claims = await Promise.all(
      [1, 2, 3, 4, 5].map(() => callInProcess(claimCampaignReward, { user: sender, data: { campaignId: "star-week", tier: 1 } })),
    );
    assert.equal(claims.filter((c) => !c.alreadyClaimed).length, 1);
    for (const claim of claims)
      assert.deepEqual(
        { ...claim, alreadyClaimed: false },
        { campaignId: "star-week", tier: 1, coins: 200, badgeId: "event-star-week", frameId: null, vip: null, alreadyClaimed: false },
      );
    assert.equal((await readBalances(userAccount(sender.uid))).coins, before + 200);
    const rewards = await db().collection("ledger").where("type", "==", "reward").get();
    assert.equal(rewards.size, 1);
    const badge = await docData(`users/${sender.uid}/badges/event-star-week`);
    assert.equal(badge?.category, "event");
    assert.equal(badge?.rarity, "legendary");
    assert.equal(badge?.source, "campaign:star-week:1");

    // The lower tier is claimed separately; both show as claimed.
    assert.equal((await callInProcess(claimCampaignReward, { user: sender, data: { campaignId: "star-week", tier: 0 } })).alreadyClaimed, false);
    assert.equal((await readBalances(userAccount(sender.uid))).coins, before + 250);
    assert.deepEqual(
      (await mine(sender))[0]?.tiers.map((t) => t.claimed),
      [true, true],
    );
  });

  it("refuses a claim below the threshold, of a missing tier or campaign, or past the claim period, writing nothing", async () => {
    await callInProcess(adminCreateCampaign, { user: admin, data: campaign() });
    await callInProcess(adminCreateCampaign, {
      user: admin,
      data: campaign({
        campaignId: "over",
        startsAt: new Date(Date.now() - 3 * HOUR).toISOString(),
        endsAt: new Date(Date.now() - 2 * HOUR).toISOString(),
        claimDays: 0,
      }),
    });
    await sendAndDeliver(2);
    const before = await allPaths();
    const expectRefused = async (data: unknown, code: Parameters<typeof expectHttpsError>[1], reason?: string) => {
      const err = await expectHttpsError(callInProcess(claimCampaignReward, { user: sender, data }), code);
      if (reason) assert.equal((err.details as { reason?: string }).reason, reason);
    };
    await expectRefused({ campaignId: "star-week", tier: 0 }, "failed-precondition", "goal-not-reached");
    await expectRefused({ campaignId: "star-week", tier: 5 }, "not-found", "tier-not-found");
    await expectRefused({ campaignId: "nope", tier: 0 }, "not-found", "campaign-not-found");
    await expectRefused({ campaignId: "over", tier: 0 }, "failed-precondition", "campaign-closed");
    await expectRefused({ campaignId: "star-week", tier: -1 }, "invalid-argument");
    await expectRefused({ campaignId: "star-week" }, "invalid-argument");
    await expectRefused({ campaignId: "star-week", tier: 0, extra: 1 }, "invalid-argument");
    assert.deepEqual(await allPaths(), before, "no document written");
  });

  it("rooms-hosted: counts each room its owner creates once, redelivered or not, only inside the window", async () => {
    await callInProcess(adminCreateCampaign, {
      user: admin,
      data: campaign({ campaignId: "host-week", goal: { metric: "rooms-hosted" }, tiers: [{ threshold: 2, coins: 20 }] }),
    });
    await setRoomsConfig({ maxRoomsPerOwner: 2 });
    const hostRoom = async (deliveries: number) => {
      const { room } = await callInProcess<CreateRoomResponse>(createRoom, {
        user: host,
        data: { name: "Night owls", topic: "jazz", seatCount: 6, requestId: randomUUID() },
      });
      const stored = (await docData(`rooms/${room.id}`)) as Record<string, unknown>;
      for (let i = 0; i < deliveries; i++) {
        await deliverDocumentCreated(onRoomCreatedForCampaigns, `rooms/${room.id}`, stored, `evt-room-${room.id}-${i}`, { roomId: room.id });
      }
    };
    await hostRoom(3);
    assert.equal((await mine(host))[0]?.progress, 1);
    await hostRoom(1);
    assert.equal((await mine(host))[0]?.progress, 2);
    assert.equal((await mine(sender))[0]?.progress, 0);
    // A room created before the campaign started does not count.
    const early = { ownerUid: host.uid, createdAt: new Date(Date.now() - 2 * HOUR) };
    await deliverDocumentCreated(onRoomCreatedForCampaigns, "rooms/early", early, "evt-room-early", { roomId: "early" });
    assert.equal((await mine(host))[0]?.progress, 2);
    assert.deepEqual(
      (await queuedFor(host.uid, "campaign-tier-reached")).map((n) => n.data),
      [{ campaignTitle: "Star week", campaignId: "host-week", tier: 1 }],
    );
  });

  it("games-played: one per player per Greedy round (not per bet) and per Teen Patti hand, redelivered or not", async () => {
    await callInProcess(adminCreateCampaign, {
      user: admin,
      data: campaign({ campaignId: "game-week", goal: { metric: "games-played" }, tiers: [{ threshold: 3, coins: 30 }] }),
    });
    const now = Date.now();
    // gameRounds/{roundId}/greedyStakes/{uid} is created at a player's first bet of the round (later bets update it).
    const stake = (roundId: string, uid: string) => ({ uid, roundId, roomId: "lounge", byItem: { apple: 100 }, total: 100, placedAt: now });
    for (const [roundId, deliveries] of [
      ["round-1", 3],
      ["round-2", 1],
    ] as const) {
      for (let i = 0; i < deliveries; i++) {
        await deliverDocumentCreated(
          onGreedyStakeCreatedForCampaigns,
          `gameRounds/${roundId}/greedyStakes/${sender.uid}`,
          stake(roundId, sender.uid),
          `evt-${roundId}-${i}`,
          { roundId, uid: sender.uid },
        );
      }
    }
    assert.equal((await mine(sender))[0]?.progress, 2);
    const hand = { id: "table-1-7", game: "teenpatti", tableId: "table-1", playerUids: [sender.uid, host.uid], status: "playing", startedAt: now };
    for (let i = 0; i < 2; i++) {
      await deliverDocumentCreated(onTeenPattiHandCreatedForCampaigns, "gameHands/table-1-7", hand, `evt-hand-${i}`, { handId: "table-1-7" });
    }
    assert.equal((await mine(sender))[0]?.progress, 3);
    assert.equal((await mine(host))[0]?.progress, 1);
    // A stake record without its placement instant is not a game played.
    await deliverDocumentCreated(
      onGreedyStakeCreatedForCampaigns,
      `gameRounds/round-3/greedyStakes/${host.uid}`,
      { uid: host.uid, roundId: "round-3" },
      "evt-round-3",
      { roundId: "round-3", uid: host.uid },
    );
    assert.equal((await mine(host))[0]?.progress, 1);
    const claimed = await callInProcess(claimCampaignReward, { user: sender, data: { campaignId: "game-week", tier: 0 } });
    assert.equal(claimed.coins, 30);
  });

  it("grants a tier's avatar frame and VIP days once, in the claim, under concurrent and repeated claims", async () => {
    await callInProcess(adminCreateCampaign, {
      user: admin,
      data: campaign({
        tiers: [
          { threshold: 1, frame: { frameId: "star-frame", days: 7 }, vip: { tier: 1, days: 3 } },
          { threshold: 2, frame: { frameId: "star-frame", days: 0 } },
        ],
      }),
    });
    await sendAndDeliver(2);
    const claimTier = (tier: number) => callInProcess(claimCampaignReward, { user: sender, data: { campaignId: "star-week", tier } });
    const startedMs = Date.now();
    const claims = await Promise.all([1, 2, 3, 4].map(() => claimTier(0)));
    assert.equal(claims.filter((c) => !c.alreadyClaimed).length, 1);
    for (const claim of claims) {
      assert.deepEqual(
        { ...claim, alreadyClaimed: false },
        { campaignId: "star-week", tier: 0, coins: 0, badgeId: null, frameId: "star-frame", vip: { tier: 1, days: 3 }, alreadyClaimed: false },
      );
    }
    await claimTier(0);
    const DAY = 24 * HOUR;
    const frame = (await docData(`users/${sender.uid}/frames/star-frame`)) ?? {};
    assert.equal(frame.source, "campaign:star-week:0");
    const frameEndMs = (frame.expiresAt as { toMillis(): number }).toMillis();
    assert.ok(frameEndMs >= startedMs + 7 * DAY && frameEndMs <= Date.now() + 7 * DAY, "7 days once, not once per claim");
    const profile = await docData(`users/${sender.uid}`);
    const vip = profile?.vip as { tier: number; expiresAt: { toMillis(): number } };
    assert.equal(vip.tier, 1);
    assert.ok(vip.expiresAt.toMillis() >= startedMs + 3 * DAY && vip.expiresAt.toMillis() <= Date.now() + 3 * DAY, "3 VIP days once");
    const history = await db().collection(`users/${sender.uid}/vipHistory`).get();
    assert.deepEqual(
      history.docs.map((doc) => [doc.id, doc.get("source"), doc.get("campaignId"), doc.get("days")]),
      [["campaign_star-week_0", "campaign-reward", "star-week", 3]],
    );
    // The next tier's permanent frame makes the same frame permanent.
    await claimTier(1);
    assert.equal((await docData(`users/${sender.uid}/frames/star-frame`))?.expiresAt, null);
    assert.equal((await mine(sender))[0]?.tiers[0]?.frame?.frameId, "star-frame");
  });

  it("refuses VIP days to a user without a profile, writing nothing", async () => {
    await callInProcess(adminCreateCampaign, {
      user: admin,
      data: campaign({ campaignId: "game-week", goal: { metric: "games-played" }, tiers: [{ threshold: 1, vip: { tier: 1, days: 3 } }] }),
    });
    const stranger = await createTestUser();
    const stake = { uid: stranger.uid, roundId: "round-1", roomId: "lounge", byItem: { apple: 100 }, total: 100, placedAt: Date.now() };
    await deliverDocumentCreated(onGreedyStakeCreatedForCampaigns, `gameRounds/round-1/greedyStakes/${stranger.uid}`, stake, "evt-stranger", {
      roundId: "round-1",
      uid: stranger.uid,
    });
    const before = await allPaths();
    const err = await expectHttpsError(
      callInProcess(claimCampaignReward, { user: stranger, data: { campaignId: "game-week", tier: 0 } }),
      "failed-precondition",
    );
    assert.equal((err.details as { reason?: string }).reason, "profile-missing");
    assert.deepEqual(await allPaths(), before, "no document written");
  });
});

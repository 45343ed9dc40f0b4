/**
 * The world the simulation plays in, set up as the product would be: configuration, gift catalog,
 * recharge packages and agencies through the Admin SDK (the product has no API for them, operators
 * edit them in the console); accounts signed up through the Auth emulator; roles granted by an admin
 * through setUserRoles; KYC submitted by users and approved by a moderator; paid rooms created by
 * their owners; first coins bought through the webhooks. Only the very first admin gets its claim
 * through the Admin SDK: someone has to be the first.
 */
import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import { signInWithPassword, signUpWithPassword } from "../../devstack/src/smoke.js";
import type { Api, Device, SimEndpoints } from "./client.js";
import type { Rng } from "./random.js";

export interface SimPackage {
  id: string;
  coins: number;
  bonusCoins: number;
  priceCents: number;
  storeProductId: string;
}

export interface SimGift {
  id: string;
  priceCoins: number;
  vipOnly: boolean;
}

export interface SimRoom {
  roomId: string;
  ownerUid: string;
}

export interface World {
  /** The first admin: grants roles, runs the reconciliation. */
  root: Device;
  /** Admins who adjust balances (requesters and second approvers of each other's adjustments). */
  granters: Device[];
  /** Admins who review withdrawals: they never adjust, grant or review KYC, so no conflict of interest. */
  payers: Device[];
  moderator: Device;
  /** hosts[0] is the hot host: it receives a large share of all gifts. */
  hosts: Device[];
  /** Pairs of hosts that fight PK battles on their live streams. */
  pkPairs: [Device, Device][];
  resellers: Device[];
  fans: Device[];
  /** Fans whose purchases are refunded or disputed (their wallets may go negative and be frozen). */
  refunders: Set<string>;
  /** Never funded, never verified: the insufficient-funds and KYC refusals. */
  broke: Device;
  /** Users with approved KYC, who may request withdrawals. */
  verified: Device[];
  rooms: SimRoom[];
  agencies: string[];
  packages: SimPackage[];
  gifts: SimGift[];
  /** Uids that are not ordinary users (resellers, staff): transfers to them earn no commission. */
  notOrdinary: Set<string>;
}

export const PACKAGES: SimPackage[] = [
  { id: "sim-coins-60", coins: 60, bonusCoins: 0, priceCents: 99, storeProductId: "sim.coins.60" },
  { id: "sim-coins-300", coins: 300, bonusCoins: 30, priceCents: 499, storeProductId: "sim.coins.300" },
  { id: "sim-coins-1200", coins: 1200, bonusCoins: 200, priceCents: 1999, storeProductId: "sim.coins.1200" },
  { id: "sim-coins-5000", coins: 5000, bonusCoins: 750, priceCents: 7999, storeProductId: "sim.coins.5000" },
];

export const GIFTS: SimGift[] = [
  { id: "heart", priceCoins: 1, vipOnly: false },
  { id: "rose", priceCoins: 10, vipOnly: false },
  { id: "star", priceCoins: 30, vipOnly: false },
  { id: "car", priceCoins: 100, vipOnly: false },
  { id: "crown", priceCoins: 200, vipOnly: true },
];

/** Small enough that the run's amounts cross every limit now and then. */
export const ECONOMY = {
  withdrawMinDiamonds: 50,
  withdrawMaxDiamondsPerRequest: 3000,
  withdrawMaxDiamondsPerDay: 1_000_000,
  resellerMaxTransferCoins: 3000,
  maxPurchasesPerHour: 10,
  maxRefundRatioBps: 3000,
  adjustmentApprovalThreshold: { coins: 2000, diamonds: 2000 },
  resellerDailyTransferCapCoins: 1_000_000,
  resellerDailyCommissionCapCoins: 100_000,
};

/** The shortest battles config/pk allows, so many are fought (and rewarded) during a run; challenges wait long enough for a busy machine. */
export const PK = { challengeTimeoutSeconds: 30, battleSeconds: 10, resultGraceSeconds: 1, punishmentSeconds: 2, winnerRewardCoins: 40 };

export const VIP_TIERS = {
  "1": { name: "Silver", priceCoins: 200, durationDays: 1, privileges: { exchangeBonusBps: 200 } },
  "2": { name: "Gold", priceCoins: 600, durationDays: 1, privileges: { exchangeBonusBps: 500 } },
};

export interface WorldSize {
  fans: number;
  hosts: number;
  resellers: number;
  granters: number;
  payers: number;
  pkPairs: number;
  rooms: number;
}

const PASSWORD = "sim-password";

async function pool<T, R>(items: T[], limit: number, job: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface WorldDeps {
  endpoints: SimEndpoints;
  firestore: Firestore;
  auth: Auth;
  api: Api;
  rng: Rng;
  log: (line: string) => void;
}

/** Configuration and catalog, written before any function instance reads (and caches) them. */
export async function seedConfiguration(firestore: Firestore): Promise<void> {
  const batch = firestore.batch();
  batch.set(firestore.doc("config/economy"), ECONOMY);
  batch.set(firestore.doc("config/pk"), PK);
  batch.set(firestore.doc("config/vip"), { tiers: VIP_TIERS });
  for (const gift of GIFTS)
    batch.set(firestore.doc(`gifts/${gift.id}`), { name: gift.id, priceCoins: gift.priceCoins, vipOnly: gift.vipOnly, active: true });
  for (const pkg of PACKAGES) {
    batch.set(firestore.doc(`rechargePackages/${pkg.id}`), {
      coins: pkg.coins,
      bonusCoins: pkg.bonusCoins,
      prices: { USD: pkg.priceCents },
      storeProductId: pkg.storeProductId,
      regions: ["*"],
      active: true,
    });
  }
  await batch.commit();
}

let ipCounter = 0;

/**
 * Signs up as the app does, trying again (with a new address: the failed attempt may have created the
 * account) when the Auth emulator's call to a blocking function times out on a cold function worker.
 */
async function signUp(deps: WorldDeps, label: string): Promise<Device> {
  let email = "";
  let user: { localId: string; idToken: string } | undefined;
  for (let attempt = 1; !user; attempt++) {
    email = `${label}-${deps.rng.id("u").slice(2)}@sim.test`;
    try {
      user = await signUpWithPassword(deps.endpoints.auth, email, PASSWORD);
    } catch (err) {
      if (attempt >= 5 || !/BLOCKING_FUNCTION/.test(String(err))) throw err;
    }
  }
  ipCounter++;
  const device = { label, uid: user.localId, email, idToken: user.idToken, ip: `198.51.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}` };
  // The sign-up trigger creates the profile and the wallet (slowly on a busy machine: cold function workers).
  await waitFor(`users/${user.localId}`, async () => (await deps.firestore.doc(`users/${user.localId}`).get()).exists, 180_000);
  return device;
}

/** Claims reach a token at its next refresh: the device signs in again, as the app does after a role change. */
export async function refreshToken(deps: Pick<WorldDeps, "endpoints">, device: Device): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      device.idToken = (await signInWithPassword(deps.endpoints.auth, device.email, PASSWORD)).idToken;
      return;
    } catch (err) {
      // The sign-in blocking function can time out on a cold worker, as at sign-up.
      if (attempt >= 5 || !/BLOCKING_FUNCTION/.test(String(err))) throw err;
    }
  }
}

async function grantRoles(deps: WorldDeps, root: Device, device: Device, roles: string[]): Promise<void> {
  const answer = await deps.api.call(root, "setUserRoles", {
    uid: device.uid,
    roles,
    reason: "simulation staff and partners",
    requestId: deps.rng.id("roles"),
  });
  if (!answer.ok) throw new Error(`setUserRoles ${device.label} ${roles.join(",")}: ${answer.code} ${answer.message}`);
  await refreshToken(deps, device);
}

export async function buildWorld(deps: WorldDeps, size: WorldSize): Promise<World> {
  const { api, rng, firestore, auth } = deps;
  const labels = [
    "root",
    "moderator",
    ...Array.from({ length: size.granters }, (_, i) => `granter${i}`),
    ...Array.from({ length: size.payers }, (_, i) => `payer${i}`),
    ...Array.from({ length: size.hosts + size.pkPairs * 2 }, (_, i) => `host${i}`),
    ...Array.from({ length: size.resellers }, (_, i) => `reseller${i}`),
    ...Array.from({ length: size.fans }, (_, i) => `fan${i}`),
    "broke",
  ];
  // One account first: the sign-up path's function workers start cold.
  const devices = [await signUp(deps, labels[0] as string), ...(await pool(labels.slice(1), 3, (label) => signUp(deps, label)))];
  const byLabel = (label: string) => devices.find((d) => d.label === label) as Device;
  const group = (prefix: string) => devices.filter((d) => d.label.startsWith(prefix) && /\d+$/.test(d.label));
  deps.log(`  signed up ${devices.length} accounts through the Auth emulator`);

  const root = byLabel("root");
  await auth.setCustomUserClaims(root.uid, { roles: ["admin"] });
  await refreshToken(deps, root);

  const allHosts = group("host");
  const world: World = {
    root,
    granters: group("granter"),
    payers: group("payer"),
    moderator: byLabel("moderator"),
    hosts: allHosts.slice(0, size.hosts),
    pkPairs: Array.from({ length: size.pkPairs }, (_, i) => [allHosts[size.hosts + 2 * i], allHosts[size.hosts + 2 * i + 1]] as [Device, Device]),
    resellers: group("reseller"),
    fans: group("fan"),
    refunders: new Set(),
    broke: byLabel("broke"),
    verified: [],
    rooms: [],
    agencies: ["sim-agency-a", "sim-agency-b"],
    packages: PACKAGES,
    gifts: GIFTS,
    notOrdinary: new Set(),
  };
  // One fan in five; two neighbours per ten, so some buy through the store and some through Stripe (setup alternates).
  world.fans.forEach((fan, i) => {
    if (i % 10 < 2) world.refunders.add(fan.uid);
  });

  const staff: [Device, string[]][] = [
    ...[...world.granters, ...world.payers].map((d) => [d, ["admin"]] as [Device, string[]]),
    [world.moderator, ["moderator"]],
    ...allHosts.map((d) => [d, ["host"]] as [Device, string[]]),
    ...world.resellers.map((d) => [d, ["reseller"]] as [Device, string[]]),
  ];
  await pool(staff, 3, ([device, roles]) => grantRoles(deps, root, device, roles));
  for (const [device, roles] of staff) if (!roles.includes("host")) world.notOrdinary.add(device.uid);
  world.notOrdinary.add(root.uid);
  deps.log(`  roles granted over HTTP by the first admin: ${staff.length} accounts`);

  // Agencies are an operator's back-office record; hosts join one by contract, not through an API.
  const batch = firestore.batch();
  for (const id of world.agencies) batch.set(firestore.doc(`agencies/${id}`), { ownerUid: root.uid, name: id });
  allHosts.forEach((host, i) => {
    if (i % 3 !== 2) batch.update(firestore.doc(`users/${host.uid}`), { agencyId: world.agencies[i % 2] });
  });
  await batch.commit();

  // KYC: every host and a few fans verify their identity; the moderator approves.
  const applicants = [...allHosts, ...world.fans.slice(0, Math.max(2, Math.floor(world.fans.length / 8)))];
  await pool(applicants, 3, async (device) => {
    const submitted = await api.call(device, "submitKyc", {
      documentType: "passport",
      documentPaths: [`kyc/${device.uid}/passport-front.jpg`],
      legalName: `Sim ${device.label}`,
      dateOfBirth: "1990-04-12",
      documentNumber: `P-${rng.int(100000, 999999)}`,
      requestId: rng.id("kyc"),
    });
    if (!submitted.ok) throw new Error(`submitKyc ${device.label}: ${submitted.code} ${submitted.message}`);
    const reviewed = await api.call(world.moderator, "reviewKyc", {
      uid: device.uid,
      decision: "approve",
      reason: "documents match",
      requestId: rng.id("kyc-review"),
    });
    if (!reviewed.ok) throw new Error(`reviewKyc ${device.label}: ${reviewed.code} ${reviewed.message}`);
    world.verified.push(device);
  });
  deps.log(`  KYC submitted and approved for ${world.verified.length} accounts`);

  // Paid rooms, created by their owners.
  const owners = world.fans.slice(-size.rooms);
  await pool(owners, 4, async (owner) => {
    const created = await api.call<{ room: { id: string } }>(owner, "createRoom", {
      name: `${owner.label}'s lounge`,
      lock: { mode: "paid", feeCoins: rng.int(5, 40) },
      requestId: rng.id("room"),
    });
    if (!created.ok) throw new Error(`createRoom ${owner.label}: ${created.code} ${created.message}`);
    world.rooms.push({ roomId: created.result.room.id, ownerUid: owner.uid });
  });
  deps.log(`  ${world.rooms.length} paid rooms created`);
  return world;
}

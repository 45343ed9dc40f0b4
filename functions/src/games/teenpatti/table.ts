/**
 * The Teen Patti table as a pure state machine: who is dealt in and who acts next, what each action is
 * allowed to stake, when a hand ends and who wins. The callables and the timer read the table, call
 * these deciders and write what they return; nothing here reads a clock or a database.
 *
 * Turn order is the dealing order (the first occupied seat after the dealer first, the dealer last);
 * the dealer moves one occupied seat on each hand.
 */
import { refuse } from "../../kernel/errors.js";
import { compareHands } from "./hand-rank.js";
import type { HandEvent, HandPlayer, HandResult, HandState, TableSettings, TeenPattiRefusal, TeenPattiTable } from "./schema.js";

export type TableAction =
  | { type: "see" }
  | { type: "bet"; amount: number }
  | { type: "pack" }
  | { type: "show" }
  | { type: "side-show" }
  | { type: "respond-side-show"; accept: boolean }
  | { type: "timeout" }
  | { type: "leave" };

export interface Decision {
  table: TeenPattiTable;
  /** Coins the acting player puts in the pot with this action (0: no ledger posting). */
  staked: number;
}

/** Each player's three cards, by uid (from the hand's private deal). */
export type CardsByUid = Readonly<Record<string, readonly string[]>>;

const deny = (reason: TeenPattiRefusal, message: string, code: "failed-precondition" | "invalid-argument" = "failed-precondition"): never =>
  refuse<TeenPattiRefusal>(code, reason, message);

export function seatedUids(table: Pick<TeenPattiTable, "seats">): string[] {
  return table.seats.filter((uid): uid is string => uid !== null);
}

/** The next dealer and the dealing order, or null when fewer than two players sit. */
export function dealOrder(
  table: Pick<TeenPattiTable, "seats" | "dealerSeat">,
): { dealerSeat: number; order: { uid: string; seat: number }[] } | null {
  const size = table.seats.length;
  const occupied = (seat: number) => table.seats[seat] != null;
  if (seatedUids(table).length < 2) return null;
  let dealerSeat = table.dealerSeat;
  do dealerSeat = (dealerSeat + 1 + size) % size;
  while (!occupied(dealerSeat));
  const order: { uid: string; seat: number }[] = [];
  for (let step = 1; step <= size; step++) {
    const seat = (dealerSeat + step) % size;
    if (occupied(seat)) order.push({ uid: table.seats[seat] as string, seat });
  }
  return { dealerSeat, order };
}

/** A new hand with every listed player's boot in the pot; the first player after the dealer acts first. */
export function startHand(
  table: TeenPattiTable,
  deal: { handId: string; dealerSeat: number; players: { uid: string; seat: number }[]; now: number },
): TeenPattiTable {
  const boot = table.settings.bootAmount;
  const players: HandPlayer[] = deal.players.map(({ uid, seat }) => ({ uid, seat, status: "blind", invested: boot, blindBets: 0 }));
  const hand: HandState = {
    id: deal.handId,
    number: table.handCount + 1,
    commitment: table.nextCommitment,
    dealerSeat: deal.dealerSeat,
    players,
    pot: boot * players.length,
    stake: boot,
    turn: 0,
    turnEndsAt: deal.now + table.settings.turnSeconds * 1000,
    sideShow: null,
    phase: "betting",
    result: null,
    events: players.map(({ uid }) => ({ uid, action: "boot", amount: boot, at: deal.now })),
    startedAt: deal.now,
    endedAt: null,
  };
  return withNextAction({ ...table, dealerSeat: deal.dealerSeat, handCount: table.handCount + 1, hand }, deal.now);
}

const active = (hand: HandState) => hand.players.filter((p) => p.status !== "packed");

/** The next player still in the hand after index `from` (wrapping), or null when nobody else is. */
function nextActiveAfter(hand: HandState, from: number): number | null {
  for (let step = 1; step <= hand.players.length; step++) {
    const index = (from + step) % hand.players.length;
    if (hand.players[index]?.status !== "packed" && index !== from) return index;
  }
  return null;
}

/** The player still in the hand before index `from` (the side show's "previous player"). */
function previousActiveBefore(hand: HandState, from: number): number | null {
  const size = hand.players.length;
  for (let step = 1; step < size; step++) {
    const index = (from - step + size) % size;
    if (hand.players[index]?.status !== "packed") return index;
  }
  return null;
}

/** The pot split: rake rounded down to the house, the rest equally to the winners, any remainder to the house. */
export function splitPot(pot: number, winners: string[], rakePercent: number): { payouts: Record<string, number>; rake: number } {
  const rake = Math.floor((pot * rakePercent) / 100);
  const share = Math.floor((pot - rake) / winners.length);
  const payouts = Object.fromEntries(winners.map((uid) => [uid, share]));
  return { payouts, rake: pot - share * winners.length };
}

function endHand(
  table: TeenPattiTable,
  hand: HandState,
  ending: { reason: HandResult["reason"]; winners: string[]; shown: Record<string, string[]> },
  now: number,
): TeenPattiTable {
  const { payouts, rake } = splitPot(hand.pot, ending.winners, table.settings.rakePercent);
  const ended: HandState = {
    ...hand,
    phase: "ended",
    turn: null,
    turnEndsAt: null,
    sideShow: null,
    result: { reason: ending.reason, winners: ending.winners, payouts, rake, shown: ending.shown },
    endedAt: now,
  };
  return withNextAction({ ...table, hand: ended }, now);
}

/** The best hands among `uids` (several on a tie). */
function bestOf(uids: string[], cards: CardsByUid, settings: TableSettings): string[] {
  let best: string[] = [];
  for (const uid of uids) {
    const first = best[0];
    const order = first === undefined ? 1 : compareHands(cards[uid] as string[], cards[first] as string[], settings.a23Rank);
    if (order > 0) best = [uid];
    else if (order === 0) best.push(uid);
  }
  return best;
}

function showdown(table: TeenPattiTable, hand: HandState, cards: CardsByUid, now: number): TeenPattiTable {
  const uids = active(hand).map((p) => p.uid);
  const shown = Object.fromEntries(uids.map((uid) => [uid, [...(cards[uid] ?? [])]]));
  return endHand(table, hand, { reason: "pot-limit", winners: bestOf(uids, cards, table.settings), shown }, now);
}

/** After an action: the hand ends with one player left, or the turn passes on from `from`. */
function passTurn(table: TeenPattiTable, hand: HandState, from: number, now: number): TeenPattiTable {
  const left = active(hand);
  if (left.length === 1) return endHand(table, hand, { reason: "last-standing", winners: [left[0]?.uid as string], shown: {} }, now);
  const next = nextActiveAfter(hand, from);
  const turning: HandState = { ...hand, phase: "betting", sideShow: null, turn: next, turnEndsAt: now + table.settings.turnSeconds * 1000 };
  return withNextAction({ ...table, hand: turning }, now);
}

/** When the timer must next look at the table. */
export function withNextAction(table: TeenPattiTable, now: number): TeenPattiTable {
  const hand = table.hand;
  let nextActionAt: number | null;
  if (hand?.phase === "betting") nextActionAt = hand.turnEndsAt;
  else if (hand?.phase === "side-show") nextActionAt = hand.sideShow?.endsAt ?? now;
  else if (hand?.phase === "ended") nextActionAt = now;
  else nextActionAt = seatedUids(table).length >= 2 ? (table.nextActionAt ?? now + table.settings.betweenHandsSeconds * 1000) : null;
  return { ...table, nextActionAt };
}

function withEvent(hand: HandState, event: HandEvent): HandState {
  return { ...hand, events: [...hand.events, event] };
}

function replacePlayer(hand: HandState, index: number, change: Partial<HandPlayer>): HandState {
  return { ...hand, players: hand.players.map((p, i) => (i === index ? { ...p, ...change } : p)) };
}

/** What the player may stake now: a blind player stake..2×stake, a seen one seenMin..seenMax × stake. */
export function stakeRange(settings: TableSettings, hand: HandState, player: HandPlayer): { min: number; max: number } {
  const range =
    player.status === "seen"
      ? { min: hand.stake * settings.seenMinMultiplier, max: hand.stake * settings.seenMaxMultiplier }
      : { min: hand.stake, max: hand.stake * 2 };
  if (!settings.potLimitForcesShow) range.max = Math.min(range.max, settings.potLimit - hand.pot);
  return range;
}

/** Applies one player's action to the table, or refuses it (nothing changes then). */
export function decide(table: TeenPattiTable, uid: string, action: TableAction, cards: CardsByUid, now: number): Decision {
  const hand = table.hand;
  if (!hand || (hand.phase !== "betting" && hand.phase !== "side-show")) return deny("no-hand", "No hand is being played at this table.");
  const index = hand.players.findIndex((p) => p.uid === uid);
  const player = hand.players[index];
  if (!player) return deny("not-in-hand", "You are not dealt in this hand.");
  if (player.status === "packed") return deny("packed", "You have packed this hand.");
  const settings = table.settings;

  switch (action.type) {
    case "see": {
      if (player.status === "seen") return { table, staked: 0 };
      const seen = withEvent(replacePlayer(hand, index, { status: "seen" }), { uid, action: "see", at: now });
      return { table: { ...table, hand: seen }, staked: 0 };
    }
    case "leave": {
      const packed = withEvent(replacePlayer(hand, index, { status: "packed" }), { uid, action: "leave", at: now });
      return { table: afterFold(table, packed, index, now), staked: 0 };
    }
    case "respond-side-show": {
      const sideShow = hand.sideShow;
      if (hand.phase !== "side-show" || !sideShow || sideShow.target !== uid) return deny("no-side-show", "No side show is waiting for your answer.");
      if (now > sideShow.endsAt) return deny("turn-over", "The time to answer this side show is over.");
      return { table: resolveSideShow(table, hand, action.accept, cards, now), staked: 0 };
    }
    case "timeout":
      return { table: timeout(table, hand, now), staked: 0 };
    default:
      break;
  }

  // Betting actions: only the player whose turn it is, within the turn.
  if (hand.phase === "side-show") return deny("side-show-pending", "A side show is waiting for its answer.");
  if (hand.turn !== index) return deny("not-your-turn", "It is not your turn.");
  if (hand.turnEndsAt !== null && now > hand.turnEndsAt) return deny("turn-over", "Your turn is over.");

  switch (action.type) {
    case "pack": {
      const packed = withEvent(replacePlayer(hand, index, { status: "packed" }), { uid, action: "pack", at: now });
      return { table: passTurn(table, packed, index, now), staked: 0 };
    }
    case "bet": {
      const { min, max } = stakeRange(settings, hand, player);
      if (action.amount > settings.maxStakeCoins) return deny("stake-limit", `One action may stake at most ${settings.maxStakeCoins} coins.`);
      if (action.amount < min || action.amount > max) {
        return refuse<TeenPattiRefusal>("invalid-argument", "amount-out-of-range", `Stake between ${min} and ${max} coins.`, { min, max });
      }
      if (player.status === "blind" && player.blindBets >= settings.maxBlindTurns) {
        return deny("blind-limit", "You have played the most blind turns: see your cards first.");
      }
      const stake = player.status === "blind" ? action.amount : Math.max(hand.stake, Math.floor(action.amount / 2));
      let next = replacePlayer(hand, index, {
        invested: player.invested + action.amount,
        blindBets: player.blindBets + (player.status === "blind" ? 1 : 0),
      });
      next = withEvent({ ...next, pot: hand.pot + action.amount, stake }, { uid, action: "bet", amount: action.amount, at: now });
      if (settings.potLimitForcesShow && next.pot >= settings.potLimit) return { table: showdown(table, next, cards, now), staked: action.amount };
      return { table: passTurn(table, next, index, now), staked: action.amount };
    }
    case "show": {
      const left = active(hand);
      if (left.length !== 2) return deny("show-needs-two", "A show needs exactly two players left.");
      const cost = player.status === "blind" ? hand.stake : hand.stake * settings.seenMinMultiplier;
      const other = left.find((p) => p.uid !== uid) as HandPlayer;
      const requesterWins = compareHands(cards[uid] as string[], cards[other.uid] as string[], settings.a23Rank) > 0;
      const winner = requesterWins ? uid : other.uid;
      const loser = requesterWins ? other.uid : uid;
      let next = replacePlayer(hand, index, { invested: player.invested + cost });
      next = withEvent({ ...next, pot: hand.pot + cost }, { uid, action: "show", amount: cost, target: other.uid, loser, at: now });
      const shown = { [uid]: [...(cards[uid] ?? [])], [other.uid]: [...(cards[other.uid] ?? [])] };
      return { table: endHand(table, next, { reason: "show", winners: [winner], shown }, now), staked: cost };
    }
    case "side-show": {
      if (player.status !== "seen") return deny("side-show-unavailable", "Only a seen player may ask for a side show.");
      if (active(hand).length < 3) return deny("side-show-unavailable", "With two players left, ask for a show.");
      const previous = previousActiveBefore(hand, index);
      const target = previous === null ? undefined : hand.players[previous];
      if (target?.status !== "seen") return deny("side-show-unavailable", "The previous player has not seen their cards.");
      const cost = hand.stake * settings.seenMinMultiplier;
      let next = replacePlayer(hand, index, { invested: player.invested + cost });
      next = withEvent({ ...next, pot: hand.pot + cost }, { uid, action: "side-show", amount: cost, target: target.uid, at: now });
      next = { ...next, phase: "side-show", sideShow: { requester: uid, target: target.uid, endsAt: now + settings.sideShowSeconds * 1000 } };
      if (settings.potLimitForcesShow && next.pot >= settings.potLimit) return { table: showdown(table, next, cards, now), staked: cost };
      return { table: withNextAction({ ...table, hand: next }, now), staked: cost };
    }
  }
  return deny("no-hand", "Unknown action.", "invalid-argument");
}

/** Accepted: the lower hand folds (the requester on a tie); refused: play goes on. Either way the turn passes on from the requester. */
function resolveSideShow(table: TeenPattiTable, hand: HandState, accept: boolean, cards: CardsByUid, now: number): TeenPattiTable {
  const { requester, target } = hand.sideShow as NonNullable<HandState["sideShow"]>;
  const requesterIndex = hand.players.findIndex((p) => p.uid === requester);
  if (!accept) return passTurn(table, withEvent(hand, { uid: target, action: "side-show-refused", target: requester, at: now }), requesterIndex, now);
  const requesterWins = compareHands(cards[requester] as string[], cards[target] as string[], table.settings.a23Rank) > 0;
  const loser = requesterWins ? target : requester;
  const loserIndex = hand.players.findIndex((p) => p.uid === loser);
  const next = withEvent(replacePlayer(hand, loserIndex, { status: "packed" }), {
    uid: target,
    action: "side-show-accepted",
    target: requester,
    loser,
    at: now,
  });
  return passTurn(table, next, requesterIndex, now);
}

/** The timer's action: the player to act packs; an unanswered side show counts as refused. */
function timeout(table: TeenPattiTable, hand: HandState, now: number): TeenPattiTable {
  if (hand.phase === "side-show") {
    const sideShow = hand.sideShow as NonNullable<HandState["sideShow"]>;
    if (now < sideShow.endsAt) return table;
    return resolveSideShow(table, hand, false, {}, now);
  }
  if (hand.turn === null || hand.turnEndsAt === null || now < hand.turnEndsAt) return table;
  const player = hand.players[hand.turn] as HandPlayer;
  const packed = withEvent(replacePlayer(hand, hand.turn, { status: "packed" }), { uid: player.uid, action: "timeout", at: now });
  return passTurn(table, packed, hand.turn, now);
}

/** A player folded out of turn (left the table): a side show involving them lapses; their turn passes on. */
function afterFold(table: TeenPattiTable, hand: HandState, index: number, now: number): TeenPattiTable {
  const uid = hand.players[index]?.uid;
  const sideShow = hand.sideShow;
  if (sideShow && (sideShow.requester === uid || sideShow.target === uid)) {
    const requesterIndex = hand.players.findIndex((p) => p.uid === sideShow.requester);
    return passTurn(table, { ...hand, sideShow: null, phase: "betting" }, requesterIndex, now);
  }
  if (hand.turn === index || active(hand).length === 1) return passTurn(table, hand, index, now);
  return withNextAction({ ...table, hand }, now);
}

/** The timer's decision for the table at `now`: what is due, if anything. */
export type DueStep = "timeout" | "settle" | "deal" | null;

export function dueStep(table: TeenPattiTable, now: number): DueStep {
  const hand = table.hand;
  if (hand?.phase === "ended") return "settle";
  if (hand?.phase === "betting" || hand?.phase === "side-show") return table.nextActionAt !== null && now >= table.nextActionAt ? "timeout" : null;
  if (table.nextActionAt !== null && now >= table.nextActionAt && seatedUids(table).length >= 2) return "deal";
  return null;
}

/** After settlement: the hand is closed and the next deal is due after the pause. */
export function settled(table: TeenPattiTable, now: number): TeenPattiTable {
  const hand = table.hand as HandState;
  return withNextAction({ ...table, hand: { ...hand, phase: "settled" }, nextActionAt: null }, now);
}

/** Takes the asked seat, or the first free one. */
export function sit(table: TeenPattiTable, uid: string, seat: number | undefined, now: number): TeenPattiTable {
  if (table.seats.includes(uid)) return deny("already-seated", "You already sit at this table.");
  let chosen = seat;
  if (chosen === undefined) {
    chosen = table.seats.indexOf(null);
    if (chosen < 0) return deny("table-full", "Every seat at this table is taken.");
  } else if (chosen >= table.seats.length) {
    return deny("seat-taken", "This table has no such seat.", "invalid-argument");
  } else if (table.seats[chosen] !== null) {
    return deny("seat-taken", "This seat is taken.");
  }
  const seats = table.seats.map((current, index) => (index === chosen ? uid : current));
  return withNextAction({ ...table, seats }, now);
}

/** Frees the player's seat; a player still in the hand packs first. */
export function leave(table: TeenPattiTable, uid: string, now: number): TeenPattiTable {
  if (!table.seats.includes(uid)) return deny("not-seated", "You do not sit at this table.");
  let next = table;
  const inHand = table.hand?.players.find((p) => p.uid === uid);
  if (inHand && inHand.status !== "packed" && (table.hand?.phase === "betting" || table.hand?.phase === "side-show")) {
    next = decide(table, uid, { type: "leave" }, {}, now).table;
  }
  const seats = next.seats.map((current) => (current === uid ? null : current));
  return withNextAction({ ...next, seats }, now);
}

/**
 * Event-driven entry points of the venues. Presence bookkeeping (see presence.ts): each fires once per join
 * or per lost presence entry, never per heartbeat (heartbeats update an existing entry, which neither event
 * matches); both are idempotent: replays set the same or a later marker, and the sweep re-checks everything.
 * Gift effects (see gift-effects.ts): once or more per ledger transaction, each effect idempotent.
 */
import "../composition.js";
import { onValueCreated, onValueDeleted } from "firebase-functions/v2/database";
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { applyVenueGift, venueGiftOf } from "./gift-effects.js";
import { TriggerPaths } from "./paths.js";
import { noteMemberAdmitted, notePresenceRemoved } from "./presence.js";

const eventTimeMs = (time: string): number => {
  const parsed = Date.parse(time);
  return Number.isFinite(parsed) ? parsed : Date.now();
};

/** A member was admitted: index the venue for the sweep and start the grace period for their presence. */
export const onVenueMemberAdmitted = onValueCreated(
  { ref: TriggerPaths.member, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    await noteMemberAdmitted(event.params.venueKey, event.params.uid, event.data.val(), eventTimeMs(event.time));
  },
);

/** A member's presence disappeared (onDisconnect or the client): start the grace period before removal. */
export const onVenuePresenceRemoved = onValueDeleted(
  { ref: TriggerPaths.presence, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    await notePresenceRemoved(event.params.venueKey, event.params.uid, eventTimeMs(event.time));
  },
);

/** A ledger transaction was committed: a gift's venue effects (stream ranking, PK live score, room level). */
export const onGiftPostedToVenue = onDocumentCreated(
  // Retried on failure: every recorder is idempotent, and a display effect lost for good is worse.
  { document: `${Collections.ledger}/{txId}`, region: REGION, retry: true, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const gift = venueGiftOf(event.params.txId, event.data?.data());
    if (gift) await applyVenueGift(gift);
  },
);

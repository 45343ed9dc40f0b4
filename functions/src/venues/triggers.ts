/**
 * Event-driven presence bookkeeping (see presence.ts): each fires once per join or per lost presence
 * entry, never per heartbeat (heartbeats update an existing entry, which neither event matches).
 * Both are idempotent: replays set the same or a later marker, and the sweep re-checks everything.
 */
import { onValueCreated, onValueDeleted } from "firebase-functions/v2/database";
import { REGION } from "../kernel/config.js";
import { noteMemberAdmitted, notePresenceRemoved } from "./presence.js";

const eventTimeMs = (time: string): number => {
  const parsed = Date.parse(time);
  return Number.isFinite(parsed) ? parsed : Date.now();
};

/** A member was admitted: index the venue for the sweep and start the grace period for their presence. */
export const onVenueMemberAdmitted = onValueCreated({ ref: "members/{venueKey}/{uid}", region: REGION }, async (event) => {
  await noteMemberAdmitted(event.params.venueKey, event.params.uid, event.data.val(), eventTimeMs(event.time));
});

/** A member's presence disappeared (onDisconnect or the client): start the grace period before removal. */
export const onVenuePresenceRemoved = onValueDeleted({ ref: "presence/{venueKey}/{uid}", region: REGION }, async (event) => {
  await notePresenceRemoved(event.params.venueKey, event.params.uid, eventTimeMs(event.time));
});

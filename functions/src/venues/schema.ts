/**
 * The venues' contract: what clients write and read in every venue's RTDB nodes (paths.ts names them,
 * database.rules.json checks the writes) and the operators' presence settings (config/presence).
 */
import * as z from "zod";

/** details.reason of the refusals venues give streams and rooms alike (their passwords). */
export const VenueRefusalSchema = z.enum(["password-attempts", "wrong-password"]);
export type VenueRefusal = z.infer<typeof VenueRefusalSchema>;

/** presence/{venueKey}/{uid}, written by the member's own client: `lastSeen` is server time, refreshed every ~30 s. */
export interface PresenceEntry {
  lastSeen: number;
}

/** members/{venueKey}/{uid}, written by the entry callables once their checks passed. */
export interface VenueMember {
  /** The member's role in the venue (a stream's host, viewer or moderator; a room's owner, admin or member…). */
  role: string;
  /** Admission time (ms): the absence grace period starts here. */
  at: number;
  /** The member's active VIP tier at admission, when there is one. */
  vipTier?: number;
}

export const PresenceConfigSchema = z
  .object({
    /** A presence entry not refreshed for this long belongs to a client that vanished (three missed heartbeats). */
    staleAfterSeconds: z.number().int().min(35).max(3_600).default(90),
    /** A member may be without any presence entry this long (joining, reconnecting) before being removed. */
    absentGraceSeconds: z.number().int().min(10).max(3_600).default(60),
    /** Gift feed events kept live per venue; older ones are trimmed by the sweep. */
    giftEventsKept: z.number().int().min(1).max(1_000).default(50),
  })
  .strict();
export type PresenceConfig = z.infer<typeof PresenceConfigSchema>;

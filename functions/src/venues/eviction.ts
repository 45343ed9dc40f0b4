/**
 * Taking a sanctioned account out of every live venue: the venues it hosts are ended (through each venue
 * type's adapter), and it leaves every venue it is a member of. Members are found through venueIndex
 * (the venues with members now), one membership read per venue, never a whole members tree.
 */
import { rtdb } from "../kernel/app.js";
import { forEachLimited } from "../kernel/pool.js";
import { removeFromVenue } from "./membership.js";
import { parseVenueKey, type Venue, VenuePaths, type VenueType, venueKey } from "./paths.js";
import { venueAdapter } from "./ports.js";

const VENUE_TYPES: readonly VenueType[] = ["stream", "room"];
const MEMBERSHIP_READS_IN_FLIGHT = 16;

export interface EvictionOutcome {
  /** Venue keys the account hosted and that were ended. */
  ended: string[];
  /** Venue keys the account was removed from as a member. */
  left: string[];
}

/** Idempotent: a second call finds nothing hosted and no membership left. */
export async function evictFromVenues(uid: string, actorUid: string): Promise<EvictionOutcome> {
  const ended: string[] = [];
  for (const type of VENUE_TYPES) {
    for (const id of await venueAdapter(type).endHostedBy(uid, actorUid)) ended.push(venueKey({ type, id }));
  }
  const index = await rtdb().ref(VenuePaths.venueIndex()).get();
  const venues: Venue[] = [];
  index.forEach((child) => {
    const venue = parseVenueKey(child.key as string);
    if (venue) venues.push(venue);
  });
  const left: string[] = [];
  await forEachLimited(venues, MEMBERSHIP_READS_IN_FLIGHT, async (venue) => {
    if (!(await rtdb().ref(VenuePaths.member(venue, uid)).get()).exists()) return;
    await removeFromVenue(venue, uid, "banned");
    left.push(venueKey(venue));
  });
  return { ended, left: left.sort() };
}

/**
 * The Realtime Database layout shared by live streams and voice rooms ("venues"). One place names every
 * path, so callables, triggers, jobs, database.rules.json and the tests agree. A venue key is
 * `{type}_{id}` (the same key the gift feed uses: giftEvents/{venueKey}).
 *
 * Server-written (admin SDK) unless noted:
 *   streams/{streamId}/state             host, title, status, viewer counts, guests, pk, pinned message
 *   rooms/{roomId}/state                 name, topic, owner, admins, lock mode, seat count, announcement, level
 *   rooms/{roomId}/seats/{index}         { uid | absent, locked, micMuted }  (0 <= index < seatCount)
 *   members/{venueKey}/{uid}             { role, at } while the user is admitted (entry checks passed)
 *   presence/{venueKey}/{uid}            { lastSeen }  CLIENT-written (own, only while a member; onDisconnect remove)
 *   typing/{venueKey}/{uid}              true          CLIENT-written (own, only while a member)
 *   mutes/{venueKey}/{uid}               untilMs       chat mute
 *   bans/{venueKey}/{uid}                untilMs       no entry until then
 *   chat/{venueKey}/{messageId}          CLIENT-written (own, members not muted; see database.rules.json)
 *   chatRate/{venueKey}/{uid}            { at, messageId } CLIENT-written in the same update as each message: server
 *                                        time and that message's key, so the rate rule holds per message
 *   giftEvents/{venueKey}/{pushId}       compact gift feed (gifts/send-gift.ts)
 *   venueIndex/{venueKey}                { lastJoinAt }  venues with members: the presence sweep's work list
 *   absences/{venueKey}/{uid}            sinceMs  a member without presence since then (joined, or presence removed)
 *   status/{uid}                         CLIENT-written app-wide online/offline flag
 */
export type VenueType = "stream" | "room";

export interface Venue {
  type: VenueType;
  id: string;
}

export function venueKey(venue: Venue): string {
  return `${venue.type}_${venue.id}`;
}

export function parseVenueKey(key: string): Venue | null {
  const match = /^(stream|room)_([A-Za-z0-9_-]+)$/.exec(key);
  return match ? { type: match[1] as VenueType, id: match[2] as string } : null;
}

export const VenuePaths = {
  streamState: (streamId: string) => `streams/${streamId}/state`,
  roomState: (roomId: string) => `rooms/${roomId}/state`,
  roomSeats: (roomId: string) => `rooms/${roomId}/seats`,
  members: (venue: Venue) => `members/${venueKey(venue)}`,
  member: (venue: Venue, uid: string) => `members/${venueKey(venue)}/${uid}`,
  presence: (venue: Venue) => `presence/${venueKey(venue)}`,
  presenceOf: (venue: Venue, uid: string) => `presence/${venueKey(venue)}/${uid}`,
  typingOf: (venue: Venue, uid: string) => `typing/${venueKey(venue)}/${uid}`,
  muteOf: (venue: Venue, uid: string) => `mutes/${venueKey(venue)}/${uid}`,
  banOf: (venue: Venue, uid: string) => `bans/${venueKey(venue)}/${uid}`,
  chat: (venue: Venue) => `chat/${venueKey(venue)}`,
  chatRateOf: (venue: Venue, uid: string) => `chatRate/${venueKey(venue)}/${uid}`,
  giftFeed: (venue: Venue) => `giftEvents/${venueKey(venue)}`,
  venueIndex: () => "venueIndex",
  venueIndexOf: (venue: Venue) => `venueIndex/${venueKey(venue)}`,
  absences: (venue: Venue) => `absences/${venueKey(venue)}`,
  absenceOf: (venue: Venue, uid: string) => `absences/${venueKey(venue)}/${uid}`,
} as const;

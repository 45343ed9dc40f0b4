/**
 * The Realtime Database layout: the venue paths live streams and voice rooms ("venues") share, and each
 * venue type's own. One place names every path, so callables, triggers, jobs, database.rules.json and the
 * tests agree (functions/test/kernel/paths.unit.test.ts refuses an RTDB path written anywhere else). A venue
 * key is `{type}_{id}` (the same key the gift feed uses: giftEvents/{venueKey}).
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
 *   entrances/{venueKey}/{pushId}        VIP entrance effects of a room (rooms/entry.ts)
 *   recognitions/{venueKey}/{pushId}     level-ups reached by a gift sent or received there (progression/recognition.ts)
 *   status/{uid}                         CLIENT-written app-wide online/offline flag
 *   chatMutes/{uid}                      untilMs       platform-wide chat mute (moderation); every venue's chat rule checks it
 *
 * Streams (live/) and rooms (rooms/) add their own below the venue's node: LivePaths and RoomPaths.
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
  memberRoleOf: (venue: Venue, uid: string) => `members/${venueKey(venue)}/${uid}/role`,
  presence: (venue: Venue) => `presence/${venueKey(venue)}`,
  presenceOf: (venue: Venue, uid: string) => `presence/${venueKey(venue)}/${uid}`,
  typing: (venue: Venue) => `typing/${venueKey(venue)}`,
  typingOf: (venue: Venue, uid: string) => `typing/${venueKey(venue)}/${uid}`,
  mutes: (venue: Venue) => `mutes/${venueKey(venue)}`,
  chatMuteEverywhere: (uid: string) => `chatMutes/${uid}`,
  muteOf: (venue: Venue, uid: string) => `mutes/${venueKey(venue)}/${uid}`,
  bans: (venue: Venue) => `bans/${venueKey(venue)}`,
  banOf: (venue: Venue, uid: string) => `bans/${venueKey(venue)}/${uid}`,
  chat: (venue: Venue) => `chat/${venueKey(venue)}`,
  chatMessage: (venue: Venue, messageId: string) => `chat/${venueKey(venue)}/${messageId}`,
  chatRate: (venue: Venue) => `chatRate/${venueKey(venue)}`,
  chatRateOf: (venue: Venue, uid: string) => `chatRate/${venueKey(venue)}/${uid}`,
  giftFeed: (venue: Venue) => `giftEvents/${venueKey(venue)}`,
  entrances: (venue: Venue) => `entrances/${venueKey(venue)}`,
  recognitions: (venue: Venue) => `recognitions/${venueKey(venue)}`,
  venueIndex: () => "venueIndex",
  venueIndexOf: (venue: Venue) => `venueIndex/${venueKey(venue)}`,
  absences: (venue: Venue) => `absences/${venueKey(venue)}`,
  absenceOf: (venue: Venue, uid: string) => `absences/${venueKey(venue)}/${uid}`,
} as const;

/** Paths of a live stream below streams/{streamId} (the layout is in live/schema.ts). */
export const LivePaths = {
  stream: (streamId: string) => `streams/${streamId}`,
  viewers: (streamId: string) => `streams/${streamId}/state/viewers`,
  viewersCurrent: (streamId: string) => `streams/${streamId}/state/viewers/current`,
  viewersPeak: (streamId: string) => `streams/${streamId}/state/viewers/peak`,
  viewersShards: (streamId: string) => `streams/${streamId}/state/viewers/shards`,
  guests: (streamId: string) => `streams/${streamId}/state/guests`,
  status: (streamId: string) => `streams/${streamId}/state/status`,
  endedAt: (streamId: string) => `streams/${streamId}/state/endedAt`,
  pinned: (streamId: string) => `streams/${streamId}/state/pinned`,
  hostAbsentSince: (streamId: string) => `streams/${streamId}/state/hostAbsentSince`,
  /** The PK mirror of the stream's battle (live/pk/mirror.ts) and one side's live score in it. */
  pk: (streamId: string) => `streams/${streamId}/state/pk`,
  pkScore: (streamId: string, scoringStreamId: string) => `streams/${streamId}/state/pk/scores/${scoringStreamId}`,
  entrances: (streamId: string) => `streams/${streamId}/entrances`,
  guestQueue: (streamId: string) => `streams/${streamId}/guestQueue`,
  guestQueueOf: (streamId: string, uid: string) => `streams/${streamId}/guestQueue/${uid}`,
  audience: (streamId: string) => `streams/${streamId}/audience`,
  audienceShard: (streamId: string, shard: string) => `streams/${streamId}/audience/${shard}`,
  audienceTally: (streamId: string, shard: string) => `streams/${streamId}/audience/${shard}/tally`,
} as const;

/** Paths of a voice room below rooms/{roomId} (the layout is in rooms/schema.ts). */
export const RoomPaths = {
  invites: (roomId: string) => `rooms/${roomId}/invites`,
  inviteOf: (roomId: string, uid: string) => `rooms/${roomId}/invites/${uid}`,
  micMutes: (roomId: string) => `rooms/${roomId}/micMutes`,
  micMuteOf: (roomId: string, uid: string) => `rooms/${roomId}/micMutes/${uid}`,
  /** The Greedy game of the room (games/greedy/mirror.ts): the current round and its live item totals. */
  greedy: (roomId: string) => `rooms/${roomId}/greedy`,
  greedyTotal: (roomId: string, itemId: string) => `rooms/${roomId}/greedy/totals/${itemId}`,
} as const;

/** App-wide paths of a user. */
/** Teen Patti (games/teenpatti/schema.ts): the public table state, and each player's own cards (owner-read only). */
export const TeenPattiPaths = {
  table: (tableId: string) => `teenPatti/tables/${tableId}`,
  cards: (tableId: string) => `teenPatti/cards/${tableId}`,
  cardsOf: (tableId: string, uid: string) => `teenPatti/cards/${tableId}/${uid}`,
} as const;

/**
 * The agency channel (agencies/chat.ts), server-written only:
 *   agencyChat/{agencyId}/members/{uid}            true while a member (mirror of agencies/{id}/members)
 *   agencyChat/{agencyId}/messages/{messageId}     { uid, text, at }  members read
 *   agencyChatAuthors/{uid}/{agencyId}             true: channels the user posted in (account erasure)
 */
export const AgencyChatPaths = {
  members: (agencyId: string) => `agencyChat/${agencyId}/members`,
  member: (agencyId: string, uid: string) => `agencyChat/${agencyId}/members/${uid}`,
  messages: (agencyId: string) => `agencyChat/${agencyId}/messages`,
  message: (agencyId: string, messageId: string) => `agencyChat/${agencyId}/messages/${messageId}`,
  channel: (agencyId: string) => `agencyChat/${agencyId}`,
  authorOf: (uid: string) => `agencyChatAuthors/${uid}`,
  authorIn: (uid: string, agencyId: string) => `agencyChatAuthors/${uid}/${agencyId}`,
} as const;

export const UserPaths = {
  status: (uid: string) => `status/${uid}`,
} as const;

/** The paths RTDB triggers listen on; {venueKey}, {uid} and {messageId} are the event's params. */
export const TriggerPaths = {
  chatMessage: "chat/{venueKey}/{messageId}",
  member: "members/{venueKey}/{uid}",
  presence: "presence/{venueKey}/{uid}",
} as const;

/**
 * Multi-guest streams. A stream has a fixed number of guest slots (config/live guestSlots at start);
 * seats are RTDB streams/{id}/state/guests = { slotIndex: { uid, at } }, changed only by RTDB
 * transactions on that node, so one slot never holds two guests and a guest never holds two slots.
 * A viewer asks (request) or the host asks (invite); the other side answers. Asking when the other
 * side has already asked seats at once. Pending asks live in streams/{id}/guestQueue/{uid}.
 */
import { firestoreValues } from "../kernel/app.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { isStaff } from "../kernel/roles.js";
import { demoteMediaPublisher } from "../media/sessions.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { LivePaths, VenuePaths } from "../venues/paths.js";
import type { AnswerGuestInvite, AnswerGuestRequest, GuestActionResponse, StreamRefRequest, StreamUserRequest } from "./schema.js";
import { loadLiveStream, loadStream, readValue, type StoredStream, serverTimestamp, streamRef, streamVenue, transact, updateTree } from "./store.js";

type Seat = { uid: string; at: number };
type Seats = Record<string, Seat>;

interface QueueEntry {
  kind: "request" | "invite";
  at: number;
}

/** The SDK hands back sequential numeric keys as an array (with holes): normalise to slot → seat. */
export function normaliseSeats(value: unknown): Seats {
  const seats: Seats = {};
  if (!value || typeof value !== "object") return seats;
  for (const [key, seat] of Object.entries(value as Record<string, unknown>)) {
    if (seat && typeof (seat as Seat).uid === "string") seats[key] = seat as Seat;
  }
  return seats;
}

function slotOf(seats: Seats, uid: string): number | null {
  const entry = Object.entries(seats).find(([, seat]) => seat.uid === uid);
  return entry ? Number(entry[0]) : null;
}

export async function guestSlotOf(streamId: string, uid: string): Promise<number | null> {
  return slotOf(normaliseSeats(await readValue(LivePaths.guests(streamId))), uid);
}

/**
 * Frees every slot `uid` holds in the stream and drops their pending ask. Idempotent; true when a
 * slot was freed. Called on leave, removal, kick/ban and by the shared venue clean-up (removeFromVenue).
 */
export async function releaseGuestSlot(streamId: string, uid: string, reason: string): Promise<boolean> {
  let freed = false;
  await transact<Seats>(LivePaths.guests(streamId), (current) => {
    const seats = normaliseSeats(current);
    const slot = slotOf(seats, uid);
    freed = slot !== null;
    if (slot === null) return current;
    delete seats[String(slot)];
    return seats;
  });
  await updateTree({ [LivePaths.guestQueueOf(streamId, uid)]: null });
  if (freed) log.info("guest slot released", { streamId, uid, reason });
  return freed;
}

type SeatOutcome = { kind: "seated"; slot: number; already: boolean } | { kind: "full" };

async function takeSlot(streamId: string, uid: string, slots: number): Promise<SeatOutcome> {
  let outcome: SeatOutcome = { kind: "full" };
  await transact<Seats>(LivePaths.guests(streamId), (current) => {
    const seats = normaliseSeats(current);
    const held = slotOf(seats, uid);
    if (held !== null) {
      outcome = { kind: "seated", slot: held, already: true };
      return current;
    }
    for (let slot = 0; slot < slots; slot++) {
      if (!seats[String(slot)]) {
        seats[String(slot)] = { uid, at: Date.now() };
        outcome = { kind: "seated", slot, already: false };
        return seats;
      }
    }
    outcome = { kind: "full" };
    return current;
  });
  return outcome;
}

async function isMember(streamId: string, uid: string): Promise<boolean> {
  return (await readValue(VenuePaths.member(streamVenue(streamId), uid))) !== null;
}

/** Seats `uid`; re-checks afterwards that the stream is still live and the guest still admitted. */
async function seat(stream: StoredStream, uid: string): Promise<GuestActionResponse> {
  const outcome = await takeSlot(stream.id, uid, stream.guestSlots);
  if (outcome.kind === "full") fail("resource-exhausted", "All guest slots are taken.", { guestSlots: stream.guestSlots });
  const [status, member] = await Promise.all([readValue<string>(LivePaths.status(stream.id)), isMember(stream.id, uid)]);
  if (status !== "live" || !member) {
    // An end or a kick landed meanwhile: undo, so no one sits in an ended stream or outside it.
    await releaseGuestSlot(stream.id, uid, status !== "live" ? "ended" : "not-member");
    fail("failed-precondition", status !== "live" ? "This stream has ended." : "The user is no longer in the stream.");
  }
  await updateTree({ [LivePaths.guestQueueOf(stream.id, uid)]: null });
  if (!outcome.already) {
    const { FieldValue } = firestoreValues();
    await streamRef(stream.id).update({ guestUids: FieldValue.arrayUnion(uid) });
    log.info("guest seated", { streamId: stream.id, uid, slot: outcome.slot });
  }
  return { status: "seated", slot: outcome.slot };
}

async function pending(streamId: string, uid: string): Promise<QueueEntry | null> {
  return readValue<QueueEntry>(LivePaths.guestQueueOf(streamId, uid));
}

function assertHost(caller: Caller, stream: StoredStream): void {
  if (caller.uid !== stream.hostUid) fail("permission-denied", "Only the host manages guests.");
}

async function assertGuestCandidate(stream: StoredStream, uid: string): Promise<void> {
  if (uid === stream.hostUid) fail("failed-precondition", "The host is always on stage.");
  if (stream.guestSlots === 0) fail("failed-precondition", "This stream has no guest slots.");
  if (!(await isMember(stream.id, uid))) fail("failed-precondition", "The user must be in the stream.");
}

/** A viewer asks to go on stage (or accepts the host's standing invite). */
export async function requestGuestSlot(caller: Caller, { streamId }: StreamRefRequest): Promise<GuestActionResponse> {
  const stream = await loadLiveStream(streamId);
  await assertGuestCandidate(stream, caller.uid);
  const held = await guestSlotOf(streamId, caller.uid);
  if (held !== null) return { status: "seated", slot: held };
  if ((await pending(streamId, caller.uid))?.kind === "invite") return seat(stream, caller.uid);
  await updateTree({ [LivePaths.guestQueueOf(streamId, caller.uid)]: { kind: "request", at: serverTimestamp() } });
  return { status: "pending", slot: null };
}

/** The host invites a viewer (or accepts that viewer's standing request). */
export async function inviteGuest(caller: Caller, { streamId, uid }: StreamUserRequest): Promise<GuestActionResponse> {
  const stream = await loadLiveStream(streamId);
  assertHost(caller, stream);
  await assertGuestCandidate(stream, uid);
  const held = await guestSlotOf(streamId, uid);
  if (held !== null) return { status: "seated", slot: held };
  const standing = await pending(streamId, uid);
  if (standing?.kind === "request") return seat(stream, uid);
  // A repeated invite (a retry) keeps the standing one, so the viewer hears of each invitation once.
  let invitedAt = standing?.kind === "invite" ? standing.at : null;
  if (invitedAt === null) {
    await updateTree({ [LivePaths.guestQueueOf(streamId, uid)]: { kind: "invite", at: serverTimestamp() } });
    invitedAt = (await pending(streamId, uid))?.at ?? Date.now();
  }
  await notifyAfterCommit({
    recipient: uid,
    type: "guest-invite",
    actorUid: stream.hostUid,
    data: { streamId, hostUid: stream.hostUid, hostName: stream.hostName ?? "", title: stream.title },
    dedupeKey: `${streamId}:${invitedAt}`,
  });
  return { status: "pending", slot: null };
}

export async function answerGuestRequest(caller: Caller, { streamId, uid, accept }: AnswerGuestRequest): Promise<GuestActionResponse> {
  const stream = await loadLiveStream(streamId);
  assertHost(caller, stream);
  if ((await pending(streamId, uid))?.kind !== "request") fail("failed-precondition", "There is no pending request from this user.");
  if (!accept) {
    await updateTree({ [LivePaths.guestQueueOf(streamId, uid)]: null });
    return { status: "declined", slot: null };
  }
  await assertGuestCandidate(stream, uid);
  return seat(stream, uid);
}

export async function answerGuestInvite(caller: Caller, { streamId, accept }: AnswerGuestInvite): Promise<GuestActionResponse> {
  const stream = await loadLiveStream(streamId);
  if ((await pending(streamId, caller.uid))?.kind !== "invite") fail("failed-precondition", "You have no pending invitation.");
  if (!accept) {
    await updateTree({ [LivePaths.guestQueueOf(streamId, caller.uid)]: null });
    return { status: "declined", slot: null };
  }
  await assertGuestCandidate(stream, caller.uid);
  return seat(stream, caller.uid);
}

export async function leaveGuestSlot(caller: Caller, { streamId }: StreamRefRequest): Promise<GuestActionResponse> {
  // Any status: the end clears the stage anyway, and leaving must not fail for a client catching up.
  await loadStream(streamId);
  const freed = await releaseGuestSlot(streamId, caller.uid, "left");
  // Publish rights go with the slot, which may now seat someone else.
  if (freed) await demoteMediaPublisher(streamVenue(streamId), caller.uid);
  return { status: freed ? "removed" : "none", slot: null };
}

/** The host or a moderator takes a guest off stage (the guest stays in the stream as a viewer). */
export async function removeGuest(caller: Caller, { streamId, uid }: StreamUserRequest): Promise<GuestActionResponse> {
  const stream = await loadLiveStream(streamId);
  if (caller.uid !== stream.hostUid && !isStaff(caller.roles)) fail("permission-denied", "Only the host or a moderator removes guests.");
  const freed = await releaseGuestSlot(streamId, uid, "removed");
  // Even when nothing was freed (a retry): a joined session may still publish. Never the host's.
  if (uid !== stream.hostUid) await demoteMediaPublisher(streamVenue(streamId), uid);
  return { status: freed ? "removed" : "none", slot: null };
}

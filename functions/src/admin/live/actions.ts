/**
 * Staff ending a live venue through the venue's own end path (the staff flag, the audit entry), the host told
 * why. A country-scoped moderator ends only the venues of its countries' hosts (kernel/staff-scope.ts).
 */
import type { Caller } from "../../kernel/guards.js";
import { requireAccountInScope } from "../../kernel/staff-scope.js";
import { loadStream } from "../../live/store.js";
import { endStreamAs } from "../../live/streams.js";
import { notifyAfterCommit } from "../../notifications/after-commit.js";
import { closeRoom } from "../../rooms/lifecycle.js";
import { loadRoom } from "../../rooms/store.js";
import type { StaffCloseRoomRequest, StaffCloseRoomResponse, StaffEndStreamRequest, StaffEndStreamResponse } from "./schema.js";

export async function staffEndStream(caller: Caller, request: StaffEndStreamRequest): Promise<StaffEndStreamResponse> {
  const stream = await loadStream(request.streamId);
  await requireAccountInScope(caller, stream.hostUid);
  const ended = await endStreamAs(
    { uid: caller.uid, staff: true, requestId: request.requestId },
    { streamId: request.streamId, reason: request.reason },
  );
  if (ended.changed && stream.hostUid !== caller.uid) {
    await notifyAfterCommit({
      recipient: stream.hostUid,
      type: "stream-ended-by-staff",
      data: { streamId: request.streamId, reason: request.reason },
      dedupeKey: `${caller.uid}:${request.requestId}`,
    });
  }
  return { streamId: request.streamId, changed: ended.changed };
}

export async function staffCloseRoom(caller: Caller, request: StaffCloseRoomRequest): Promise<StaffCloseRoomResponse> {
  const room = await loadRoom(request.roomId);
  await requireAccountInScope(caller, room.ownerUid);
  const closed = await closeRoom(caller, { roomId: request.roomId }, { reason: request.reason, requestId: request.requestId });
  if (!closed.alreadyClosed && room.ownerUid !== caller.uid) {
    await notifyAfterCommit({
      recipient: room.ownerUid,
      type: "room-closed-by-staff",
      data: { roomId: request.roomId, roomName: room.name, reason: request.reason },
      dedupeKey: `${caller.uid}:${request.requestId}`,
    });
  }
  return closed;
}

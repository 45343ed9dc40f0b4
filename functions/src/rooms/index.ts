/**
 * Voice rooms: what the lead wires in src/index.ts (callables and jobs) and what other parts import
 * (releaseSeatsOf for venues/membership.ts, recordRoomGift for the gift-effects trigger).
 */
export {
  closeRoom,
  createRoom,
  enterRoom,
  getRoom,
  getRoomMediaToken,
  inviteToSeat,
  kickFromRoom,
  kickFromSeat,
  leaveRoom,
  leaveSeat,
  listRoomActivity,
  listRooms,
  lockSeat,
  moveSeat,
  muteMic,
  respondToSeatInvite,
  setRoomAdmin,
  setRoomAnnouncement,
  takeSeat,
  unbanFromRoom,
  unlockSeat,
  unmuteMic,
  updateRoom,
} from "./callables.js";
export { roomsMaintenanceJob, trimRoomActivityJob } from "./jobs.js";
export { recordRoomGift } from "./level.js";
export { releaseSeatsOf } from "./seats.js";

/** Deployable functions of the live-streams domain (wired in functions/src/index.ts). */
export {
  answerGuestInvite,
  answerGuestRequest,
  endStream,
  getStreamMediaToken,
  getStreamRanking,
  inviteGuest,
  joinStream,
  kickFromStream,
  leaveGuestSlot,
  leaveStream,
  listLiveStreams,
  pinStreamMessage,
  removeGuest,
  requestGuestSlot,
  startStream,
  unbanFromStream,
  updateStreamInvites,
} from "./callables.js";
export { sweepLiveStreamsJob } from "./jobs.js";

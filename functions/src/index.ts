/** Wiring only: one export per deployed function. Logic lives in the domain folders. */

export { deleteChatMessage, muteInVenue, unmuteInVenue } from "./chat/callables.js";
export { onChatMessageCreated } from "./chat/triggers.js";
export { deleteMyAccount, exportMyData } from "./gdpr/callables.js";
export { resumeAccountDeletions } from "./gdpr/jobs.js";
// gifts
export { sendGift } from "./gifts/callables.js";
// identity: sign-up/sign-in policy (blocking functions), devices and sessions
export { banAccount, liftBan, listDevices, registerDevice, removeDevice, signOutEverywhere } from "./identity/callables.js";
export { identityBeforeUserCreated, identityBeforeUserSignedIn } from "./identity/triggers.js";
// KYC and GDPR
export { getKycDetails, getMyKyc, reviewKyc, submitKyc } from "./kyc/callables.js";
// live streams: lifecycle, discovery, entry, guests, moderation, rankings; PK battles
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
} from "./live/callables.js";
export { sweepLiveStreamsJob } from "./live/jobs.js";
export { cancelPk, challengePk, respondPk } from "./live/pk/callables.js";
export { pkBattleTimer, sweepPkBattles } from "./live/pk/jobs.js";
// payments
export { createCheckoutSession } from "./payments/callables.js";
export { revenuecatWebhook, stripeWebhook } from "./payments/webhooks.js";
// progression: levels and badges from the ledger, VIP tiers
export { listMyProgression } from "./progression/callables.js";
export { onLedgerTransactionCreated, onUserFollowersChanged } from "./progression/triggers.js";
export { adminGrantVip, purchaseVip } from "./progression/vip/callables.js";
export { expireVipMembershipsJob } from "./progression/vip/jobs.js";
// voice rooms: settings, entry, seats, moderation, activity, levels
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
} from "./rooms/callables.js";
export { roomsMaintenanceJob, trimRoomActivityJob } from "./rooms/jobs.js";
// social graph and profiles
export {
  blockUser,
  followUser,
  getFollowSuggestions,
  listFollowers,
  listFollowing,
  reportContent,
  setUsername,
  unblockUser,
  unfollowUser,
  updateProfile,
} from "./social/callables.js";
// users
export { getMyProfile, setUserRoles } from "./users/callables.js";
export { onAuthUserCreated, onUserProfileCreated } from "./users/triggers.js";

// venues (streams and rooms alike): presence, chat moderation, gift effects
export { sweepVenuePresenceJob } from "./venues/jobs.js";
export { onGiftPostedToVenue, onVenueMemberAdmitted, onVenuePresenceRemoved } from "./venues/triggers.js";
// wallet
export {
  adminAdjustBalance,
  exchangeDiamonds,
  getLedgerHistory,
  requestWithdrawal,
  resellerTransfer,
  reviewBalanceAdjustment,
  reviewWithdrawal,
  runReconciliation,
} from "./wallet/callables.js";
export { foldWalletShards, reconcileLedgerDaily } from "./wallet/jobs.js";

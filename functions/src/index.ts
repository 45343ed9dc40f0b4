/**
 * The deployed functions: each name maps to the module that defines it. A function's instance loads
 * only its own module: the Cloud Functions runtime (and each worker of the functions emulator) sets
 * FUNCTION_TARGET to the function's name. Discovery (FUNCTIONS_CONTROL_API, at deploy and when the
 * emulator lists the functions) and any other load without a known target export every function.
 */
const registry: Record<string, string> = {
  // chat
  deleteChatMessage: "./chat/callables.js",
  muteInVenue: "./chat/callables.js",
  unmuteInVenue: "./chat/callables.js",
  onChatMessageCreated: "./chat/triggers.js",
  // games: provably fair core (client seeds, verification) and responsible limits
  setGameClientSeed: "./games/fairness/callables.js",
  verifyRound: "./games/fairness/callables.js",
  getGameLimits: "./games/limits/callables.js",
  selfExcludeFromGames: "./games/limits/callables.js",
  setGameLimits: "./games/limits/callables.js",
  // games: Teen Patti tables
  createTeenPattiTable: "./games/teenpatti/callables.js",
  leaveTable: "./games/teenpatti/callables.js",
  requestSideShow: "./games/teenpatti/callables.js",
  respondSideShow: "./games/teenpatti/callables.js",
  seeCards: "./games/teenpatti/callables.js",
  sitAtTable: "./games/teenpatti/callables.js",
  teenPattiBet: "./games/teenpatti/callables.js",
  teenPattiPack: "./games/teenpatti/callables.js",
  teenPattiShow: "./games/teenpatti/callables.js",
  reviewTeenPattiCollusion: "./games/teenpatti/jobs.js",
  sweepTeenPattiTables: "./games/teenpatti/jobs.js",
  teenPattiTableTimer: "./games/teenpatti/jobs.js",
  // GDPR
  deleteMyAccount: "./gdpr/callables.js",
  exportMyData: "./gdpr/callables.js",
  resumeAccountDeletions: "./gdpr/jobs.js",
  // gifts
  sendGift: "./gifts/callables.js",
  // identity: sign-up/sign-in policy (blocking functions), devices, sessions, bans
  banAccount: "./identity/callables.js",
  identityBeforeUserCreated: "./identity/triggers.js",
  identityBeforeUserSignedIn: "./identity/triggers.js",
  liftBan: "./identity/callables.js",
  listDevices: "./identity/callables.js",
  registerDevice: "./identity/callables.js",
  removeDevice: "./identity/callables.js",
  signOutEverywhere: "./identity/callables.js",
  // KYC
  getKycDetails: "./kyc/callables.js",
  getMyKyc: "./kyc/callables.js",
  reviewKyc: "./kyc/callables.js",
  submitKyc: "./kyc/callables.js",
  // live streams and PK battles
  answerGuestInvite: "./live/callables.js",
  answerGuestRequest: "./live/callables.js",
  endStream: "./live/callables.js",
  getStreamMediaToken: "./live/callables.js",
  getStreamRanking: "./live/callables.js",
  inviteGuest: "./live/callables.js",
  joinStream: "./live/callables.js",
  kickFromStream: "./live/callables.js",
  leaveGuestSlot: "./live/callables.js",
  leaveStream: "./live/callables.js",
  listLiveStreams: "./live/callables.js",
  pinStreamMessage: "./live/callables.js",
  removeGuest: "./live/callables.js",
  requestGuestSlot: "./live/callables.js",
  startStream: "./live/callables.js",
  unbanFromStream: "./live/callables.js",
  updateStreamInvites: "./live/callables.js",
  sweepLiveStreamsJob: "./live/jobs.js",
  cancelPk: "./live/pk/callables.js",
  challengePk: "./live/pk/callables.js",
  respondPk: "./live/pk/callables.js",
  pkBattleTimer: "./live/pk/jobs.js",
  sweepPkBattles: "./live/pk/jobs.js",
  // payments
  createCheckoutSession: "./payments/callables.js",
  revenuecatWebhook: "./payments/webhooks.js",
  stripeWebhook: "./payments/webhooks.js",
  // progression: levels and badges from the ledger, VIP tiers
  listMyProgression: "./progression/callables.js",
  onLedgerTransactionCreated: "./progression/triggers.js",
  onUserFollowersChanged: "./progression/triggers.js",
  adminGrantVip: "./progression/vip/callables.js",
  purchaseVip: "./progression/vip/callables.js",
  expireVipMembershipsJob: "./progression/vip/jobs.js",
  // voice rooms
  closeRoom: "./rooms/callables.js",
  createRoom: "./rooms/callables.js",
  enterRoom: "./rooms/callables.js",
  getRoom: "./rooms/callables.js",
  getRoomMediaToken: "./rooms/callables.js",
  inviteToSeat: "./rooms/callables.js",
  kickFromRoom: "./rooms/callables.js",
  kickFromSeat: "./rooms/callables.js",
  leaveRoom: "./rooms/callables.js",
  leaveSeat: "./rooms/callables.js",
  listRoomActivity: "./rooms/callables.js",
  listRooms: "./rooms/callables.js",
  lockSeat: "./rooms/callables.js",
  moveSeat: "./rooms/callables.js",
  muteMic: "./rooms/callables.js",
  respondToSeatInvite: "./rooms/callables.js",
  setRoomAdmin: "./rooms/callables.js",
  setRoomAnnouncement: "./rooms/callables.js",
  takeSeat: "./rooms/callables.js",
  unbanFromRoom: "./rooms/callables.js",
  unlockSeat: "./rooms/callables.js",
  unmuteMic: "./rooms/callables.js",
  updateRoom: "./rooms/callables.js",
  roomsMaintenanceJob: "./rooms/jobs.js",
  trimRoomActivityJob: "./rooms/jobs.js",
  // social graph and profiles
  blockUser: "./social/callables.js",
  followUser: "./social/callables.js",
  getFollowSuggestions: "./social/callables.js",
  listFollowers: "./social/callables.js",
  listFollowing: "./social/callables.js",
  reportContent: "./social/callables.js",
  setUsername: "./social/callables.js",
  unblockUser: "./social/callables.js",
  unfollowUser: "./social/callables.js",
  updateProfile: "./social/callables.js",
  // users
  getMyProfile: "./users/callables.js",
  setUserRoles: "./users/callables.js",
  onAuthUserCreated: "./users/triggers.js",
  onUserProfileCreated: "./users/triggers.js",
  // venues (streams and rooms alike): presence, gift effects
  onGiftPostedToVenue: "./venues/triggers.js",
  sweepVenuePresenceJob: "./venues/jobs.js",
  onVenueMemberAdmitted: "./venues/triggers.js",
  onVenuePresenceRemoved: "./venues/triggers.js",
  // wallet
  adminAdjustBalance: "./wallet/callables.js",
  exchangeDiamonds: "./wallet/callables.js",
  getLedgerHistory: "./wallet/callables.js",
  requestWithdrawal: "./wallet/callables.js",
  resellerTransfer: "./wallet/callables.js",
  reviewBalanceAdjustment: "./wallet/callables.js",
  reviewWithdrawal: "./wallet/callables.js",
  runReconciliation: "./wallet/callables.js",
  foldWalletShards: "./wallet/jobs.js",
  reconcileLedgerDaily: "./wallet/jobs.js",
};

function selectedNames(env: NodeJS.ProcessEnv): string[] {
  const target = env.FUNCTION_TARGET;
  if (env.FUNCTIONS_CONTROL_API === "true" || !target || !Object.hasOwn(registry, target)) return Object.keys(registry);
  return [target];
}

const functions: Record<string, unknown> = {};
for (const name of selectedNames(process.env)) {
  functions[name] = (require(registry[name] as string) as Record<string, unknown>)[name];
}

export = functions;

/** Wiring only: one export per deployed function. Logic lives in the domain folders. */

// users
export { getMyProfile, setUserRoles } from "./users/callables.js";
export { onAuthUserCreated, onUserProfileCreated } from "./users/triggers.js";

// wallet
export {
  adminAdjustBalance,
  exchangeDiamonds,
  getLedgerHistory,
  requestWithdrawal,
  resellerTransfer,
  reviewWithdrawal,
  runReconciliation,
} from "./wallet/callables.js";
export { foldWalletShards, reconcileLedgerDaily } from "./wallet/jobs.js";

// gifts
export { sendGift } from "./gifts/callables.js";

// payments
export { createCheckoutSession, revenuecatWebhook, stripeWebhook } from "./payments/index.js";

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

// KYC and GDPR
export { getKycDetails, getMyKyc, reviewKyc, submitKyc } from "./kyc/index.js";
export { deleteMyAccount, exportMyData, resumeAccountDeletions } from "./gdpr/index.js";

// identity: sign-up/sign-in policy (blocking functions), devices and sessions
export { identityBeforeUserCreated, identityBeforeUserSignedIn, listDevices, registerDevice, removeDevice, signOutEverywhere } from "./identity/index.js";

// progression: levels and badges from the ledger, VIP tiers
export { listMyProgression, onLedgerTransactionCreated, onUserFollowersChanged } from "./progression/triggers.js";
export { adminGrantVip, purchaseVip } from "./progression/vipCallables.js";
export { expireVipMembershipsJob } from "./progression/vipJobs.js";

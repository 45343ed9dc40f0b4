/**
 * Where personal data lives, as other domains write it: what export.ts bundles and deletion.ts removes.
 */
export const PersonalDataLocations = {
  /** gdprDeletions/{uid}: the account-deletion state machine (server only). */
  gdprDeletions: "gdprDeletions",
  /** usernames/{lowercase}: { uid, username } (social domain). */
  usernames: "usernames",
  /** reports/{id}: { reporterUid, ... } (social domain). */
  reports: "reports",
  /** users/{uid}/following/{target} and users/{target}/followers/{uid} (social domain). */
  following: "following",
  followers: "followers",
  /** users/{uid}/devices/{deviceId} (identity domain). */
  devices: "devices",
  /** users/{uid}/notifications/{id} (notify domain). */
  notifications: "notifications",
  /** chatArchive/{venueKey}/messages/{messageId}: { uid, venueKey, text, createdAt, moderation } (chat domain). */
  chatMessages: "messages",
} as const;

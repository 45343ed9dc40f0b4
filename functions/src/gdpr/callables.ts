/** How the GDPR domain is reached by the apps. */
import "../composition.js";
import { defineCallable } from "../kernel/callable.js";
import { KYC_ENCRYPTION_KEY } from "../kyc/config.js";
import { LIVEKIT_API_SECRET } from "../media/tokens.js";
import { runAccountDeletion } from "./deletion.js";
import { exportMyData as buildAndDeliverExport } from "./export.js";
import { DeleteMyAccountRequestSchema, ExportMyDataRequestSchema } from "./schema.js";

export const exportMyData = defineCallable({
  name: "gdpr.exportMyData",
  input: ExportMyDataRequestSchema,
  // An export reads everything the user has: a few per hour is plenty.
  rateLimit: { perUid: { tokens: 5, windowSeconds: 3600 } },
  // The export decrypts the caller's own KYC data.
  options: { secrets: [KYC_ENCRYPTION_KEY], timeoutSeconds: 120, memory: "512MiB" },
  handler: ({ caller }) => buildAndDeliverExport(caller),
});

export const deleteMyAccount = defineCallable({
  name: "gdpr.deleteMyAccount",
  input: DeleteMyAccountRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 3600 } },
  // Deletion ends the user's streams, closes their rooms and removes them from venues (media sessions too).
  options: { secrets: [LIVEKIT_API_SECRET], timeoutSeconds: 300 },
  handler: ({ caller }) => runAccountDeletion(caller.uid),
});

/** How the KYC domain is reached by the apps (users) and the back office (moderators, admins). */
import { defineCallable } from "../kernel/callable.js";
import { KYC_ENCRYPTION_KEY } from "./config.js";
import { GetKycDetailsRequestSchema, GetMyKycRequestSchema, ReviewKycRequestSchema, SubmitKycRequestSchema } from "./schema.js";
import * as service from "./verification.js";

const withKey = { secrets: [KYC_ENCRYPTION_KEY] };

export const submitKyc = defineCallable({
  name: "kyc.submit",
  input: SubmitKycRequestSchema,
  // Generous enough for typos in a form, tight enough to stop enumeration of document numbers.
  rateLimit: { perUid: { tokens: 30, windowSeconds: 3600 } },
  options: withKey,
  handler: ({ caller, data }) => service.submitKyc(caller, data),
});

export const getMyKyc = defineCallable({
  name: "kyc.getMine",
  input: GetMyKycRequestSchema,
  options: withKey,
  handler: ({ caller }) => service.getMyKyc(caller),
});

export const reviewKyc = defineCallable({
  name: "kyc.review",
  input: ReviewKycRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => service.reviewKyc(caller, data),
});

export const getKycDetails = defineCallable({
  name: "kyc.getDetails",
  input: GetKycDetailsRequestSchema,
  roles: ["moderator"],
  // Bulk scraping of personal data should hit a wall quickly even for staff.
  rateLimit: { perUid: { tokens: 60, windowSeconds: 3600 } },
  options: withKey,
  handler: ({ caller, data }) => service.getKycDetails(caller, data),
});

/** How phones get an upload URL for an image or a video. */
import { defineCallable } from "../../kernel/callable.js";
import { requestMediaUpload as issueUploadUrl } from "./requests.js";
import { RequestMediaUploadRequestSchema } from "./schema.js";

/** A generous posting session (a post of ten images, a few stories) fits; a scraper filling the bucket does not. */
export const UPLOAD_REQUESTS_PER_HOUR = 60;

export const requestMediaUpload = defineCallable({
  name: "media.requestUpload",
  input: RequestMediaUploadRequestSchema,
  rateLimit: { perUid: { tokens: UPLOAD_REQUESTS_PER_HOUR, windowSeconds: 3600 } },
  handler: ({ caller, data }) => issueUploadUrl(caller, data),
});

/** How phones get an upload URL for an image or a video. */
import { defineCallable } from "../../kernel/callable.js";
import { requestMediaUpload as issueUploadUrl } from "./requests.js";
import { RequestMediaUploadRequestSchema } from "./schema.js";

export const requestMediaUpload = defineCallable({
  name: "media.requestUpload",
  input: RequestMediaUploadRequestSchema,
  // A generous posting session (a post of ten images, a few stories) fits; a scraper filling the bucket does not.
  rateLimit: { perUid: { tokens: 60, windowSeconds: 3600 } },
  handler: ({ caller, data }) => issueUploadUrl(caller, data),
});

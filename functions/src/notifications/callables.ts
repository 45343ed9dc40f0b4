/** How the notifications domain is reached by the apps and the admin console. */
import { defineCallable } from "../kernel/callable.js";
import { SendAnnouncementRequestSchema } from "./schema.js";
import * as topics from "./topics.js";

export const sendAnnouncement = defineCallable({
  name: "notifications.sendAnnouncement",
  input: SendAnnouncementRequestSchema,
  roles: ["admin"],
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => topics.sendAnnouncement(caller, data),
});

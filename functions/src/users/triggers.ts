/** Event-driven entry points of the users domain; each is idempotent on its event id. */
import * as functionsV1 from "firebase-functions/v1";
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { bootstrapUserOnCreate, countNewUser } from "./accounts.js";

/** Auth has no v2 "user created" event (only blocking functions), so this one stays on the v1 API. */
export const onAuthUserCreated = functionsV1
  .region(REGION)
  .auth.user()
  .onCreate(async (user, context) => {
    await bootstrapUserOnCreate(user, context.eventId);
  });

export const onUserProfileCreated = onDocumentCreated({ document: `${Collections.users}/{uid}`, region: REGION }, async (event) => {
  await countNewUser(event.id);
});

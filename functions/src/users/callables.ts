/** How the users domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import * as service from "./accounts.js";
import { GetMyProfileRequestSchema, SetUserRolesRequestSchema } from "./schema.js";

export const getMyProfile = defineCallable({
  name: "users.getMyProfile",
  input: GetMyProfileRequestSchema,
  handler: ({ caller }) => service.getMyProfile(caller),
});

export const setUserRoles = defineCallable({
  name: "users.setUserRoles",
  input: SetUserRolesRequestSchema,
  roles: ["admin"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => service.setUserRoles(caller, data),
});

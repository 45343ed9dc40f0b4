/** How the identity domain is reached by the apps and by moderators. */
// A ban takes the account out of live venues, through the adapters composition.ts registers.
import "../composition.js";
import { defineCallable } from "../kernel/callable.js";
import * as bans from "./bans.js";
import * as devices from "./devices.js";
import {
  BanAccountRequestSchema,
  LiftBanRequestSchema,
  ListDevicesRequestSchema,
  RegisterDeviceRequestSchema,
  RemoveDeviceRequestSchema,
  SignOutEverywhereRequestSchema,
} from "./schema.js";

export const registerDevice = defineCallable({
  name: "identity.registerDevice",
  input: RegisterDeviceRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => devices.registerDevice(caller, data),
});

export const listDevices = defineCallable({
  name: "identity.listDevices",
  input: ListDevicesRequestSchema,
  handler: ({ caller }) => devices.listDevices(caller),
});

/** Sensitive: removing a device must not work from a session that was signed out. */
export const removeDevice = defineCallable({
  name: "identity.removeDevice",
  input: RemoveDeviceRequestSchema,
  verifySession: true,
  handler: ({ caller, data }) => devices.removeDevice(caller, data),
});

export const signOutEverywhere = defineCallable({
  name: "identity.signOutEverywhere",
  input: SignOutEverywhereRequestSchema,
  verifySession: true,
  rateLimit: { perUid: { tokens: 5, windowSeconds: 60 } },
  handler: ({ caller }) => devices.signOutEverywhere(caller),
});

export const banAccount = defineCallable({
  name: "identity.banAccount",
  input: BanAccountRequestSchema,
  roles: ["moderator"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => bans.banAccount(caller, data),
});

export const liftBan = defineCallable({
  name: "identity.liftBan",
  input: LiftBanRequestSchema,
  roles: ["moderator"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => bans.liftBan(caller, data),
});

/** How the identity domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import * as devices from "./devices.js";
import { requireFreshToken } from "./fresh-token.js";
import {
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

/** Sensitive: removing a device must not work with a token from a session that was signed out. */
export const removeDevice = defineCallable({
  name: "identity.removeDevice",
  input: RemoveDeviceRequestSchema,
  handler: async ({ caller, data, request }) => {
    await requireFreshToken(request);
    return devices.removeDevice(caller, data);
  },
});

export const signOutEverywhere = defineCallable({
  name: "identity.signOutEverywhere",
  input: SignOutEverywhereRequestSchema,
  rateLimit: { perUid: { tokens: 5, windowSeconds: 60 } },
  handler: async ({ caller, request }) => {
    await requireFreshToken(request);
    return devices.signOutEverywhere(caller);
  },
});

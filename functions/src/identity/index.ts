/** The identity domain's deployable functions (wired into functions/src/index.ts by the lead). */
export { identityBeforeUserCreated, identityBeforeUserSignedIn } from "./blocking.js";
export { banAccount, liftBan, listDevices, registerDevice, removeDevice, signOutEverywhere } from "./callables.js";

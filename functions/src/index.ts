/** Wiring only: one export per deployed function. Logic lives in the domain folders. */
export { getMyProfile, setUserRoles } from "./users/callables.js";
export { onAuthUserCreated, onUserProfileCreated } from "./users/triggers.js";

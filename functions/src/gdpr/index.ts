/** Deployable functions of the GDPR domain (wired in functions/src/index.ts). */
export { deleteMyAccount, exportMyData, resumeAccountDeletions } from "./callables.js";

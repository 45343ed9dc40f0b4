/** Deployable functions of the KYC domain (wired in functions/src/index.ts). */
export { getKycDetails, getMyKyc, reviewKyc, submitKyc } from "./callables.js";

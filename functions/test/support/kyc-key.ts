/** The test key for KYC encryption (32 bytes, base64). Deployed functions get theirs from Secret Manager. */
export const TEST_KYC_KEY = "S1lDLXRlc3Qta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=";
process.env.KYC_ENCRYPTION_KEY ??= TEST_KYC_KEY;

/** The KYC domain's params. The key is a secret: it never sits in .env files or in the repository. */
import { defineSecret } from "firebase-functions/params";

/**
 * AES-256 key for KYC personal data: 32 random bytes, base64 (`openssl rand -base64 32`).
 * Set with `firebase functions:secrets:set KYC_ENCRYPTION_KEY`; locally in functions/.secret.local.
 */
export const KYC_ENCRYPTION_KEY = defineSecret("KYC_ENCRYPTION_KEY");

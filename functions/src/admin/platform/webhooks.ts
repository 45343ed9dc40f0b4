/** The platform's plain HTTP endpoints: GET /health (health.ts). */
import { onRequest } from "firebase-functions/v2/https";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../../kernel/config.js";
import { answerHealth } from "./health.js";

// The Redis check needs the token: undeclared, the client would be unconfigured and the check skipped.
export const health = onRequest({ region: REGION, timeoutSeconds: 10, secrets: [UPSTASH_REDIS_REST_TOKEN] }, async (request, response) => {
  const { status, body } = await answerHealth(request);
  response.status(status).set("Cache-Control", "no-store").json(body);
});

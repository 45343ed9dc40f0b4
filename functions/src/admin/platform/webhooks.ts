/** The platform's plain HTTP endpoints: GET /health (health.ts). */
import { onRequest } from "firebase-functions/v2/https";
import { REGION } from "../../kernel/config.js";
import { answerHealth } from "./health.js";

export const health = onRequest({ region: REGION, timeoutSeconds: 10 }, async (request, response) => {
  const { status, body } = await answerHealth(request);
  response.status(status).set("Cache-Control", "no-store").json(body);
});

/**
 * Standalone verifier of a Greedy round or a Teen Patti hand: reads the public round record (the `record`
 * of a verifyRound response, or that whole response) as JSON from a file argument or stdin, recomputes the
 * outcome from the revealed server seed and prints it with OK or MISMATCH. Needs no Firebase, no network.
 *
 *   npx tsx functions/scripts/verify-round.ts round.json
 *   npx tsx functions/scripts/verify-round.ts < round.json
 *
 * Exit status: 0 verified, 1 mismatch (commitment or outcome), 2 unusable input (not JSON, not a round
 * record, seed not revealed yet).
 */
import { readFileSync } from "node:fs";
import { PublicRoundRecordSchema } from "../src/games/fairness/record.js";
import { verifyPublicRecord } from "../src/games/fairness/verify.js";

function unusable(message: string): never {
  console.error(`verify-round: ${message}`);
  process.exit(2);
}

const [file] = process.argv.slice(2);
let input: unknown;
try {
  input = JSON.parse(readFileSync(file ?? 0, "utf8"));
} catch (err) {
  unusable(`cannot read a JSON round record from ${file ?? "stdin"}: ${(err as Error).message}`);
}
const candidate = typeof input === "object" && input !== null && "record" in input ? (input as { record: unknown }).record : input;
const parsed = PublicRoundRecordSchema.safeParse(candidate);
if (!parsed.success) unusable(`not a public round record: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
const record = parsed.data;
const result = verifyPublicRecord(record);
if (!result.revealed) unusable("the server seed is not revealed yet (the round or hand is not over)");

const { fairness } = record;
console.log(`game:        ${record.game}${record.id ? ` ${record.id}` : ""}`);
console.log(`algorithm:   ${fairness.algorithm}`);
console.log(`commitment:  ${fairness.commitment} ${result.commitmentMatches ? "= sha256(serverSeed)" : "!= sha256(serverSeed)"}`);
console.log(`serverSeed:  ${fairness.serverSeed}`);
console.log(`clientSeed:  ${fairness.clientSeed}`);
console.log(`nonce:       ${fairness.nonce}`);
if (result.outcome.game === "greedy" && record.game === "greedy") {
  console.log(`recomputed:  winning item ${result.outcome.winningIndex} (weights ${record.weights.join(",")})`);
  console.log(`recorded:    winning item ${record.winningIndex}`);
} else if (result.outcome.game === "teenpatti" && record.game === "teenpatti") {
  console.log(`deck:        ${result.outcome.deck.join(" ")}`);
  console.log(`recomputed:  ${result.outcome.hands.map((hand) => hand.join(" ")).join(" | ")}`);
  console.log(`recorded:    ${record.hands.map((hand) => hand.join(" ")).join(" | ")}`);
}
console.log(result.verified ? "OK" : `MISMATCH (${result.commitmentMatches ? "outcome differs" : "commitment differs"})`);
process.exit(result.verified ? 0 : 1);

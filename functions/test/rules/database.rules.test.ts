import assert from "node:assert/strict";
import { get, ref, set, update } from "firebase/database";
import { denied, useRtdbClients } from "../support/rules.js";
import { useCleanStack } from "../support/stack.js";

describe("rules: database.rules.json", () => {
  useCleanStack();
  const client = useRtdbClients();

  const presence = { state: "online", lastChanged: 1_700_000_000_000 };

  it("a user writes their own presence and nobody else's", async () => {
    await set(ref(client("alice"), "status/alice"), presence);
    await denied(set(ref(client("alice"), "status/bob"), presence));
    await denied(set(ref(client(null), "status/alice"), presence));
  });

  it("presence must have the expected shape", async () => {
    const alice = client("alice");
    await denied(set(ref(alice, "status/alice"), { state: "dancing", lastChanged: 1 }));
    await denied(set(ref(alice, "status/alice"), { state: "online" }));
    await denied(set(ref(alice, "status/alice"), { ...presence, coins: 100 }));
    await denied(update(ref(alice, "status/alice"), { lastChanged: "yesterday" }));
  });

  it("signed-in users read presence and rooms; anonymous users do not", async () => {
    await set(ref(client("alice"), "status/alice"), presence);
    const snapshot = await get(ref(client("bob"), "status/alice"));
    assert.deepEqual(snapshot.val(), presence);
    await denied(get(ref(client(null), "status/alice")));
    await denied(get(ref(client(null), "rooms/r1")));
  });

  it("clients never write rooms (seats are the server's) and nothing outside the listed paths", async () => {
    const alice = client("alice");
    await denied(set(ref(alice, "rooms/r1/seats/0"), { uid: "alice" }));
    await denied(set(ref(alice, "wallets/alice"), { coins: 1_000_000 }));
    await denied(get(ref(alice, "/")));
  });
});

import assert from "node:assert/strict";
import { FCM_STANDIN_ACCESS_TOKEN, type FcmStandIn, startFcmStandIn } from "../../src/fcm/server.js";
import { evaluateCondition } from "../../src/fcm/validate.js";

describe("devstack: the FCM stand-in answers like FCM HTTP v1 and the Instance ID API", () => {
  let standIn: FcmStandIn;
  before(async () => {
    standIn = await startFcmStandIn();
  });
  after(() => standIn.close());
  beforeEach(() => standIn.clear());

  const post = (path: string, body: unknown, token = FCM_STANDIN_ACCESS_TOKEN) =>
    fetch(`${standIn.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const send = (message: unknown) => post("/v1/projects/demo-x/messages:send", { message });

  it("accepts a token message, answers its name and records it", async () => {
    const response = await send({ token: "token-abcdefgh", notification: { title: "t", body: "b" }, data: { a: "1" } });
    assert.equal(response.status, 200);
    const { name } = (await response.json()) as { name: string };
    assert.match(name, /^projects\/demo-x\/messages\/.+/);
    assert.deepEqual(
      standIn.messages.map((m) => [m.name, m.deliveredTo]),
      [[name, ["token-abcdefgh"]]],
    );
  });

  it("refuses a wrong bearer token with 401 UNAUTHENTICATED", async () => {
    const response = await post("/v1/projects/demo-x/messages:send", { message: { token: "token-abcdefgh" } }, "other");
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: { status: string } }).error.status, "UNAUTHENTICATED");
  });

  it("refuses with 400 INVALID_ARGUMENT: no target, two targets, a malformed token, non-string data, unknown fields", async () => {
    const bad = [
      { notification: { title: "t" } },
      { token: "token-abcdefgh", topic: "news" },
      { token: "bad token" },
      { token: "token-abcdefgh", data: { n: 1 } },
      { token: "token-abcdefgh", android: { priority: "urgent" } },
      { token: "token-abcdefgh", apns: { payload: { aps: { badge: -1 } } } },
      { token: "token-abcdefgh", extra: true },
      { condition: "'a' in topics &&" },
    ];
    for (const message of bad) {
      const response = await send(message);
      assert.equal(response.status, 400, JSON.stringify(message));
      const body = (await response.json()) as { error: { status: string; details: { errorCode?: string }[] } };
      assert.equal(body.error.status, "INVALID_ARGUMENT");
      assert.equal(body.error.details[0]?.errorCode, "INVALID_ARGUMENT");
    }
    assert.equal(standIn.messages.length, 0);
  });

  it("answers 404 with FCM's UNREGISTERED body for a token marked unregistered", async () => {
    await fetch(`${standIn.url}/control/unregistered`, { method: "POST", body: JSON.stringify({ tokens: ["token-gone-123"] }) });
    const response = await send({ token: "token-gone-123", notification: { title: "t" } });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      error: {
        code: 404,
        message: "Requested entity was not found.",
        status: "NOT_FOUND",
        details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "UNREGISTERED" }],
      },
    });
  });

  it("keeps topic members through batchAdd/batchRemove and delivers topic and condition messages to them", async () => {
    const add = await post("/iid/v1:batchAdd", { to: "/topics/country-IN", registration_tokens: ["token-a-123", "token-b-123", "x y"] });
    assert.deepEqual(await add.json(), { results: [{}, {}, { error: "INVALID_ARGUMENT" }] });
    await post("/iid/v1:batchAdd", { to: "/topics/lang-hi", registration_tokens: ["token-a-123"] });
    await post("/iid/v1:batchRemove", { to: "/topics/country-IN", registration_tokens: ["token-b-123"] });
    const topics = await (await fetch(`${standIn.url}/control/topics`)).json();
    assert.deepEqual(topics, { topics: { "country-IN": ["token-a-123"], "lang-hi": ["token-a-123"] } });

    await send({ topic: "country-IN", notification: { title: "t" } });
    await send({ condition: "'country-IN' in topics && !('lang-hi' in topics)", notification: { title: "t" } });
    assert.deepEqual(
      standIn.messages.map((m) => m.deliveredTo),
      [["token-a-123"], []],
    );
  });

  it("evaluates conditions with &&, ||, ! and parentheses", () => {
    const member = (topic: string) => topic === "a" || topic === "c";
    assert.equal(evaluateCondition("'a' in topics && 'b' in topics", member), false);
    assert.equal(evaluateCondition("'a' in topics && ('b' in topics || 'c' in topics)", member), true);
    assert.equal(evaluateCondition("!('a' in topics) || 'b' in topics", member), false);
  });
});

import assert from "node:assert/strict";
import { conversationIdOf } from "../../src/messages/store.js";
import { collapseKeyOf } from "../../src/notifications/sending.js";
import { TEMPLATES } from "../../src/notifications/templates.js";

describe("messages: conversation ids and the push collapse key (unit)", () => {
  it("a pair of users has one conversation id, whichever of them writes first", () => {
    assert.equal(conversationIdOf("bob", "ann"), "ann__bob");
    assert.equal(conversationIdOf("ann", "bob"), "ann__bob");
    assert.notEqual(conversationIdOf("ann", "bob"), conversationIdOf("ann", "bo"));
  });

  it("dm-message pushes collapse per conversation, other types on their fixed key", () => {
    const dm = TEMPLATES["dm-message"].push;
    assert.equal(collapseKeyOf(dm.collapseKey as string, dm.collapseParam, { conversationId: "ann__bob", preview: "hi" }), "dm-ann__bob");
    assert.notEqual(
      collapseKeyOf(dm.collapseKey as string, dm.collapseParam, { conversationId: "ann__bob" }),
      collapseKeyOf(dm.collapseKey as string, dm.collapseParam, { conversationId: "ann__cat" }),
    );
    assert.equal(collapseKeyOf("pk", undefined, { conversationId: "x" }), "pk");
  });
});

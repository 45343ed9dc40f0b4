import assert from "node:assert/strict";
import { parseHashtags, parseMentions } from "../../src/posts/post-text.js";

describe("posts: hashtags and mentions in text (unit)", () => {
  it("hashtags are normalised, distinct, in order, and only at word boundaries", () => {
    assert.deepEqual(parseHashtags("#Sunset at the #beach, #SUNSET again #Café #café", 30), ["sunset", "beach", "café"]);
    assert.deepEqual(parseHashtags("no tag: a#b, AT&#39;T, #1 and #2024 but #top10", 30), ["top10"]);
    assert.deepEqual(parseHashtags("#ｆｕｌｌ width #ｆｕｌｌ", 30), ["full"]);
    assert.deepEqual(parseHashtags("#a #b #c #d", 2), ["a", "b"]);
    assert.deepEqual(parseHashtags("#日本 #música", 30), ["日本", "música"]);
  });

  it("mentions are lowercase usernames, distinct, without a sentence's final dot, and not inside e-mail addresses", () => {
    assert.deepEqual(parseMentions("hi @Luna and @mia_2. and @luna again", 20), ["luna", "mia_2"]);
    assert.deepEqual(parseMentions("mail me at bob@example.com, @ab is too short, @x.y.z ok", 20), ["x.y.z"]);
    assert.deepEqual(parseMentions("@aaa @bbb @ccc", 2), ["aaa", "bbb"]);
    assert.deepEqual(parseMentions("@aaa", 0), []);
    assert.deepEqual(parseMentions("@waytoolongusername_123", 20), []);
  });
});

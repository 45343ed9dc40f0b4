import assert from "node:assert/strict";
import { sniffContentType } from "../../src/media/uploads/magic-bytes.js";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "latin1") : Buffer.from(part)))));

describe("media uploads: the type of a file from its bytes (unit)", () => {
  it("recognises the accepted image and video containers by their signatures", () => {
    assert.equal(sniffContentType(bytes([0xff, 0xd8, 0xff, 0xe0], "JFIF")), "image/jpeg");
    assert.equal(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "IHDR")), "image/png");
    assert.equal(sniffContentType(bytes("GIF89a", [1, 0, 1, 0])), "image/gif");
    assert.equal(sniffContentType(bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ")), "image/webp");
    assert.equal(sniffContentType(bytes([0, 0, 0, 0x20], "ftypisom", [0, 0, 2, 0])), "video/mp4");
    assert.equal(sniffContentType(bytes([0, 0, 0, 0x14], "ftypqt  ", [0, 0, 2, 0])), "video/quicktime");
    assert.equal(sniffContentType(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f], "B")), "video/webm");
  });

  it("recognises nothing else: text, HTML, a RIFF that is not WebP, an ISO file of another brand, too few bytes", () => {
    assert.equal(sniffContentType(bytes("hello, this is not an image")), null);
    assert.equal(sniffContentType(bytes("<svg xmlns='http://www.w3.org/2000/svg'/>")), null);
    assert.equal(sniffContentType(bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt ")), null);
    assert.equal(sniffContentType(bytes([0, 0, 0, 0x18], "ftypheic", [0, 0, 0, 0])), null);
    assert.equal(sniffContentType(bytes([0xff, 0xd8])), null);
    assert.equal(sniffContentType(new Uint8Array()), null);
  });
});

import assert from "node:assert/strict";
import { buildExportRequest, exportFirestore } from "../../../src/admin/platform/backup.js";

describe("admin/platform: daily Firestore export (unit)", () => {
  it("exports every collection of the default database under a dated prefix of the bucket", () => {
    const at = new Date(Date.UTC(2026, 11, 5, 3, 0, 7, 123));
    assert.deepEqual(buildExportRequest("prod-project", "prod-backups", at), {
      name: "projects/prod-project/databases/(default)",
      outputUriPrefix: "gs://prod-backups/firestore/2026-12-05T03-00-07Z",
      collectionIds: [],
    });
  });

  it("accepts the bucket written as a gs:// address, with or without a trailing slash", () => {
    const at = new Date(Date.UTC(2026, 0, 1));
    assert.equal(buildExportRequest("p", "gs://b/", at).outputUriPrefix, "gs://b/firestore/2026-01-01T00-00-00Z");
  });

  it("skips the export when BACKUP_BUCKET is empty (the local stack)", async () => {
    const saved = process.env.BACKUP_BUCKET;
    process.env.BACKUP_BUCKET = "";
    try {
      assert.deepEqual(await exportFirestore(), { outcome: "skipped" });
    } finally {
      if (saved === undefined) delete process.env.BACKUP_BUCKET;
      else process.env.BACKUP_BUCKET = saved;
    }
  });
});

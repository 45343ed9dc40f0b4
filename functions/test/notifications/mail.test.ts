import assert from "node:assert/strict";
import { sendMail } from "../../src/notifications/mail.js";
import { caughtMail } from "../support/delivery.js";
import { useCleanStack } from "../support/stack.js";

describe("notifications: e-mail through nodemailer to the stack's SMTP catcher", () => {
  useCleanStack();

  it("delivers subject, text and html to the recipient, from MAIL_FROM", async () => {
    await sendMail({
      to: "mia@example.com",
      subject: "Withdrawal paid",
      text: "Your 100 USD are on their way.",
      html: "<p>Your 100 USD are on their way.</p>",
    });
    const [mail, ...rest] = await caughtMail("mia@example.com");
    assert.equal(rest.length, 0);
    assert.equal(mail?.subject, "Withdrawal paid");
    assert.equal(mail?.text.trim(), "Your 100 USD are on their way.");
    assert.equal(mail?.html?.trim(), "<p>Your 100 USD are on their way.</p>");
    assert.equal(mail?.from, "no-reply@demo.live");
  });

  it("throws when the SMTP server cannot be reached", async () => {
    const port = process.env.SMTP_PORT;
    process.env.SMTP_PORT = "1";
    try {
      await assert.rejects(sendMail({ to: "mia@example.com", subject: "x", text: "y" }), /ECONNREFUSED|connect/i);
    } finally {
      process.env.SMTP_PORT = port;
    }
    assert.deepEqual(await caughtMail(), []);
  });
});

/**
 * E-mail through SMTP (nodemailer). Production settings are params and a secret; the local stack points
 * SMTP_HOST/SMTP_PORT at its SMTP catcher (devstack/src/smtp), which takes any login.
 */
import { defineInt, defineSecret, defineString } from "firebase-functions/params";
import type { Transporter } from "nodemailer";

export const SMTP_HOST = defineString("SMTP_HOST", { default: "localhost", description: "SMTP server for outgoing e-mail" });
export const SMTP_PORT = defineInt("SMTP_PORT", { default: 587, description: "SMTP port (465: implicit TLS; otherwise STARTTLS when offered)" });
export const SMTP_USER = defineString("SMTP_USER", { default: "", description: "SMTP login; empty sends without authentication" });
/** Declare in a function's `secrets` to use it there. */
export const SMTP_PASSWORD = defineSecret("SMTP_PASSWORD");
export const MAIL_FROM = defineString("MAIL_FROM", {
  default: "Notifications <no-reply@example.invalid>",
  description: "From address of every e-mail",
});

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

const SEND_TIMEOUT_MS = 15_000;

let transporter: { key: string; transport: Transporter } | undefined;

function smtpTransport(): Transporter {
  const host = SMTP_HOST.value();
  const port = SMTP_PORT.value();
  const user = SMTP_USER.value();
  const key = `${host}:${port}:${user}`;
  if (transporter?.key !== key) {
    const nodemailer = require("nodemailer") as typeof import("nodemailer");
    const transport = nodemailer.createTransport({
      host,
      port,
      secure: port === 465,
      auth: user ? { user, pass: SMTP_PASSWORD.value() } : undefined,
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    });
    transporter = { key, transport };
  }
  return transporter.transport;
}

/** Sends one e-mail; throws when the server refuses it or cannot be reached (the caller retries). */
export async function sendMail(mail: Mail): Promise<void> {
  await smtpTransport().sendMail({ from: MAIL_FROM.value(), to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
}

import assert from "node:assert/strict";
import { NotificationTypeSchema } from "../../src/notifications/schema.js";
import { LANGUAGES, languageOf, renderNotification, TEMPLATES } from "../../src/notifications/templates.js";

/** One value per declared parameter, each distinct so the rendered text shows where it went. */
function sampleData(params: readonly string[]): Record<string, string> {
  return Object.fromEntries(params.map((name) => [name, `<${name}>`]));
}

const PLACEHOLDER = /\{[a-zA-Z][a-zA-Z0-9]*\}/;

describe("notifications: templates (unit)", () => {
  for (const type of NotificationTypeSchema.options) {
    for (const language of LANGUAGES) {
      it(`renders ${type} in ${language} with every placeholder filled`, () => {
        const template = TEMPLATES[type];
        const rendered = renderNotification(type, language, sampleData(template.params));
        for (const text of [rendered.title, rendered.body, rendered.deepLink]) {
          assert.doesNotMatch(text, PLACEHOLDER);
          assert.ok(text.trim().length > 0);
        }
        assert.match(rendered.deepLink, /^app:\/\/[a-z]/);
        assert.ok(template.channels.includes("inbox"), "the inbox is always a channel");
        if (template.aggregated) {
          for (const count of [2, 3, 5, 13, 150]) {
            const summary = renderNotification(type, language, sampleData(template.params), { count, actorName: "Mia" });
            assert.doesNotMatch(`${summary.title} ${summary.body}`, PLACEHOLDER);
            assert.match(summary.body, /Mia/);
          }
        }
      });
    }
    it(`${type} uses every declared parameter and refuses to render without one`, () => {
      const template = TEMPLATES[type];
      const rendered = renderNotification(type, "en", sampleData(template.params));
      const allLanguages = LANGUAGES.map((language) => renderNotification(type, language, sampleData(template.params)));
      for (const name of template.params)
        assert.ok(
          allLanguages.some((r) => `${r.title} ${r.body} ${decodeURIComponent(r.deepLink)}`.includes(`<${name}>`)),
          `${name} is declared but used nowhere`,
        );
      assert.ok(rendered.title.length > 0);
      for (const missing of template.params) {
        const data = sampleData(template.params.filter((name) => name !== missing));
        assert.throws(() => renderNotification(type, "en", data), new RegExp(`\\{${missing}\\}`));
      }
    });
  }

  it("names one gifter and counts the others, with the plural form of each language", () => {
    const data = { senderName: "Mia", giftName: "Rose" };
    assert.equal(renderNotification("gift-received", "en", data, { count: 13, actorName: "Mia" }).body, "Mia and 12 others sent you gifts");
    assert.equal(renderNotification("gift-received", "en", data, { count: 2, actorName: "Mia" }).body, "Mia and 1 other sent you gifts");
    assert.equal(renderNotification("gift-received", "ar", data, { count: 3, actorName: "Mia" }).body, "Mia وشخصان آخران أرسلوا لك هدايا");
    assert.equal(renderNotification("gift-received", "ar", data, { count: 13, actorName: "Mia" }).body, "Mia و12 شخصًا آخر أرسلوا لك هدايا");
    assert.equal(renderNotification("gift-received", "hi", data, { count: 13, actorName: "Mia" }).body, "Mia और 12 अन्य ने आपको उपहार भेजे");
    assert.equal(renderNotification("gift-received", "en", data, { count: 1, actorName: "Mia" }).body, "Mia sent you Rose");
  });

  it("falls back from a regional tag to its language and from an unknown language to English", () => {
    assert.equal(languageOf("ar-EG"), "ar");
    assert.equal(languageOf("hi_IN"), "hi");
    assert.equal(languageOf("fr"), "en");
    assert.equal(languageOf(undefined), "en");
    assert.equal(renderNotification("level-up", "ar-EG", { level: 7 }).body, "تهانينا، لقد وصلت إلى المستوى 7");
    assert.equal(renderNotification("level-up", "de-DE", { level: 7 }).body, "Congratulations, you reached level 7");
  });

  it("builds the deep link from the data, escaped", () => {
    assert.equal(renderNotification("go-live", "en", { hostName: "Ana", streamId: "s/1 2" }).deepLink, "app://stream/s%2F1%202");
    assert.equal(renderNotification("withdrawal-paid", "en", { amount: "$10", withdrawalId: "w1" }).deepLink, "app://wallet/withdrawals/w1");
  });
});

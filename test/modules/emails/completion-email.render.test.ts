import { formatHours, plainText, renderCompletionEmail } from "../../../src/modules/emails/completion-email.render.js";
import { loadCompletionTemplates } from "../../../src/modules/emails/completion-email.templates.js";
import { completionMessageId, completionRecipients } from "../../../src/modules/emails/completion-email.usecases.js";

const input = {
  accountLogin: "acme",
  windowDays: 30,
  statusUrl: "https://pr-sync.example.com/status/installations/1",
  headline: {
    opened: 1234,
    merged: 1000,
    closedUnmerged: 12,
    reviews: 2001,
    medianCycleHours: 0.25,
    medianFirstReviewHours: 50,
  },
  repositories: [
    {
      fullName: "acme/api",
      status: "complete",
      lastError: null,
      pullRequests: 1234,
      reviews: 2001,
      slowestMerge: {
        number: 9,
        title: "<script>alert(1)</script> & more",
        url: "javascript:alert(1)",
        cycleHours: 100,
      },
    },
  ],
};

describe("rendering the completion email", () => {
  it("puts the organisation and the total in the subject with thousands separators", async () => {
    const email = renderCompletionEmail(input, await loadCompletionTemplates());
    expect(email.subject).toBe("pr-sync: acme is ready — 1,234 pull requests from the last 30 days");
  });

  it("escapes a hostile title in the HTML part, strips its tags in the text part and links no script URL", async () => {
    const email = renderCompletionEmail(input, await loadCompletionTemplates());
    expect(email.html).toContain("#9 &lt;script&gt;alert(1)&lt;/script&gt; &amp; more\n");
    expect(email.html).not.toContain("<script");
    expect(email.html).not.toContain("javascript:");
    expect(email.text).toContain("  Longest to merge: #9 alert(1) & more (4.2 days)\n");
    expect(email.text).not.toMatch(/[<>]/);
  });

  it("renders the same email for the same input", async () => {
    const templates = await loadCompletionTemplates();
    expect(renderCompletionEmail(input, templates)).toEqual(renderCompletionEmail(input, templates));
  });

  it("says durations the way people do", () => {
    expect([null, 0.25, 1, 5.55, 47.9, 48, 100].map(formatHours)).toEqual([
      "—",
      "15 minutes",
      "1 hour",
      "5.5 hours",
      "47.9 hours",
      "2 days",
      "4.2 days",
    ]);
  });

  it("makes GitHub text plain: no tags, no angle brackets, one line", () => {
    expect(plainText("<b>Fix</b> a < b\nand  c > d")).toBe("Fix a b and c d");
  });

  it("lists every recipient once, whatever their case, installation addresses first", () => {
    expect(completionRecipients(["a@x.test", " B@x.test "], ["b@X.test", "c@x.test", "A@x.test"])).toEqual([
      "a@x.test",
      "B@x.test",
      "c@x.test",
    ]);
  });

  it("derives the same Message-ID from the same batch and a different one from another", () => {
    const id = completionMessageId("installation:1:a", "https://pr-sync.example.com");
    expect(id).toMatch(/^<completion\.[0-9a-f]{32}@pr-sync\.example\.com>$/);
    expect(completionMessageId("installation:1:a", "https://pr-sync.example.com")).toBe(id);
    expect(completionMessageId("installation:1:b", "https://pr-sync.example.com")).not.toBe(id);
  });
});

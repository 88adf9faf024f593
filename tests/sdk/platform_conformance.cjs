// Drives the published @b3dotfun/sdk 0.1.70-alpha.5 platform client, unchanged, against a running
// local stack, and asserts on the objects the SDK returns.
//
//   SDK_DIR=.sdk/package BASE_URL=http://127.0.0.1:3000/api/v1 ADMIN_KEY=… READ_KEY=… \
//     [FLOW_SESSIONS='{"completed": {"id": …, "tx_hash": …}, "failed": {"id": …}, "expired": {"id": …}}'] \
//     [WEBHOOK_URL=http://127.0.0.1:<port>/sdk] \
//     node tests/sdk/platform_conformance.cjs
//
// ADMIN_KEY and READ_KEY belong to one merchant that has no other sessions. FLOW_SESSIONS names
// sessions of that merchant the caller moved through the public flow (paid, failed, expired by the
// clock); without it that group's checks are reported "not run". WEBHOOK_URL is an endpoint that
// answers 200 (a receiver on loopback the local stack may call); without it the webhooks group is
// "not run". `make sdk` (tests/sdk) starts the stack, mints the keys, prepares those sessions,
// starts the receiver and runs this script.
//
// Prints one line per check and, last, "sdk conformance: <passed> passed, <failed> failed".
//
// Checks come in groups, one per SDK resource (or per way of reaching it), run in the order they
// are declared; a check may use what an earlier check of its group created. To cover another
// resource, declare one more group, as `webhooks` below is.
"use strict";
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const path = require("node:path");

for (const name of ["SDK_DIR", "BASE_URL", "ADMIN_KEY", "READ_KEY"]) {
  if (!process.env[name]) {
    console.error(`platform_conformance: ${name} is not set (see the header of ${__filename})`);
    process.exit(2);
  }
}

const platform = require(path.resolve(process.env.SDK_DIR, "dist/cjs/anyspend/platform"));
const { AnySpendPlatformClient, AuthenticationError, PermissionError, NotFoundError, IdempotencyError } = platform;

const baseUrl = process.env.BASE_URL;
const config = { baseUrl, timeout: 10000, maxRetries: 1 };
const admin = new AnySpendPlatformClient(process.env.ADMIN_KEY, config);
const reader = new AnySpendPlatformClient(process.env.READ_KEY, config);
const stranger = new AnySpendPlatformClient("csk_test_" + "0".repeat(43), config);

const USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
const RECIPIENT = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

// --- groups of checks ----------------------------------------------------------------------------
const groups = [];

// Declares a group: `define(check)` calls check(name, run) for each of its checks, in order. With
// `needs`, a group runs only when `needs()` returns null; otherwise it returns why not, and each of
// the group's checks is reported "not run" (counted neither passed nor failed).
function group(name, define, needs = () => null) {
  const checks = [];
  define((checkName, run) => checks.push({ name: checkName, run }));
  groups.push({ name, checks, needs });
}

function assertSessionShape(session) {
  assert.equal(session.object, "checkout_session");
  for (const field of ["expires_at", "created_at", "updated_at"]) {
    assert.equal(typeof session[field], "number", field);
    assert.ok(session[field] > 1.7e12, `${field} is epoch milliseconds`);
  }
  assert.equal(session.payment_link_id, null);
  assert.equal(session.product_id, null);
}

async function rejects(promise, errorClass, status) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${error.name}: ${error.message}`);
    assert.equal(error.status, status);
    assert.ok(error.message, "the error carries its message");
    assert.ok(error.type && error.code, "the error carries its type and code");
    return error;
  }
  assert.fail(`expected ${errorClass.name}`);
}

async function listedIds(client, params) {
  const ids = [];
  for await (const session of client.checkoutSessions.listAutoPaginate(params)) ids.push(session.id);
  return ids;
}

// --- checkoutSessions: create, get, list, expire -------------------------------------------------
group("checkoutSessions", (check) => {
  let withConfig;
  let plain;

  check("create with a payment config", async () => {
    withConfig = await admin.checkoutSessions.create({
      amount: "25000000",
      token_address: USDC_BASE,
      chain_id: 8453,
      recipient_address: RECIPIENT,
      success_url: "https://shop.example.com/thanks",
      cancel_url: "https://shop.example.com/cart",
      client_reference_id: "sdk-order-1",
      metadata: { cart_id: "cart_123", tier: "gold" },
      customer_email: "buyer@example.com",
      customer_name: "Ada Buyer",
      utm_source: "newsletter",
    });
    assertSessionShape(withConfig);
    assert.equal(withConfig.status, "open");
    assert.equal(withConfig.amount, "25000000");
    assert.equal(withConfig.token_address, USDC_BASE);
    assert.equal(withConfig.chain_id, 8453);
    assert.equal(withConfig.recipient_address, RECIPIENT);
    assert.deepEqual(JSON.parse(withConfig.metadata), { cart_id: "cart_123", tier: "gold" });
    assert.equal(withConfig.customer_email, "buyer@example.com");
    assert.ok(withConfig.url.endsWith(`/pay/${withConfig.id}`), withConfig.url);
    assert.equal(withConfig.success_url, `https://shop.example.com/thanks?sessionId=${withConfig.id}`);
  });

  check("create without a payment config", async () => {
    plain = await admin.checkoutSessions.create({ expires_in: 600 });
    assertSessionShape(plain);
    assert.equal(plain.amount, null);
    assert.equal(plain.url, null);
    assert.equal(plain.metadata, null);
    assert.equal(plain.tx_hash, null);
    assert.equal(plain.completed_at, null);
    assert.ok(Math.abs(plain.expires_at - plain.created_at - 600000) < 2000);
  });

  check("get reads the same session", async () => {
    const read = await reader.checkoutSessions.get(withConfig.id);
    assert.deepEqual(read, withConfig);
  });

  check("list pages through every session with listAutoPaginate", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await admin.checkoutSessions.create({ client_reference_id: `page-${i}` })).id);
    const firstPage = await reader.checkoutSessions.list({ limit: 2 });
    assert.equal(firstPage.object, "list");
    assert.equal(firstPage.data.length, 2);
    assert.equal(firstPage.has_more, true);
    assert.ok(firstPage.total_count >= 7);
    assert.equal(typeof firstPage.url, "string");
    const seen = [];
    for await (const session of reader.checkoutSessions.listAutoPaginate({ limit: 2 })) seen.push(session);
    const ids = seen.map((s) => s.id);
    for (const id of [...created, withConfig.id, plain.id]) assert.ok(ids.includes(id), `listed ${id}`);
    assert.equal(new Set(ids).size, ids.length, "no session listed twice");
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].created_at >= seen[i].created_at, "newest first");
  });

  check("list filters by status", async () => {
    const open = await reader.checkoutSessions.list({ status: "open", limit: 100 });
    assert.ok(open.data.every((s) => s.status === "open"));
    assert.ok(open.data.some((s) => s.id === withConfig.id), "an open session is listed as open");
  });

  check("expire", async () => {
    const expired = await admin.checkoutSessions.expire(plain.id);
    assertSessionShape(expired);
    assert.equal(expired.status, "expired");
    assert.equal(expired.id, plain.id);
    const listed = await listedIds(reader, { status: "expired", limit: 100 });
    assert.ok(listed.includes(plain.id), "an expired session is listed as expired");
    assert.ok(!(await listedIds(reader, { status: "open", limit: 100 })).includes(plain.id));
  });
});

// --- checkoutSessions: the typed errors ----------------------------------------------------------
group("errors", (check) => {
  check("AuthenticationError for an unknown key", async () => {
    await rejects(stranger.checkoutSessions.list(), AuthenticationError, 401);
  });

  check("PermissionError for a read key on create", async () => {
    await rejects(reader.checkoutSessions.create({}), PermissionError, 403);
  });

  check("NotFoundError for an unknown session", async () => {
    await rejects(reader.checkoutSessions.get("00000000-0000-4000-8000-000000000000"), NotFoundError, 404);
  });

  check("IdempotencyError for a key reused with another body", async () => {
    const idempotencyKey = `sdk-conformance-${crypto.randomUUID()}`;
    const fixed = new AnySpendPlatformClient(process.env.ADMIN_KEY, {
      ...config,
      idempotencyKeyGenerator: () => idempotencyKey,
    });
    const first = await fixed.checkoutSessions.create({ client_reference_id: "idem-1" });
    const replay = await fixed.checkoutSessions.create({ client_reference_id: "idem-1" });
    assert.deepEqual(replay, first);
    await rejects(fixed.checkoutSessions.create({ client_reference_id: "idem-2" }), IdempotencyError, 400);
  });
});

// --- checkoutSessions moved by the public flow (FLOW_SESSIONS) -----------------------------------
const flow = process.env.FLOW_SESSIONS ? JSON.parse(process.env.FLOW_SESSIONS) : null;

group(
  "public flow",
  (check) => {
    check("a session paid through the public flow reads completed with its tx_hash", async () => {
      const session = await reader.checkoutSessions.get(flow.completed.id);
      assertSessionShape(session);
      assert.equal(session.status, "completed");
      assert.equal(session.tx_hash, flow.completed.tx_hash);
      assert.equal(typeof session.completed_at, "number");
      assert.ok(session.completed_at >= session.created_at, "completed_at is epoch milliseconds");
      assert.equal(session.amount, "25000000");
      assert.ok((await listedIds(reader, { status: "completed", limit: 100 })).includes(session.id));
    });

    check("a failed payment reads failed", async () => {
      const session = await reader.checkoutSessions.get(flow.failed.id);
      assertSessionShape(session);
      assert.equal(session.status, "failed");
      assert.equal(session.tx_hash, null);
      assert.equal(session.completed_at, null);
      assert.ok((await listedIds(reader, { status: "failed", limit: 100 })).includes(session.id));
    });

    check("a clock expiry reads expired", async () => {
      const session = await reader.checkoutSessions.get(flow.expired.id);
      assertSessionShape(session);
      assert.equal(session.status, "expired");
      assert.ok(session.expires_at <= Date.now(), "its deadline has passed");
      assert.ok((await listedIds(reader, { status: "expired", limit: 100 })).includes(session.id));
    });
  },
  () => (flow ? null : "FLOW_SESSIONS is not set"),
);

// --- webhooks (DESIGN 11) ------------------------------------------------------------------------
const webhookUrl = process.env.WEBHOOK_URL;
const WEBHOOK_FIELDS = [
  "object", "id", "url", "events", "is_active", "success_count", "failure_count", "last_triggered_at",
  "created_at", "updated_at",
];
const DELIVERY_FIELDS = [
  "object", "id", "webhook_id", "event_type", "url", "status", "status_code", "response_body",
  "error_message", "attempted_at", "created_at",
];

function assertWebhookShape(webhook) {
  for (const field of WEBHOOK_FIELDS) assert.ok(field in webhook, `Webhook.${field}`);
  assert.equal(webhook.object, "webhook");
  assert.ok(webhook.created_at > 1.7e12 && webhook.updated_at >= webhook.created_at, "epoch milliseconds");
}

function assertDeliveryShape(delivery) {
  for (const field of DELIVERY_FIELDS) assert.ok(field in delivery, `WebhookDelivery.${field}`);
  assert.equal(delivery.object, "webhook_delivery");
  assert.ok(["pending", "success", "failed"].includes(delivery.status));
  assert.ok(delivery.attempted_at > 1.7e12, "epoch milliseconds");
}

let webhook;
let testDelivery;

group(
  "webhooks",
  (check) => {
    check("create shows the signing secret once", async () => {
      webhook = await admin.webhooks.create({
        url: webhookUrl,
        events: ["checkout.completed", "payment.failed"],
        description: "sdk conformance",
      });
      assertWebhookShape(webhook);
      assert.equal(webhook.url, webhookUrl);
      assert.deepEqual(webhook.events, ["checkout.completed", "payment.failed"]);
      assert.match(webhook.secret, /^whsec_/);
      assert.equal(webhook.is_active, true);
      assert.equal(webhook.success_count, 0);
    });

    check("list and get never show the secret", async () => {
      const listed = await reader.webhooks.list();
      assert.equal(listed.object, "list");
      assert.equal(typeof listed.has_more, "boolean");
      assert.equal(listed.total_count, listed.data.length);
      const mine = listed.data.find((item) => item.id === webhook.id);
      assert.ok(mine, "the new webhook is listed");
      const fetched = await reader.webhooks.get(webhook.id);
      assertWebhookShape(fetched);
      assert.equal(fetched.secret, undefined);
      assert.equal(mine.secret, undefined);
      const { secret, ...shown } = webhook;
      assert.deepEqual(fetched, shown);
    });

    check("update changes what it names", async () => {
      const updated = await admin.webhooks.update(webhook.id, { events: ["*"], is_active: false });
      assertWebhookShape(updated);
      assert.deepEqual(updated.events, ["*"]);
      assert.equal(updated.is_active, false);
      assert.equal(updated.url, webhookUrl);
      const again = await admin.webhooks.update(webhook.id, { is_active: true });
      assert.equal(again.is_active, true);
    });

    check("test sends a signed test event and answers with an action", async () => {
      const action = await admin.webhooks.test(webhook.id);
      assert.equal(action.object, "action");
      assert.equal(action.action, "test");
      assert.equal(action.success, true);
      testDelivery = action.delivery;
      assertDeliveryShape(testDelivery);
      assert.equal(testDelivery.event_type, "webhook.test");
      assert.equal(testDelivery.status_code, 200);
    });

    check("deliveries list every attempt", async () => {
      const page = await reader.webhooks.deliveries(webhook.id, { page: 1, limit: 10 });
      assert.equal(page.object, "list");
      assert.equal(page.total_count, 1);
      assert.equal(page.has_more, false);
      assertDeliveryShape(page.data[0]);
      assert.equal(page.data[0].id, testDelivery.id);
      const counted = await reader.webhooks.get(webhook.id);
      assert.equal(counted.success_count, 1);
      assert.equal(counted.last_triggered_at, testDelivery.attempted_at);
    });

    check("retry sends the same event again", async () => {
      const action = await admin.webhooks.retry(webhook.id, testDelivery.id);
      assert.equal(action.object, "action");
      assert.equal(action.action, "retry");
      assert.equal(action.success, true);
      assert.equal(action.delivery.event_id, testDelivery.event_id);
      assert.notEqual(action.delivery.id, testDelivery.id);
      const page = await reader.webhooks.deliveries(webhook.id);
      assert.equal(page.total_count, 2);
    });

    check("writes need an admin key and another's webhook is not found", async () => {
      await rejects(reader.webhooks.create({ url: webhookUrl, events: ["*"] }), PermissionError, 403);
      await rejects(reader.webhooks.test(webhook.id), PermissionError, 403);
      await rejects(admin.webhooks.get("wh_" + "0".repeat(24)), NotFoundError, 404);
      await rejects(admin.webhooks.retry(webhook.id, "dlv_0000000000000" + "0".repeat(12)), NotFoundError, 404);
    });

    check("delete answers DeletedResponse and the webhook is gone", async () => {
      const deleted = await admin.webhooks.delete(webhook.id);
      assert.deepEqual(deleted, { object: "webhook", id: webhook.id, deleted: true });
      await rejects(reader.webhooks.get(webhook.id), NotFoundError, 404);
    });
  },
  () => (webhookUrl ? null : "WEBHOOK_URL is not set"),
);

// --- run -----------------------------------------------------------------------------------------
(async () => {
  let passed = 0;
  let failed = 0;
  for (const { name: groupName, checks, needs } of groups) {
    const missing = needs();
    for (const { name, run } of checks) {
      if (missing) {
        console.log(`not run  ${groupName}: ${name} (${missing})`);
        continue;
      }
      try {
        await run();
        passed += 1;
        console.log(`ok   ${groupName}: ${name}`);
      } catch (error) {
        failed += 1;
        console.log(`FAIL ${groupName}: ${name}: ${error && error.stack ? error.stack : error}`);
      }
    }
  }
  console.log(`sdk conformance: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})();

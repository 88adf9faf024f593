// The seed's flow from a merchant's JavaScript, with nothing but fetch (Node 18+):
// create a checkout session, let the buyer link an order, and read both back.
//
//   node examples/checkout.mjs [base URL, default http://127.0.0.1:3000] [API key, optional]
//
// Against `make dev` (AUTH_MODE=open) no key is needed; against a deployed stack pass a key.
const base = process.argv[2] ?? "http://127.0.0.1:3000";
const key = process.argv[3];
const headers = { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) };

async function call(method, path, body) {
  const response = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const envelope = await response.json();
  if (response.status !== 200 || !envelope.success) {
    throw new Error(`${method} ${path}: ${response.status} ${envelope.message}`);
  }
  return envelope.data;
}

const session = await call("POST", "/checkout-sessions", {
  success_url: "https://shop.example.com/thanks?session={SESSION_ID}",
  cancel_url: "https://shop.example.com/cart",
  metadata: { cart_id: "cart_123" },
  client_reference_id: "order-42",
});
console.log(`session ${session.id} is ${session.status}; success_url ${session.success_url}`);

// The buyer commits to pay: one order is linked to the session and gets its deposit address.
const order = await call("POST", "/orders", {
  recipientAddress: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
  srcChain: 8453,
  dstChain: 8453,
  srcTokenAddress: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
  dstTokenAddress: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
  srcAmount: "25000000",
  type: "custom",
  checkoutSessionId: session.id,
});
console.log(`order ${order.id}: pay to ${order.globalAddress} before ${new Date(order.expiredAt).toISOString()}`);

const current = await call("GET", `/checkout-sessions/${session.id}?include=order`);
if (current.order_id !== order.id || current.order.order.id !== order.id) {
  throw new Error("the session does not show its order");
}
console.log(`session ${current.id} is ${current.status} with order ${current.order_id}`);

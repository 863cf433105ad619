// Checks Ignition's Socket.IO endpoint with the clients that Ignition's JavaScript apps use:
// socket.io-client 4.8 (as the JavaScript SDK and the playground do), crypto-js for end-to-end
// encryption, and raw WebSocket frames from the ws package for what a well-behaved client never
// sends.
//
//   node socketio-interop.mjs SCENARIO
//
// The server and its keys come from the environment (IGNITION_PORT, IGNITION_KEY, ...; see each
// scenario). Prints "PASS SCENARIO" and exits 0, or prints "FAIL SCENARIO: reason" and exits 1.
// SocketIoInteropTest (ignition-server) and SocketIoCryptoInteropTest (ignition-client-java) run it.

import assert from "node:assert/strict";
import CryptoJS from "crypto-js";
import { io } from "socket.io-client";
import WebSocket from "ws";

const TIMEOUT_MS = 10_000;
const port = required("IGNITION_PORT");
const httpUrl = `http://127.0.0.1:${port}`;
const wsUrl = `ws://127.0.0.1:${port}`;
const opened = [];

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

/** A queue of received items that a test awaits one at a time, failing after a timeout. */
class Inbox {
  constructor() {
    this.items = [];
    this.waiters = [];
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(item);
    } else {
      this.items.push(item);
    }
  }

  next(what = "message", ms = TIMEOUT_MS) {
    if (this.items.length > 0) {
      return Promise.resolve(this.items.shift());
    }
    return new Promise((resolve, reject) => {
      const waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} within ${ms} ms`));
      }, ms);
      this.waiters.push(waiter);
    });
  }
}

/**
 * Resolves with the arguments of the emitter's next `event`, or what `pick` makes of them right
 * away (for arguments that change later); fails after the timeout.
 */
function once(emitter, event, ms = TIMEOUT_MS, pick = (...args) => args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(pick(...args));
    });
  });
}

/**
 * Opens a Socket.IO client the way Ignition's apps do, but on the websocket transport only and
 * without reconnecting, and records every event it receives.
 */
function client(path = "", options = {}) {
  const socket = io(httpUrl + path, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  socket.inbox = new Inbox();
  socket.onAny((event, ...args) => socket.inbox.push({ event, args }));
  opened.push(socket);
  return socket;
}

/** Opens a client and waits until its namespace is connected. */
async function connected(path = "", options = {}) {
  const socket = client(path, options);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connect within ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      reject(new Error(`connect_error: ${error.message}`));
    });
  });
  return socket;
}

/** Emits with an acknowledgement and returns what the server acknowledged. */
function request(socket, event, payload) {
  return socket.timeout(TIMEOUT_MS).emitWithAck(event, payload);
}

/** Returns the next event the client received, which must be named `event`. */
async function nextEvent(socket, event) {
  const received = await socket.inbox.next(`event ${event}`);
  assert.equal(received.event, event, `expected ${event}, got ${JSON.stringify(received)}`);
  return received.args;
}

/** Opens a native-protocol client (/v1) and waits for its welcome. */
async function nativeClient(key) {
  const ws = new WebSocket(`${wsUrl}/v1?key=${encodeURIComponent(key)}`);
  ws.inbox = new Inbox();
  ws.on("message", (data) => ws.inbox.push(JSON.parse(data.toString())));
  opened.push(ws);
  assert.equal((await ws.inbox.next("welcome")).op, "welcome");
  ws.request = async (frame) => {
    ws.send(JSON.stringify(frame));
    const reply = await ws.inbox.next(`reply to ${frame.op}`);
    assert.equal(reply.op, "ok", `${frame.op} answered ${JSON.stringify(reply)}`);
  };
  return ws;
}

/**
 * Opens a raw Engine.IO session over ws: records every text frame and the close, and waits for
 * the open packet.
 */
async function rawSession() {
  const ws = new WebSocket(`${wsUrl}/socket.io/?EIO=4&transport=websocket`);
  ws.inbox = new Inbox();
  ws.closed = new Promise((resolve) => ws.on("close", (code, reason) =>
    resolve({ code, reason: reason.toString() })));
  ws.on("message", (data, isBinary) => ws.inbox.push(isBinary ? "<binary>" : data.toString()));
  ws.on("error", () => {});
  opened.push(ws);
  const open = await ws.inbox.next("open packet");
  assert.match(open, /^0\{/);
  ws.handshake = JSON.parse(open.slice(1));
  return ws;
}

/** Connects a raw session to the root namespace with the key in the auth. */
async function rawConnected(key) {
  const ws = await rawSession();
  ws.send(`40${JSON.stringify({ token: key })}`);
  assert.match(await nextNonPing(ws), /^40\{"sid":"[^"]+"\}$/);
  return ws;
}

/** Returns the next frame of a raw session that is not a ping. */
async function nextNonPing(ws, what = "frame") {
  for (;;) {
    const frame = await ws.inbox.next(what);
    if (frame !== "2") {
      return frame;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const scenarios = {
  // IGNITION_KEY, IGNITION_KEY2: two keys of one app.
  async "connect-forms"() {
    const key = required("IGNITION_KEY");
    const byAuth = await connected("", { auth: { token: key } });
    const byNamespace = await connected(`/${key}`);
    assert.ok(byAuth.id && byNamespace.id && byAuth.id !== byNamespace.id);

    // Without forceNew, both forms share one Engine.IO connection (one Manager), as two SDK
    // instances in one page do: each namespace is its own authenticated connection.
    const shared = io(httpUrl, { transports: ["websocket"], reconnection: false,
      auth: { token: key } });
    const multiplexed = io(`${httpUrl}/${required("IGNITION_KEY2")}`,
      { transports: ["websocket"], reconnection: false });
    opened.push(shared, multiplexed);
    await Promise.all([once(shared, "connect"), once(multiplexed, "connect")]);
    assert.equal(shared.io, multiplexed.io, "expected one shared Manager");
    const joined = await request(multiplexed, "JOIN", { group_id: "both" });
    assert.equal(joined, "joined both");
    const info = await request(shared, "INFO", { token: key });
    assert.equal(info.usage.connections, 4, JSON.stringify(info));
  },

  // IGNITION_KEY
  async "join-leave"() {
    const key = required("IGNITION_KEY");
    const sender = await connected("", { auth: { token: key } });
    const member = await connected(`/${key}`);
    assert.equal(await request(sender, "JOIN", { key, group_id: "news" }), "joined news");
    assert.equal(await request(member, "JOIN", { key, group_id: "news" }), "joined news");
    assert.equal(await request(member, "JOIN", { key, group_id: "probe" }), "joined probe");

    sender.emit("MESSAGE", { group_id: "news", event_name: "update", message: "one", key });
    assert.deepEqual(await nextEvent(member, "update"), ["one"]);

    // LEAVE as { key, group_id }: the next news event is not delivered. Events of one sender
    // arrive in order, so the probe event arriving first proves the news event never came.
    assert.equal(await request(member, "LEAVE", { key, group_id: "news" }), "left news");
    sender.emit("MESSAGE", { group_id: "news", event_name: "update", message: "two", key });
    sender.emit("MESSAGE", { group_id: "probe", event_name: "probe", message: 1, key });
    assert.deepEqual(await nextEvent(member, "probe"), [1]);

    // LEAVE as the bare channel name.
    assert.equal(await request(member, "JOIN", { key, group_id: "news" }), "joined news");
    assert.equal(await request(member, "LEAVE", "news"), "left news");
    sender.emit("MESSAGE", { group_id: "news", event_name: "update", message: "three", key });
    sender.emit("MESSAGE", { group_id: "probe", event_name: "probe", message: 2, key });
    assert.deepEqual(await nextEvent(member, "probe"), [2]);
  },

  // IGNITION_KEY, IGNITION_KEY2, IGNITION_SECRET (crypto-js passphrase)
  async message() {
    const key = required("IGNITION_KEY");
    const secret = required("IGNITION_SECRET");
    const alice = await connected("", { auth: { token: key } });
    const bob = await connected(`/${required("IGNITION_KEY2")}`);
    const native = await nativeClient(key);
    for (const socket of [alice, bob]) {
      assert.equal(await request(socket, "JOIN", { key, group_id: "room" }), "joined room");
    }
    await native.request({ op: "subscribe", id: 1, channel: "room" });

    // A JSON string passes through untouched to Socket.IO and native members.
    const text = '{"text":"hi","n":1.50}';
    alice.emit("MESSAGE", { group_id: "room", event_name: "chat", message: text, key });
    assert.deepEqual(await nextEvent(bob, "chat"), [text]);
    assert.deepEqual(await native.inbox.next("native event"),
      { op: "event", channel: "room", event: "chat", data: text });

    // A native emit reaches Socket.IO members with data as the argument; alice's first event is
    // this one, so she never got her own chat message back.
    await native.request({ op: "emit", id: 2, channel: "room", event: "from-native",
      data: { n: 1.5, list: [1, "two"] } });
    assert.deepEqual(await nextEvent(alice, "from-native"), [{ n: 1.5, list: [1, "two"] }]);
    assert.deepEqual(await nextEvent(bob, "from-native"), [{ n: 1.5, list: [1, "two"] }]);

    // Older builds send { event, room, message }; messages may be objects too.
    bob.emit("MESSAGE", { event: "legacy", room: "room", message: { a: [1, 2] } });
    assert.deepEqual(await nextEvent(alice, "legacy"), [{ a: [1, 2] }]);
    assert.deepEqual(await native.inbox.next("native legacy event"),
      { op: "event", channel: "room", event: "legacy", data: { a: [1, 2] } });

    // crypto-js ciphertext from one Socket.IO member decrypts at the other.
    const ciphertext = CryptoJS.AES.encrypt("secret text", secret).toString();
    alice.emit("MESSAGE", { group_id: "room", event_name: "secret", message: ciphertext, key });
    const [received] = await nextEvent(bob, "secret");
    assert.equal(received, ciphertext);
    assert.equal(CryptoJS.AES.decrypt(received, secret).toString(CryptoJS.enc.Utf8), "secret text");
    assert.equal((await native.inbox.next("native secret")).data, ciphertext);
  },

  // IGNITION_KEY: an app with a daily limit.
  async info() {
    const key = required("IGNITION_KEY");
    const socket = await connected("", { auth: { token: key } });
    const first = await request(socket, "INFO", { token: key });
    const second = await request(socket, "INFO", { token: key });

    assert.equal(first.status, "active");
    assert.equal(first.connections, 1);
    assert.equal(typeof first.requestsLeft, "number");
    assert.equal(second.requestsLeft, first.requestsLeft, "INFO is not a request");
    assert.equal(first.usage.requestsLeft, first.requestsLeft);
    await request(socket, "JOIN", { group_id: "c" });
    assert.equal((await request(socket, "INFO", {})).requestsLeft, first.requestsLeft - 1);
  },

  // no key needed
  async "bad-key"() {
    for (const [path, options, message] of [
      ["", { auth: { token: "nope" } }, "unknown or revoked API key"],
      ["/nope", {}, "unknown or revoked API key"],
      ["", {}, "missing API key"],
    ]) {
      const socket = client(path, options);
      const disconnected = once(socket, "disconnect");
      const [error] = await nextEvent(socket, "ERROR");
      assert.ok(error.startsWith(message), `ERROR ${error}`);
      assert.equal((await disconnected)[0], "io server disconnect");
    }
  },

  // IGNITION_LIMITED_KEY: 4 requests a day; IGNITION_SOLO_KEY: 1 connection.
  async quota() {
    const key = required("IGNITION_LIMITED_KEY");
    const socket = await connected("", { auth: { token: key } }); // request 1
    await request(socket, "JOIN", { group_id: "c" }); // 2
    socket.emit("MESSAGE", { group_id: "c", event_name: "e", message: 1 }); // 3
    await request(socket, "LEAVE", "c"); // 4
    const disconnected = once(socket, "disconnect");
    socket.emit("MESSAGE", { group_id: "c", event_name: "e", message: 2 }); // refused
    const [error] = await nextEvent(socket, "ERROR");
    assert.match(error, /^daily limit of 4 requests reached/);
    assert.equal((await disconnected)[0], "io server disconnect");

    const late = client("", { auth: { token: key } });
    const lateDisconnected = once(late, "disconnect");
    assert.match((await nextEvent(late, "ERROR"))[0], /^daily limit of 4 requests reached/);
    assert.equal((await lateDisconnected)[0], "io server disconnect");

    const solo = required("IGNITION_SOLO_KEY");
    const first = await connected("", { auth: { token: solo } });
    const second = client(`/${solo}`);
    const secondDisconnected = once(second, "disconnect");
    assert.match((await nextEvent(second, "ERROR"))[0], /limit of 1 connections/);
    assert.equal((await secondDisconnected)[0], "io server disconnect");
    assert.equal(await request(first, "JOIN", { group_id: "still-here" }), "joined still-here");
  },

  // IGNITION_KEY; the server pings every IGNITION_PING_MS and waits as long for the pong.
  async heartbeat() {
    const key = required("IGNITION_KEY");
    const pingMs = Number(required("IGNITION_PING_MS"));
    const idle = await connected("", { auth: { token: key } });
    let pings = 0;
    idle.io.engine.on("ping", () => pings++);
    let dropped = null;
    idle.on("disconnect", (reason) => {
      dropped = reason;
    });

    // A raw client that never answers pings is dropped after about one interval plus timeout.
    const mute = await rawConnected(key);
    const start = Date.now();
    const { code, reason } = await mute.closed;
    const elapsed = Date.now() - start;
    assert.match(reason, /^ping timeout/);
    assert.equal(code, 1000);
    assert.ok(elapsed >= pingMs, `dropped after ${elapsed} ms`);

    // Meanwhile the well-behaved client stays idle for several intervals and stays connected.
    while (pings < 5) {
      await once(idle.io.engine, "ping", 4 * pingMs);
    }
    assert.equal(dropped, null);
    assert.ok(idle.connected);
    assert.equal(await request(idle, "JOIN", { group_id: "after-idle" }), "joined after-idle");
  },

  // IGNITION_KEY
  async malformed() {
    const key = required("IGNITION_KEY");
    const healthy = await connected("", { auth: { token: key } });
    const peer = await connected("", { auth: { token: key } });
    await request(healthy, "JOIN", { group_id: "alive" });

    const deep = "[".repeat(65) + "]".repeat(65);
    const closing = [
      ["", 1002, /empty Engine.IO packet/],
      ["9", 1002, /unexpected Engine.IO packet type/],
      ["0", 1002, /unexpected Engine.IO packet type/],
      ["5", 1002, /unexpected Engine.IO packet type/],
      ["4", 1002, /empty Socket.IO packet/],
      ["47[]", 1002, /unknown Socket.IO packet type/],
      ['44{"message":"x"}', 1002, /CONNECT_ERROR packets are sent by servers/],
      ['42["MESSAGE"', 1002, /not valid JSON/],
      ["42{}", 1002, /must be an array/],
      ["42[]", 1002, /must be an array/],
      ["42[1]", 1002, /must be an array/],
      ["41{}", 1002, /carries no payload/],
      ['40"token"', 1002, /must be a JSON object/],
      [`42["MESSAGE",${deep}]`, 1002, /not valid JSON/],
      ['4299999999999999999["INFO"]', 1002, /acknowledgement id/],
      ['45999999999-["MESSAGE",{"_placeholder":true,"num":0}]', 1002, /attachment count/],
      ['450-["MESSAGE"]', 1002, /attachment count/],
      ['45-["MESSAGE"]', 1002, /attachment count/],
      ['45x["MESSAGE"]', 1002, /attachment count/],
      [Buffer.from([1, 2, 3]), 1003, /binary frames are not supported/],
    ];
    for (const [frame, expectedCode, expectedReason] of closing) {
      const ws = await rawConnected(key);
      ws.send(frame);
      const { code, reason } = await ws.closed;
      assert.equal(code, expectedCode, `close code for ${JSON.stringify(frame)}: ${reason}`);
      assert.match(reason, expectedReason, `reason for ${JSON.stringify(frame)}`);
    }

    // Packets answered with an error; the session stays usable.
    const answered = [
      ['42/nope,["JOIN",{"group_id":"x"}]', /^44\/nope,\{"message":"not connected to \/nope/],
      ['430["ok"]', /^42\["ERROR","unexpected acknowledgement/],
      ['42["NOPE",{}]', /^42\["ERROR","unknown event \\"NOPE\\"/],
      ['42["JOIN",{"group_id":""}]', /^42\["ERROR","channel must be/],
      ['42["JOIN",{"group_id":7}]', /^42\["ERROR","JOIN needs/],
      ['42["MESSAGE",{"group_id":"c"}]', /^42\["ERROR","MESSAGE needs/],
      [`40${JSON.stringify({ token: key })}`, /^44\{"message":"already connected to \/"/],
      ['451-["MESSAGE",{"_placeholder":true,"num":0}]', /^42\["ERROR","binary attachments/],
    ];
    const ws = await rawConnected(key);
    for (const [frame, expected] of answered) {
      ws.send(frame);
      assert.match(await nextNonPing(ws, `answer to ${frame}`), expected);
    }
    ws.send(Buffer.from([1, 2, 3])); // the attachment announced above, ignored
    ws.send('421["JOIN",{"group_id":"alive"}]');
    assert.equal(await nextNonPing(ws), '431["joined alive"]');

    // The healthy clients never noticed.
    peer.emit("MESSAGE", { group_id: "alive", event_name: "still", message: "here" });
    assert.deepEqual(await nextEvent(healthy, "still"), ["here"]);
    assert.equal(await nextNonPing(ws), '42["still","here"]');
    assert.ok(healthy.connected && peer.connected);
  },

  // no key needed
  async polling() {
    // The client cleans up the request after the handler, so read the answer in the handler.
    const socket = client("", { transports: ["polling", "websocket"] });
    const [status, text] = await once(socket, "connect_error", TIMEOUT_MS,
      (error) => [error.description, error.context.responseText]);
    assert.equal(status, 400);
    assert.match(JSON.parse(text).message, /transports: \["websocket"\]/);

    const response = await fetch(`${httpUrl}/socket.io/?EIO=4&transport=polling&t=x`);
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.code, 3);
    assert.match(body.message, /long-polling is not supported/);
    assert.match(body.message, /transports: \["websocket"\]/);
  },

  // IGNITION_KEY. Prints READY once joined; the test then shuts the server down. The client must
  // see a transport close it reconnects from (with a DISCONNECT packet it would not).
  async shutdown() {
    const socket = await connected("", { auth: { token: required("IGNITION_KEY") },
      reconnection: true, reconnectionDelay: 60_000 });
    assert.equal(await request(socket, "JOIN", { group_id: "news" }), "joined news");
    const disconnected = once(socket, "disconnect", TIMEOUT_MS, (reason) => reason);
    console.log("READY");
    assert.equal(await disconnected, "transport close");
    assert.equal(socket.active, true, "socket.io-client reconnects after a transport close");
  },

  // Driven by SocketIoCryptoInteropTest: IGNITION_KEY, IGNITION_SECRET. Sends a crypto-js
  // ciphertext to the Java SDK, prints READY, then prints what the Java SDK sends back.
  async "crypto-java"() {
    const key = required("IGNITION_KEY");
    const secret = required("IGNITION_SECRET");
    const socket = await connected(`/${key}`);
    assert.equal(await request(socket, "JOIN", { key, group_id: "vault" }), "joined vault");
    const ciphertext = CryptoJS.AES.encrypt("from javascript", secret).toString();
    socket.emit("MESSAGE", { group_id: "vault", event_name: "secret", message: ciphertext, key });
    console.log("READY");
    const [received] = await nextEvent(socket, "secret");
    const plaintext = CryptoJS.AES.decrypt(received, secret).toString(CryptoJS.enc.Utf8);
    console.log(`DECRYPTED ${plaintext}`);
  },
};

const name = process.argv[2];
const scenario = scenarios[name];
if (!scenario) {
  console.log(`FAIL ${name}: unknown scenario; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
try {
  await scenario();
  console.log(`PASS ${name}`);
  process.exitCode = 0;
} catch (error) {
  console.log(`FAIL ${name}: ${error.stack}`);
  process.exitCode = 1;
} finally {
  for (const socket of opened) {
    socket.close();
  }
  setTimeout(() => process.exit(), 100).unref();
}

// The positive checks over one security policy: X.509 user session, browse, read, subscribe.
import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItem,
  DataType,
  TimestampsToReturn,
  UserTokenType,
  readNamespaceArray,
  resolveNodeId,
} from "node-opcua-client";
import { bounded, connect, elapsed } from "./connect.mjs";
import { CheckError } from "./trust.mjs";

/** 'nsu=URI;s=...' to 'ns=INDEX;s=...' through the server's NamespaceArray (node-opcua wants indexes). */
function nodeIdResolver(namespaces) {
  return (text) => {
    const m = /^nsu=([^;]+);(.+)$/.exec(text);
    if (!m) {
      return resolveNodeId(text);
    }
    const index = namespaces.indexOf(m[1]);
    if (index < 0) {
      throw new CheckError("namespace", `namespace '${m[1]}' of ${text} is not in the server's NamespaceArray`);
    }
    return resolveNodeId(`ns=${index};${m[2]}`);
  };
}

/** A value as plain JSON (dates as ISO text, 64-bit integers as text) and as a short line of text. */
function describe(variant) {
  if (!variant) {
    return { type: "null", value: null, text: "null" };
  }
  const type = DataType[variant.dataType] ?? String(variant.dataType);
  const v = variant.value;
  if (Buffer.isBuffer(v)) {
    return { type, value: v.toString("hex"), text: `<${v.length} bytes>` };
  }
  const value = v === undefined ? null
    : JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
  const json = JSON.stringify(value);
  const text = typeof value === "number" ? String(value) : json.length > 120 ? `${json.slice(0, 117)}...` : json;
  return { type, value, text: `${text} (${type})` };
}

async function browseAll(session, nodeId, ms) {
  let result = await bounded("browse", ms, session.browse({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: "HierarchicalReferences",
    includeSubtypes: true,
    nodeClassMask: 0,
    resultMask: 63,
  }));
  if (!result.statusCode.isGood()) {
    throw new CheckError("browse", `browsing ${nodeId} answered ${result.statusCode.toString()}`);
  }
  const references = [...(result.references ?? [])];
  while (result.continuationPoint && result.continuationPoint.length > 0) {
    result = await bounded("browse", ms, session.browseNext(result.continuationPoint, false));
    references.push(...(result.references ?? []));
  }
  return references;
}

async function browse(opts, session, resolve) {
  const start = resolve(opts.browseStart);
  const children = await browseAll(session, start, opts.timeoutMs);
  if (children.length === 0) {
    throw new CheckError("browse", `${opts.browseStart} has no children`);
  }
  const result = { start: opts.browseStart, children: children.map((r) => r.browseName.name) };
  if (opts.browseInto) {
    const folder = children.find((r) => r.browseName.name === opts.browseInto);
    if (!folder) {
      throw new CheckError("browse", `no child '${opts.browseInto}' under ${opts.browseStart} (found: ${result.children.join(", ")})`);
    }
    const inner = await browseAll(session, folder.nodeId, opts.timeoutMs);
    if (inner.length === 0) {
      throw new CheckError("browse", `${opts.browseInto} has no children`);
    }
    result.into = {
      name: opts.browseInto,
      nodeId: folder.nodeId.toString(),
      children: inner.map((r) => r.browseName.name),
    };
  }
  return result;
}

async function read(opts, session, resolve) {
  if (opts.reads.length === 0) {
    return [];
  }
  const values = await bounded("read", opts.timeoutMs, session.read(
    opts.reads.map((id) => ({ nodeId: resolve(id), attributeId: AttributeIds.Value }))));
  return values.map((dv, i) => {
    if (!dv.statusCode.isGood()) {
      throw new CheckError("read", `reading ${opts.reads[i]} answered ${dv.statusCode.toString()}`);
    }
    return { nodeId: opts.reads[i], ...describe(dv.value) };
  });
}

function distinctCount(values) {
  return new Set(values.map((v) => JSON.stringify(v))).size;
}

async function subscribe(opts, session, resolve) {
  const nodeId = resolve(opts.subscribe);
  const start = performance.now();
  const subscription = await bounded("subscribe", opts.timeoutMs, session.createSubscription2({
    requestedPublishingInterval: 100,
    requestedLifetimeCount: 100,
    requestedMaxKeepAliveCount: 10,
    maxNotificationsPerPublish: 100,
    publishingEnabled: true,
    priority: 1,
  }));
  const values = [];
  const notGood = {};
  let firstMs;
  try {
    await bounded("subscribe", opts.timeoutMs, new Promise((resolveWait, rejectWait) => {
      const item = ClientMonitoredItem.create(
        subscription,
        { nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: 50, discardOldest: true, queueSize: 10 },
        TimestampsToReturn.Both,
      );
      item.on("err", (message) => rejectWait(new CheckError("subscribe", `monitoring ${opts.subscribe} failed: ${message}`)));
      item.on("changed", (dataValue) => {
        firstMs ??= elapsed(start);
        // a server may mark a value Uncertain or Bad for a while (the gateway does during a
        // switchover): counted and reported, but only Good values make up the wanted count
        if (!dataValue.statusCode.isGood()) {
          const name = dataValue.statusCode.name;
          notGood[name] = (notGood[name] ?? 0) + 1;
          return;
        }
        values.push(describe(dataValue.value).value);
        if (distinctCount(values) >= opts.notifications) {
          resolveWait();
        }
      });
    })).catch((err) => {
      if (err instanceof CheckError && err.message.startsWith("no answer")) {
        const distinct = distinctCount(values);
        throw new CheckError("subscribe",
          `${values.length} Good notifications (${distinct} distinct values) of ${opts.subscribe} within ${opts.timeoutMs} ms, `
          + `wanted ${opts.notifications} distinct; not Good: ${JSON.stringify(notGood)}`);
      }
      throw err;
    });
  } finally {
    await subscription.terminate().catch(() => undefined);
  }
  return {
    nodeId: opts.subscribe,
    notifications: values.length,
    distinct: distinctCount(values),
    values,
    notGood,
    firstNotificationMs: firstMs,
    totalMs: elapsed(start),
  };
}

/** The positive checks over one security policy; returns their results or throws a CheckError. */
export async function runPolicy(opts, policy, clientId, userId, trust, report) {
  const { client, connectMs, server } = await connect(opts, policy, clientId, trust, report);
  try {
    const start = performance.now();
    let session;
    try {
      session = await bounded("session", opts.timeoutMs, client.createSession({
        type: UserTokenType.Certificate,
        certificateData: userId.der,
        keyOperations: userId.keyOperations(),
      }));
    } catch (err) {
      throw err instanceof CheckError ? err : new CheckError("session", `X.509 user ${userId.subject}: ${err.message}`, { cause: err });
    }
    const sessionMs = elapsed(start);
    report.ok("session", `X.509 user ${userId.subject} in ${sessionMs} ms`);
    try {
      const namespaces = await bounded("namespace", opts.timeoutMs, readNamespaceArray(session));
      const resolve = nodeIdResolver(namespaces);
      const browsed = await browse(opts, session, resolve);
      report.ok("browse", `${browsed.start}: ${browsed.children.join(", ")}`);
      if (browsed.into) {
        report.ok("browse", `${browsed.into.name}: ${browsed.into.children.join(", ")}`);
      }
      const reads = await read(opts, session, resolve);
      for (const r of reads) {
        report.ok("read", `${r.nodeId} = ${r.text}`);
      }
      const subscription = opts.subscribe ? await subscribe(opts, session, resolve) : undefined;
      if (subscription) {
        const notGood = Object.entries(subscription.notGood).map(([k, n]) => `${n} ${k}`).join(", ");
        report.ok("subscribe", `${subscription.nodeId}: ${subscription.notifications} Good notifications, ${subscription.distinct} distinct values `
          + `(${JSON.stringify(subscription.values[0])}..${JSON.stringify(subscription.values.at(-1))}), first after ${subscription.firstNotificationMs} ms, `
          + `all in ${subscription.totalMs} ms${notGood ? `; also ${notGood}` : ""}`);
      }
      return { policy, connectMs, sessionMs, server, browse: browsed, reads, subscription };
    } finally {
      await session.close().catch(() => undefined);
    }
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

// The positive checks over one security policy: X.509 user session, browse, read, subscribe.
import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItem,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  TimestampsToReturn,
  UserTokenType,
  readNamespaceArray,
} from "node-opcua-client";
import { bounded, connect, elapsed } from "./connect.mjs";
import { CheckError } from "./trust.mjs";
import { describe, nodeIdResolver } from "./values.mjs";
import { writeAndReadBack } from "./write.mjs";

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
  const result = { start: opts.browseStart, children: children.map((r) => r.browseName.name), into: [] };
  // down the --browse-into path, one level at a time: each folder must exist and have children
  let level = children;
  let where = opts.browseStart;
  for (const name of opts.browseInto) {
    const folder = level.find((r) => r.browseName.name === name);
    if (!folder) {
      throw new CheckError("browse", `no child '${name}' under ${where} (found: ${level.map((r) => r.browseName.name).join(", ")})`);
    }
    where = where === opts.browseStart ? name : `${where}/${name}`;
    level = await browseAll(session, folder.nodeId, opts.timeoutMs);
    if (level.length === 0) {
      throw new CheckError("browse", `${where} has no children`);
    }
    result.into.push({ name: where, nodeId: folder.nodeId.toString(), children: level.map((r) => r.browseName.name) });
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

/**
 * What makes notifications count: distinct values, or distinct source timestamps. With the latter
 * the item asks for trigger StatusValueTimestamp (OPC UA Part 4, 7.22.2), so that a server that
 * stamps every scan reports a value that did not change too.
 */
function counting(opts) {
  if (opts.countDistinct === "source-timestamp") {
    return {
      what: "source timestamps",
      key: (dataValue) => dataValue.sourceTimestamp?.toISOString() ?? "none",
      filter: new DataChangeFilter({ trigger: DataChangeTrigger.StatusValueTimestamp, deadbandType: DeadbandType.None }),
    };
  }
  return { what: "values", key: (dataValue) => describe(dataValue.value).value, filter: undefined };
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
  const count = counting(opts);
  const values = [];
  const keys = [];
  const notGood = {};
  let firstMs;
  try {
    await bounded("subscribe", opts.timeoutMs, new Promise((resolveWait, rejectWait) => {
      const item = ClientMonitoredItem.create(
        subscription,
        { nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: 50, discardOldest: true, queueSize: 10, filter: count.filter },
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
        keys.push(count.key(dataValue));
        if (distinctCount(keys) >= opts.notifications) {
          resolveWait();
        }
      });
    })).catch((err) => {
      if (err instanceof CheckError && err.message.startsWith("no answer")) {
        throw new CheckError("subscribe",
          `${values.length} Good notifications (${distinctCount(values)} distinct values, ${distinctCount(keys)} distinct ${count.what}) `
          + `of ${opts.subscribe} within ${opts.timeoutMs} ms, wanted ${opts.notifications} distinct ${count.what}; `
          + `not Good: ${JSON.stringify(notGood)}`);
      }
      throw err;
    });
  } finally {
    await subscription.terminate().catch(() => undefined);
  }
  return {
    nodeId: opts.subscribe,
    counting: opts.countDistinct,
    notifications: values.length,
    distinct: distinctCount(keys),
    distinctValues: distinctCount(values),
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
      for (const level of browsed.into) {
        report.ok("browse", `${level.name}: ${level.children.join(", ")}`);
      }
      const reads = await read(opts, session, resolve);
      for (const r of reads) {
        report.ok("read", `${r.nodeId} = ${r.text}`);
      }
      const writes = [];
      for (const w of opts.writes) {
        const written = await writeAndReadBack(opts, session, resolve, w);
        report.ok("write", `${w.nodeId} = ${written.text}: UserAccessLevel ${written.userAccessLevel} allows it, answered Good `
          + `in ${written.writeMs} ms, read back Good ${written.readBack} after ${written.readBackMs} ms (was ${written.before})`);
        writes.push(written);
      }
      const subscription = opts.subscribe ? await subscribe(opts, session, resolve) : undefined;
      if (subscription) {
        const notGood = Object.entries(subscription.notGood).map(([k, n]) => `${n} ${k}`).join(", ");
        const what = subscription.counting === "value" ? "values"
          : `source timestamps, ${subscription.distinctValues} distinct values`;
        report.ok("subscribe", `${subscription.nodeId}: ${subscription.notifications} Good notifications, ${subscription.distinct} distinct ${what} `
          + `(${JSON.stringify(subscription.values[0])}..${JSON.stringify(subscription.values.at(-1))}), first after ${subscription.firstNotificationMs} ms, `
          + `all in ${subscription.totalMs} ms${notGood ? `; also ${notGood}` : ""}`);
      }
      return { policy, connectMs, sessionMs, server, browse: browsed, reads, writes, subscription };
    } finally {
      await session.close().catch(() => undefined);
    }
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

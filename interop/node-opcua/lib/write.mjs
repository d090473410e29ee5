// Writes: a value written by a user whose role may write must be read back; a user whose role may
// not write must see it in UserAccessLevel and be refused with BadUserAccessDenied.
import {
  AttributeIds,
  ClientMonitoredItem,
  DataType,
  TimestampsToReturn,
  UserTokenType,
  readNamespaceArray,
} from "node-opcua-client";
import { bounded, connect, elapsed } from "./connect.mjs";
import { CheckError } from "./trust.mjs";
import { describe, nodeIdResolver, sameValue, toVariant } from "./values.mjs";

const CURRENT_WRITE = 0x02; // AccessLevel bit 1 (OPC UA Part 3, 8.57)
const ACCESS_BITS = ["CurrentRead", "CurrentWrite", "HistoryRead", "HistoryWrite", "SemanticChange", "StatusWrite", "TimestampWrite"];

function accessText(level) {
  const names = ACCESS_BITS.filter((_name, bit) => (level & (1 << bit)) !== 0);
  return `0x${level.toString(16).padStart(2, "0")} (${names.join("|") || "none"})`;
}

/**
 * The node's data type (its DataType attribute: a built-in type of namespace 0, whose numeric id
 * is the built-in type's number) and the session user's UserAccessLevel.
 */
async function writeTarget(step, opts, session, nodeId, text) {
  const [dataType, userAccess] = await bounded(step, opts.timeoutMs, session.read([
    { nodeId, attributeId: AttributeIds.DataType },
    { nodeId, attributeId: AttributeIds.UserAccessLevel },
  ]));
  for (const [what, dv] of [["DataType", dataType], ["UserAccessLevel", userAccess]]) {
    if (!dv.statusCode.isGood()) {
      throw new CheckError(step, `reading the ${what} of ${text} answered ${dv.statusCode.toString()}`);
    }
  }
  const typeId = dataType.value.value;
  if (typeId.namespace !== 0 || typeof typeId.value !== "number" || DataType[typeId.value] === undefined) {
    throw new CheckError(step, `${text} has the data type ${typeId.toString()}, not a built-in type this client can write`);
  }
  return { dataType: typeId.value, userAccessLevel: userAccess.value.value };
}

/** Waits (bounded) for a Good data change of the node that equals `expected`; returns its value. */
async function awaitValue(opts, session, nodeId, text, expected) {
  const subscription = await bounded("write", opts.timeoutMs, session.createSubscription2({
    requestedPublishingInterval: 100,
    requestedLifetimeCount: 100,
    requestedMaxKeepAliveCount: 10,
    maxNotificationsPerPublish: 100,
    publishingEnabled: true,
    priority: 1,
  }));
  let last;
  try {
    return await bounded("write", opts.timeoutMs, new Promise((resolveWait, rejectWait) => {
      const item = ClientMonitoredItem.create(
        subscription,
        { nodeId, attributeId: AttributeIds.Value },
        { samplingInterval: 50, discardOldest: true, queueSize: 10 },
        TimestampsToReturn.Both,
      );
      item.on("err", (message) => rejectWait(new CheckError("write", `monitoring ${text} for the read-back failed: ${message}`)));
      item.on("changed", (dataValue) => {
        last = `${describe(dataValue.value).text} ${dataValue.statusCode.name}`;
        if (dataValue.statusCode.isGood() && sameValue(describe(dataValue.value).value, expected)) {
          resolveWait(dataValue);
        }
      });
    })).catch((err) => {
      if (err instanceof CheckError && err.message.startsWith("no answer")) {
        throw new CheckError("write", `${text} did not read back ${expected} within ${opts.timeoutMs} ms (last: ${last ?? "no notification"})`);
      }
      throw err;
    });
  } finally {
    await subscription.terminate().catch(() => undefined);
  }
}

/**
 * Writes `value` to `nodeId` as the session's user: the node's UserAccessLevel must allow it, the
 * write must answer Good, and the node must then hold the value (a monitored item waits for it,
 * since a server may update the node after answering, as the gateway does at its next scan) and
 * read it back Good.
 */
export async function writeAndReadBack(opts, session, resolve, { nodeId: text, value }) {
  const nodeId = resolve(text);
  const target = await writeTarget("write", opts, session, nodeId, text);
  if ((target.userAccessLevel & CURRENT_WRITE) === 0) {
    throw new CheckError("write", `the UserAccessLevel of ${text} for this user is ${accessText(target.userAccessLevel)}: no CurrentWrite`);
  }
  const variant = toVariant("write", target.dataType, value);
  const [before] = await bounded("write", opts.timeoutMs, session.read([{ nodeId, attributeId: AttributeIds.Value }]));
  const start = performance.now();
  const status = await bounded("write", opts.timeoutMs, session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } }));
  if (!status.isGood()) {
    throw new CheckError("write", `writing ${value} to ${text} answered ${status.toString()}`);
  }
  const writeMs = elapsed(start);
  await awaitValue(opts, session, nodeId, text, variant.value);
  const readBackMs = elapsed(start);
  const [after] = await bounded("write", opts.timeoutMs, session.read([{ nodeId, attributeId: AttributeIds.Value }]));
  const readBack = describe(after.value);
  if (!after.statusCode.isGood() || !sameValue(readBack.value, variant.value)) {
    throw new CheckError("write", `${text} reads ${readBack.text} ${after.statusCode.toString()} after the write of ${value}`);
  }
  return {
    nodeId: text,
    value: variant.value,
    text: describe(variant).text,
    userAccessLevel: accessText(target.userAccessLevel),
    before: describe(before.value).text,
    writeMs,
    readBack: readBack.text,
    readBackMs,
  };
}

/**
 * As the --denied-user-* X.509 user: the node's UserAccessLevel must lack CurrentWrite and a write
 * must be refused with BadUserAccessDenied (OPC UA Part 4, 5.10.4: the user may not write).
 */
export async function checkWriteDenied(opts, policy, clientId, deniedUser, trust, report) {
  const { client } = await connect(opts, policy, clientId, trust, report);
  try {
    let session;
    try {
      session = await bounded("write-denied", opts.timeoutMs, client.createSession({
        type: UserTokenType.Certificate,
        certificateData: deniedUser.der,
        keyOperations: deniedUser.keyOperations(),
      }));
    } catch (err) {
      throw err instanceof CheckError ? err : new CheckError("write-denied", `X.509 user ${deniedUser.subject}: ${err.message}`, { cause: err });
    }
    try {
      const { nodeId: text, value } = opts.writeDenied;
      const resolve = nodeIdResolver(await bounded("write-denied", opts.timeoutMs, readNamespaceArray(session)));
      const nodeId = resolve(text);
      const target = await writeTarget("write-denied", opts, session, nodeId, text);
      if ((target.userAccessLevel & CURRENT_WRITE) !== 0) {
        throw new CheckError("write-denied", `the UserAccessLevel of ${text} for ${deniedUser.subject} is ${accessText(target.userAccessLevel)}: it allows writing`);
      }
      const variant = toVariant("write-denied", target.dataType, value);
      const start = performance.now();
      const status = await bounded("write-denied", opts.timeoutMs, session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } }));
      const ms = elapsed(start);
      const name = status.name;
      if (name !== "BadUserAccessDenied") {
        throw new CheckError("write-denied", `writing ${value} to ${text} as ${deniedUser.subject} answered ${status.toString()}, wanted BadUserAccessDenied`);
      }
      report.ok("write-denied", `${deniedUser.subject}: UserAccessLevel ${accessText(target.userAccessLevel)}, `
        + `writing ${value} to ${text} refused with ${name} in ${ms} ms`);
      return { ok: true, user: deniedUser.subject, status: name, ms, userAccessLevel: accessText(target.userAccessLevel) };
    } finally {
      await session.close().catch(() => undefined);
    }
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

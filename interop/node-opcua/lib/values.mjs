// Node ids and values: namespace URIs resolved to indexes, values turned into JSON and text, and
// text turned into a Variant of a node's data type (for writes).
import { DataType, Variant, resolveNodeId } from "node-opcua-client";
import { CheckError } from "./trust.mjs";

/** 'nsu=URI;s=...' to 'ns=INDEX;s=...' through the server's NamespaceArray (node-opcua wants indexes). */
export function nodeIdResolver(namespaces) {
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
export function describe(variant) {
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


const INTEGER_TYPES = new Set([DataType.SByte, DataType.Byte, DataType.Int16, DataType.UInt16, DataType.Int32, DataType.UInt32]);

/**
 * `text` as a scalar Variant of `dataType` (the data type of the node's current value, so that the
 * server gets the type it declares: OPC UA Part 4, 5.10.4 lets it refuse another with
 * BadTypeMismatch). Throws a CheckError for a type or text it cannot convert.
 */
export function toVariant(step, dataType, text) {
  const name = DataType[dataType] ?? String(dataType);
  let value;
  if (dataType === DataType.Double || dataType === DataType.Float) {
    value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) {
      throw new CheckError(step, `'${text}' is not a number (the node holds a ${name})`);
    }
  } else if (INTEGER_TYPES.has(dataType)) {
    value = Number(text);
    if (!Number.isInteger(value)) {
      throw new CheckError(step, `'${text}' is not an integer (the node holds a ${name})`);
    }
  } else if (dataType === DataType.Boolean && (text === "true" || text === "false")) {
    value = text === "true";
  } else if (dataType === DataType.String) {
    value = text;
  } else {
    throw new CheckError(step, `cannot write '${text}' to a node of type ${name} (this client writes numbers, Booleans and strings)`);
  }
  return new Variant({ dataType, value });
}

/**
 * Whether a value read back equals the one written: numbers within a relative 1e-9 (a scaled
 * register value such as 5150 × 0.01 carries binary rounding), anything else exactly.
 */
export function sameValue(read, written) {
  if (typeof read === "number" && typeof written === "number") {
    return Math.abs(read - written) <= 1e-9 * Math.max(1, Math.abs(written));
  }
  return JSON.stringify(read) === JSON.stringify(written);
}

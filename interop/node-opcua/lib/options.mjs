// Command-line options of client.mjs: parsed and validated once, so the checks see only a frozen,
// complete configuration. A usage error names the option and exits with code 2.
import { parseArgs } from "node:util";

export const POLICIES = ["Basic256Sha256", "Aes256_Sha256_RsaPss"];
const COUNT_DISTINCT = ["value", "source-timestamp"];

export const USAGE = `usage: node client.mjs --endpoint opc.tcp://HOST:PORT/PATH
         --client-cert FILE.pem --client-key FILE.pem [--client-uri URI]
         --user-cert FILE.pem --user-key FILE.pem
         --ca PKI_DIR|CA.pem [--crl CRL.pem]
         [--security-policy Basic256Sha256|Aes256_Sha256_RsaPss[,...]]
         [--browse-start NODE_ID] [--browse-into NAME[/NAME...]]
         [--read NODE_ID]... [--write NODE_ID=VALUE]...
         [--subscribe NODE_ID [--notifications N] [--count-distinct value|source-timestamp]]
         [--check-anonymous-refused] [--check-untrusted-server-refused]
         [--check-write-denied NODE_ID=VALUE --denied-user-cert FILE.pem --denied-user-key FILE.pem]
         [--timeout-ms MS] [--json]

Connects with MessageSecurityMode SignAndEncrypt, validating the server certificate against the CA
(never auto-accepting it), opens a session as the X.509 user, browses, reads, subscribes, and exits 0
only if every check passed (1 if one failed, 2 for a usage error). A check runs only when its
options are given.

  --ca               a PKI directory (ca-chain.pem, else root-ca.crt.pem) or a PEM file of CA certificates
  --crl              PEM file with the CRLs of every CA (default: crl.pem in, or beside, --ca)
  --client-uri       the application URI; must equal the client certificate's SAN URI (default: that URI)
  --browse-start     node browsed first (default i=85, the Objects folder)
  --browse-into      a path of browse names below --browse-start, each browsed in turn and needing
                     children: 'Status', 'Pairs/tank-1/Tags'
  --read, --subscribe  node ids; 'nsu=URI;s=...' is resolved through the server's NamespaceArray
  --write            as the user: the node's UserAccessLevel must allow writing, the write must answer
                     Good and the node must then read the value back (VALUE is converted to the
                     node's data type; the node id ends at the last '=')
  --notifications    data changes to wait for (default 5)
  --count-distinct   what makes them count: 'value' (default: distinct Good values) or
                     'source-timestamp' (distinct source timestamps of Good values; the monitored
                     item then asks for trigger StatusValueTimestamp)
  --check-anonymous-refused        also check that an anonymous session is refused by the server
  --check-untrusted-server-refused also check that the client refuses the server when the CA is not trusted
  --check-write-denied             also check, as the --denied-user-* X.509 user, that the node's
                     UserAccessLevel forbids writing and that the write answers BadUserAccessDenied
  --timeout-ms       bound of each step (default 10000)
  --json             print only the JSON summary`;

/** A usage error: the message names the option at fault. */
export class UsageError extends Error {}

/** Parses argv (without node and the script) into a frozen options object, or throws UsageError. */
export function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        endpoint: { type: "string" },
        "security-policy": { type: "string", default: POLICIES[0] },
        "client-cert": { type: "string" },
        "client-key": { type: "string" },
        "client-uri": { type: "string" },
        "user-cert": { type: "string" },
        "user-key": { type: "string" },
        ca: { type: "string" },
        crl: { type: "string" },
        "browse-start": { type: "string", default: "i=85" },
        "browse-into": { type: "string" },
        read: { type: "string", multiple: true, default: [] },
        write: { type: "string", multiple: true, default: [] },
        subscribe: { type: "string" },
        notifications: { type: "string", default: "5" },
        "count-distinct": { type: "string", default: "value" },
        "check-anonymous-refused": { type: "boolean", default: false },
        "check-untrusted-server-refused": { type: "boolean", default: false },
        "check-write-denied": { type: "string" },
        "denied-user-cert": { type: "string" },
        "denied-user-key": { type: "string" },
        "timeout-ms": { type: "string", default: "10000" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err.message);
  }
  const v = parsed.values;
  if (v.help) {
    return Object.freeze({ help: true });
  }
  for (const name of ["endpoint", "client-cert", "client-key", "user-cert", "user-key", "ca"]) {
    if (!v[name]) {
      throw new UsageError(`--${name} is required`);
    }
  }
  if (!/^opc\.tcp:\/\/[^/]+/.test(v.endpoint)) {
    throw new UsageError(`--endpoint must be an opc.tcp:// URL, got '${v.endpoint}'`);
  }
  const policies = v["security-policy"].split(",").map((p) => p.trim());
  for (const p of policies) {
    if (!POLICIES.includes(p)) {
      throw new UsageError(`--security-policy: '${p}' is not one of ${POLICIES.join(", ")}`);
    }
  }
  if (!COUNT_DISTINCT.includes(v["count-distinct"])) {
    throw new UsageError(`--count-distinct must be one of ${COUNT_DISTINCT.join(", ")}, got '${v["count-distinct"]}'`);
  }
  const denied = ["check-write-denied", "denied-user-cert", "denied-user-key"].filter((name) => v[name]);
  if (denied.length > 0 && denied.length < 3) {
    throw new UsageError("--check-write-denied, --denied-user-cert and --denied-user-key go together");
  }
  return Object.freeze({
    help: false,
    endpoint: v.endpoint,
    policies,
    clientCert: v["client-cert"],
    clientKey: v["client-key"],
    clientUri: v["client-uri"],
    userCert: v["user-cert"],
    userKey: v["user-key"],
    ca: v.ca,
    crl: v.crl,
    browseStart: v["browse-start"],
    browseInto: v["browse-into"] ? v["browse-into"].split("/").filter((name) => name.length > 0) : [],
    reads: v.read,
    writes: v.write.map((text) => nodeValue("write", text)),
    subscribe: v.subscribe,
    notifications: positiveInt("notifications", v.notifications),
    countDistinct: v["count-distinct"],
    checkAnonymousRefused: v["check-anonymous-refused"],
    checkUntrustedServerRefused: v["check-untrusted-server-refused"],
    writeDenied: v["check-write-denied"] ? nodeValue("check-write-denied", v["check-write-denied"]) : undefined,
    deniedUserCert: v["denied-user-cert"],
    deniedUserKey: v["denied-user-key"],
    timeoutMs: positiveInt("timeout-ms", v["timeout-ms"]),
    json: v.json,
  });
}

/** 'NODE_ID=VALUE' split at the last '=' (node ids hold '=' themselves: 'nsu=...;s=...'). */
function nodeValue(name, text) {
  const at = text.lastIndexOf("=");
  if (at <= 0 || at === text.length - 1) {
    throw new UsageError(`--${name} must be NODE_ID=VALUE, got '${text}'`);
  }
  return Object.freeze({ nodeId: text.slice(0, at), value: text.slice(at + 1) });
}

function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got '${text}'`);
  }
  return n;
}

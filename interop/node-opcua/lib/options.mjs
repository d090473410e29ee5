// Command-line options of client.mjs: parsed and validated once, so the checks see only a frozen,
// complete configuration. A usage error names the option and exits with code 2.
import { parseArgs } from "node:util";

export const POLICIES = ["Basic256Sha256", "Aes256_Sha256_RsaPss"];

export const USAGE = `usage: node client.mjs --endpoint opc.tcp://HOST:PORT/PATH
         --client-cert FILE.pem --client-key FILE.pem [--client-uri URI]
         --user-cert FILE.pem --user-key FILE.pem
         --ca PKI_DIR|CA.pem [--crl CRL.pem]
         [--security-policy Basic256Sha256|Aes256_Sha256_RsaPss[,...]]
         [--browse-start NODE_ID] [--browse-into NAME]
         [--read NODE_ID]... [--subscribe NODE_ID [--notifications N]]
         [--check-anonymous-refused] [--check-untrusted-server-refused]
         [--timeout-ms MS] [--json]

Connects with MessageSecurityMode SignAndEncrypt, validating the server certificate against the CA
(never auto-accepting it), opens a session as the X.509 user, browses, reads, subscribes, and exits 0
only if every check passed (1 if one failed, 2 for a usage error).

  --ca               a PKI directory (ca-chain.pem, else root-ca.crt.pem) or a PEM file of CA certificates
  --crl              PEM file with the CRLs of every CA (default: crl.pem in, or beside, --ca)
  --client-uri       the application URI; must equal the client certificate's SAN URI (default: that URI)
  --browse-start     node browsed first (default i=85, the Objects folder)
  --browse-into      browse name of a child of --browse-start that is browsed too (one level)
  --read, --subscribe  node ids; 'nsu=URI;s=...' is resolved through the server's NamespaceArray
  --notifications    data changes with distinct values to wait for (default 5)
  --check-anonymous-refused        also check that an anonymous session is refused by the server
  --check-untrusted-server-refused also check that the client refuses the server when the CA is not trusted
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
        subscribe: { type: "string" },
        notifications: { type: "string", default: "5" },
        "check-anonymous-refused": { type: "boolean", default: false },
        "check-untrusted-server-refused": { type: "boolean", default: false },
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
    browseInto: v["browse-into"],
    reads: v.read,
    subscribe: v.subscribe,
    notifications: positiveInt("notifications", v.notifications),
    checkAnonymousRefused: v["check-anonymous-refused"],
    checkUntrustedServerRefused: v["check-untrusted-server-refused"],
    timeoutMs: positiveInt("timeout-ms", v["timeout-ms"]),
    json: v.json,
  });
}

function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got '${text}'`);
  }
  return n;
}

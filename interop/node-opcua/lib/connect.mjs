// Connecting: one node-opcua client per attempt, SignAndEncrypt with one security policy, the
// server certificate validated by our trust store (never accepted because it is unknown).
import { X509Certificate } from "node:crypto";
import { MessageSecurityMode, OPCUAClient, SecurityPolicy } from "node-opcua-client";
import { split_der } from "node-opcua-crypto";
import { CheckError } from "./trust.mjs";

const APPLICATION_NAME = "failover-interop-node-opcua";

/** Resolves with the promise's value, or throws a CheckError naming the step after `ms`. */
export async function bounded(step, ms, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckError(step, `no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds since `start` (a performance.now() value), rounded. */
export function elapsed(start) {
  return Math.round(performance.now() - start);
}

/** A client with our application certificate and trust store; not connected. */
export function newClient(opts, policy, identity, trust) {
  return OPCUAClient.create({
    applicationName: APPLICATION_NAME,
    applicationUri: identity.uri,
    certificateFile: identity.certFile,
    privateKeyFile: identity.keyFile,
    clientCertificateManager: trust.manager,
    securityMode: MessageSecurityMode.SignAndEncrypt,
    securityPolicy: SecurityPolicy[policy],
    endpointMustExist: false,
    keepSessionAlive: false,
    requestedSessionTimeout: 60_000,
    // one attempt: a failure is reported, not retried in the background
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
}

function serverCertificateInfo(client) {
  // the endpoint's certificate field may hold the whole chain (DER, concatenated): the leaf comes first
  const leaf = new X509Certificate(split_der(client.serverCertificate)[0]);
  const uri = (leaf.subjectAltName ?? "").split(/,\s*/).find((e) => e.startsWith("URI:"))?.slice(4);
  return { subject: leaf.subject.replace(/\n/g, ", "), issuer: leaf.issuer.replace(/\n/g, ", "), uri };
}

/**
 * Connects (GetEndpoints, server certificate validation, OpenSecureChannel) and checks that the
 * server offers SignAndEncrypt with the policy and that its certificate's SAN URI is its
 * applicationUri. Returns the connected client, which the caller disconnects.
 */
export async function connect(opts, policy, identity, trust, report) {
  const client = newClient(opts, policy, identity, trust);
  const start = performance.now();
  try {
    await bounded("connect", opts.timeoutMs, client.connect(opts.endpoint));
  } catch (err) {
    await client.disconnect().catch(() => undefined);
    throw err instanceof CheckError ? err : new CheckError("connect", `${policy}: ${err.message}`, { cause: err });
  }
  const connectMs = elapsed(start);
  const endpoint = client.findEndpointForSecurity(MessageSecurityMode.SignAndEncrypt, SecurityPolicy[policy]);
  if (!endpoint) {
    await client.disconnect();
    throw new CheckError("connect", `the server offers no SignAndEncrypt endpoint with ${policy}`);
  }
  const server = serverCertificateInfo(client);
  // OPC UA Part 4, 6.1.3 (certificate validation, URI check) and Part 6, 6.2.2: the SAN URI is the applicationUri
  if (server.uri !== endpoint.server.applicationUri) {
    await client.disconnect();
    throw new CheckError("connect", `server certificate URI ${server.uri} is not the server's applicationUri ${endpoint.server.applicationUri}`);
  }
  report.ok("connect", `${policy} SignAndEncrypt in ${connectMs} ms; server ${server.uri} (${server.subject}), certificate validated against the CA`);
  return { client, connectMs, server };
}

/** The status code name (Bad...) of a refusal, or undefined if the error carries none. */
export function badStatus(err) {
  return /\b(Bad[A-Za-z]+)\b/.exec(err?.message ?? "")?.[1];
}

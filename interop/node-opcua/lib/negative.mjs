// The negative checks: the server refuses an anonymous session; the client refuses a server whose
// CA it does not trust.
import { SecurityPolicy, UserTokenPolicy, UserTokenType } from "node-opcua-client";
import { badStatus, bounded, connect, elapsed, newClient } from "./connect.mjs";
import { CheckError } from "./trust.mjs";

/**
 * Opens a session with an anonymous identity token: the server must refuse it. When the endpoint
 * does not offer an anonymous token policy node-opcua refuses locally, without asking the server,
 * so an anonymous policy is added to the client's copy of the endpoint to send the token anyway.
 */
export async function checkAnonymousRefused(opts, policy, clientId, trust, report) {
  const { client } = await connect(opts, policy, clientId, trust, report);
  try {
    // node-opcua picks the session's endpoint from this cached list (pinned version: see package.json)
    const endpoints = client._serverEndpoints;
    if (!Array.isArray(endpoints) || endpoints.length === 0) {
      throw new CheckError("anonymous", "node-opcua's endpoint list is not where this client expects it (package upgraded?)");
    }
    const advertised = endpoints.some((e) => e.securityPolicyUri === SecurityPolicy[policy]
      && (e.userIdentityTokens ?? []).some((t) => t.tokenType === UserTokenType.Anonymous));
    if (!advertised) {
      for (const e of endpoints) {
        e.userIdentityTokens = [...(e.userIdentityTokens ?? []),
          new UserTokenPolicy({ policyId: "anonymous", tokenType: UserTokenType.Anonymous })];
      }
    }
    const start = performance.now();
    let session;
    try {
      session = await bounded("anonymous", opts.timeoutMs, client.createSession({ type: UserTokenType.Anonymous }));
    } catch (err) {
      const status = badStatus(err);
      if (err instanceof CheckError || !status) {
        throw new CheckError("anonymous", `no refusal from the server: ${err.message}`, { cause: err });
      }
      const ms = elapsed(start);
      report.ok("anonymous", `refused by the server with ${status} in ${ms} ms (anonymous policy advertised: ${advertised})`);
      return { ok: true, status, ms, advertised };
    }
    await session.close().catch(() => undefined);
    throw new CheckError("anonymous", "the server accepted an anonymous session");
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

/** Connects with a trust store that holds no CA: the client must refuse the server's certificate. */
export async function checkUntrustedServerRefused(opts, policy, clientId, emptyTrust, report) {
  const client = newClient(opts, policy, clientId, emptyTrust);
  const start = performance.now();
  try {
    await bounded("untrusted-server", opts.timeoutMs, client.connect(opts.endpoint));
  } catch (err) {
    const status = badStatus(err);
    if (err instanceof CheckError || !(status?.startsWith("BadCertificate") || status === "BadSecurityChecksFailed")) {
      throw new CheckError("untrusted-server", `failed, but not on the server certificate: ${err.message}`, { cause: err });
    }
    const ms = elapsed(start);
    report.ok("untrusted-server", `without the CA the client refused the server certificate with ${status} in ${ms} ms`);
    return { ok: true, status, ms };
  } finally {
    await client.disconnect().catch(() => undefined);
  }
  throw new CheckError("untrusted-server", "connected to a server whose CA is not trusted (unknown certificates are accepted)");
}

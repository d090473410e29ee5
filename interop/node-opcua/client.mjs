#!/usr/bin/env node
// An OPC UA client of an independent stack (node-opcua) that checks a server of the project:
// see `node client.mjs --help` and docs/interop.md. Exit 0: every check passed; 1: one failed
// (the message names it); 2: usage error.
import { format } from "node:util";
import { setErrorLogger, setWarningLogger } from "node-opcua-debug";

// node-opcua logs through console.log (standard output): send its warnings and errors to standard
// error so that standard output carries only our report. W27 is a notice about RSA PKCS#1 v1.5
// encryption on Node 20, which none of the policies used here needs.
const toStderr = (mark) => (_context, ...args) => {
  const text = format(...args);
  if (!/NODE-OPCUA-W27|security-revert=CVE-2023-46809/.test(text)) {
    process.stderr.write(`[node-opcua ${mark}] ${text}\n`);
  }
};
setWarningLogger(toStderr("W"));
setErrorLogger(toStderr("E"));

// imported after the loggers are set: node-opcua warns while its modules load
const { parseOptions, UsageError, USAGE } = await import("./lib/options.mjs");
const { CheckError, createTrustStore, loadIdentity, resolveCaFiles } = await import("./lib/trust.mjs");
const { runPolicy } = await import("./lib/checks.mjs");
const { checkAnonymousRefused, checkUntrustedServerRefused } = await import("./lib/negative.mjs");
const { checkWriteDenied } = await import("./lib/write.mjs");

let opts;
try {
  opts = parseOptions(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`client.mjs: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  throw err;
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const summary = { ok: false, endpoint: opts.endpoint, policies: [], negative: {} };
const report = {
  ok(step, text) {
    if (!opts.json) {
      process.stdout.write(`ok    ${step.padEnd(17)}${text}\n`);
    }
  },
};

const closers = [];
const started = performance.now();
try {
  const clientId = loadIdentity("client-certificate", opts.clientCert, opts.clientKey);
  if (!clientId.uri) {
    throw new CheckError("client-certificate", `${opts.clientCert} has no SAN URI: an OPC UA application certificate needs one`);
  }
  if (opts.clientUri && opts.clientUri !== clientId.uri) {
    throw new CheckError("client-certificate", `--client-uri ${opts.clientUri} is not the certificate's SAN URI ${clientId.uri}`);
  }
  const userId = loadIdentity("user-certificate", opts.userCert, opts.userKey);
  const deniedId = opts.writeDenied ? loadIdentity("denied-user-certificate", opts.deniedUserCert, opts.deniedUserKey) : undefined;
  const trust = await createTrustStore(resolveCaFiles(opts.ca, opts.crl));
  closers.push(() => trust.close());
  report.ok("trust", `${trust.caSubjects.length} CA certificates (${trust.caSubjects.join("; ")}), ${trust.crlCount} CRLs; unknown certificates rejected`);

  for (const policy of opts.policies) {
    summary.policies.push(await runPolicy(opts, policy, clientId, userId, trust, report));
  }
  if (opts.checkAnonymousRefused) {
    summary.negative.anonymous = await checkAnonymousRefused(opts, opts.policies[0], clientId, trust, report);
  }
  if (deniedId) {
    summary.negative.writeDenied = await checkWriteDenied(opts, opts.policies[0], clientId, deniedId, trust, report);
  }
  if (opts.checkUntrustedServerRefused) {
    const empty = await createTrustStore();
    closers.push(() => empty.close());
    summary.negative.untrustedServer = await checkUntrustedServerRefused(opts, opts.policies[0], clientId, empty, report);
  }
  summary.ok = true;
} catch (err) {
  summary.error = err instanceof CheckError ? { step: err.step, message: err.message } : { step: "internal", message: err.stack ?? String(err) };
} finally {
  for (const close of closers.reverse()) {
    await close().catch((err) => process.stderr.write(`cleanup: ${err.message}\n`));
  }
}
summary.totalMs = Math.round(performance.now() - started);

if (opts.json) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else if (summary.ok) {
  process.stdout.write(`PASS  all checks against ${opts.endpoint} in ${summary.totalMs} ms\n`);
  process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
} else {
  process.stdout.write(`FAIL  ${summary.error.step}: ${summary.error.message.replace(/\s*\n\s*/g, " ")}\n`);
}
// node-opcua keeps timers (clock adjustment, file watchers) alive after a failure: exit explicitly
process.exit(summary.ok ? 0 : 1);

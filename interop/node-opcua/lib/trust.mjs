// Certificates, keys and the trust store of the client. node-opcua's certificate manager trusts by
// folders: the CA certificates and their CRLs are copied into a fresh temporary PKI folder that is
// removed on close. Its default manager accepts any unknown server certificate; ours never does.
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { OPCUACertificateManager } from "node-opcua-certificate-manager";
import { keyOperationsFromPrivateKey, readPrivateKey } from "node-opcua-crypto";

/** A failed check: the message says what failed and, where it can, why. */
export class CheckError extends Error {
  constructor(step, message, options) {
    super(message, options);
    this.step = step;
  }
}

const PEM_BLOCK = (label) => new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, "g");

function readPemBlocks(step, file, label) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CheckError(step, `cannot read ${file}: ${err.message}`, { cause: err });
  }
  const blocks = text.match(PEM_BLOCK(label)) ?? [];
  if (blocks.length === 0) {
    throw new CheckError(step, `${file} holds no PEM '${label}' block`);
  }
  return blocks.map((b) => `${b}\n`);
}

function sanUri(certificate) {
  const entries = (certificate.subjectAltName ?? "").split(/,\s*/);
  const uri = entries.find((e) => e.startsWith("URI:"));
  return uri ? uri.slice(4) : undefined;
}

/**
 * Reads a certificate (first PEM block) and its private key, and checks that they belong together
 * and that the key is RSA (the OPC UA policies used here, and X.509 user token signatures, are RSA).
 */
export function loadIdentity(step, certFile, keyFile) {
  const pem = readPemBlocks(step, certFile, "CERTIFICATE")[0];
  const certificate = new X509Certificate(pem);
  let key;
  try {
    key = createPrivateKey(readFileSync(keyFile));
  } catch (err) {
    throw new CheckError(step, `cannot read the private key ${keyFile}: ${err.message}`, { cause: err });
  }
  const spki = (k) => k.export({ type: "spki", format: "der" });
  if (!spki(createPublicKey(key)).equals(spki(certificate.publicKey))) {
    throw new CheckError(step, `the key ${keyFile} does not belong to the certificate ${certFile}`);
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new CheckError(step, `${certFile} has a ${key.asymmetricKeyType} key; OPC UA RSA policies need RSA`);
  }
  return {
    certFile,
    keyFile,
    certificate,
    der: certificate.raw,
    uri: sanUri(certificate),
    subject: certificate.subject.replace(/\n/g, ", "),
    keyOperations: () => keyOperationsFromPrivateKey(readPrivateKey(keyFile)),
  };
}

/** The CA certificate file and CRL file named by --ca and --crl, as the project's tools read them. */
export function resolveCaFiles(ca, crl) {
  let caFile = ca;
  let crlFile = crl;
  if (existsSync(ca) && statSync(ca).isDirectory()) {
    caFile = existsSync(join(ca, "ca-chain.pem")) ? join(ca, "ca-chain.pem") : join(ca, "root-ca.crt.pem");
    crlFile ??= join(ca, "crl.pem");
  } else {
    crlFile ??= join(dirname(ca), "crl.pem");
  }
  for (const [what, file] of [["CA certificates", caFile], ["CRL", crlFile]]) {
    if (!existsSync(file)) {
      throw new CheckError("trust", `${what} file ${file} is missing (give --ca PKI_DIR or --ca CA.pem [--crl CRL.pem])`);
    }
  }
  return { caFile, crlFile };
}

/**
 * A certificate manager in a new temporary folder that trusts exactly the given CAs (every CA of
 * the chain goes to trusted/: node-opcua accepts a certificate only when its direct issuer is
 * trusted) and knows their CRLs, one per file (node-opcua reads one CRL per file). Unknown
 * certificates are rejected, never accepted. An empty store (no files) trusts nothing.
 */
export async function createTrustStore({ caFile, crlFile } = {}) {
  const root = mkdtempSync(join(tmpdir(), "interop-opcua-pki-"));
  const cas = caFile ? readPemBlocks("trust", caFile, "CERTIFICATE") : [];
  const crls = crlFile ? readPemBlocks("trust", crlFile, "X509 CRL") : [];
  mkdirSync(join(root, "trusted", "certs"), { recursive: true });
  mkdirSync(join(root, "trusted", "crl"), { recursive: true });
  cas.forEach((pem, i) => writeFileSync(join(root, "trusted", "certs", `ca-${i + 1}.pem`), pem));
  crls.forEach((pem, i) => writeFileSync(join(root, "trusted", "crl", `crl-${i + 1}.pem`), pem));
  const manager = new OPCUACertificateManager({
    rootFolder: root,
    automaticallyAcceptUnknownCertificate: false,
  });
  try {
    await manager.initialize();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw new CheckError("trust", `cannot initialise the trust store in ${root}: ${err.message}`, { cause: err });
  }
  return {
    root,
    manager,
    caSubjects: cas.map((pem) => new X509Certificate(pem).subject.replace(/\n/g, ", ")),
    crlCount: crls.length,
    async close() {
      await manager.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A self-signed certificate for `localhost` and `127.0.0.1`, made by openssl for this test run (never
 * committed): the tenant and the test SPA serve HTTPS with it, so Auth0's SDKs (which only speak
 * `https://{domain}`) run against them unchanged.
 */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo, for Chromium's `--ignore-certificate-errors-spki-list`. */
  readonly spkiSha256: string;
  /** A fetch that trusts this certificate (and only the usual roots besides). */
  readonly fetch: typeof fetch;
  remove(): void;
}

export function createTestCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'test-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const configFile = join(dir, 'openssl.cnf');
  writeFileSync(
    configFile,
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = ext',
      'prompt = no',
      '[dn]',
      'CN = localhost',
      '[ext]',
      'subjectAltName = DNS:localhost, IP:127.0.0.1',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, digitalSignature, keyCertSign',
      'extendedKeyUsage = serverAuth',
    ].join('\n'),
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-config',
      configFile,
    ],
    { stdio: 'pipe' },
  );
  const certPem = readFileSync(certFile, 'utf8');
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const agent = new Agent({ connect: { ca: certPem } });
  const trustingFetch = ((input: string | URL, init?: Record<string, unknown>) =>
    undiciFetch(input, { ...init, dispatcher: agent })) as unknown as typeof fetch;
  return {
    certFile,
    keyFile,
    certPem,
    keyPem: readFileSync(keyFile, 'utf8'),
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    fetch: trustingFetch,
    remove() {
      void agent.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

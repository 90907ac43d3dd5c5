/**
 * The server side of Cognito's SRP-6a (USER_SRP_AUTH → PASSWORD_VERIFIER), with node:crypto and BigInt.
 * Hand-written: no maintained package does Cognito's server side (the SRP packages on npm are clients, or
 * SRP-6a without Cognito's variations), and the variations are what a client checks. They are taken from the
 * client every Amplify v6 app runs (`@aws-amplify/auth`, providers/cognito/utils/srp), the same as
 * amazon-cognito-identity-js's AuthenticationHelper:
 * - the 3072-bit MODP group of RFC 3526, g = 2, k = H(pad(N) | pad(g));
 * - H is SHA-256 over the bytes of hex strings, "pad" the two's-complement hex of Java's BigInteger (even
 *   length, a 00 byte before a high bit);
 * - x = H(pad(salt) | H(poolName | userId | ":" | password)), where poolName is the pool id after "_" and
 *   userId the USER_ID_FOR_SRP the server names; u = H(pad(A) | pad(B));
 * - the key is HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key" | 0x01), 16 bytes;
 * - the claim is base64(HMAC-SHA256(key, poolName | userId | secretBlock bytes | timestamp)).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
export const SRP_N = BigInt(`0x${N_HEX}`);
export const SRP_G = 2n;

/** Java BigInteger's toByteArray() as hex, for non-negative values: even length, 00 before a high bit. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const hashHex = (hex: string) => BigInt(`0x${sha256(Buffer.from(hex, 'hex')).toString('hex')}`);
const randomBig = (bytes: number) => BigInt(`0x${randomBytes(bytes).toString('hex')}`);

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

const SRP_K = hashHex(padHex(SRP_N) + padHex(SRP_G));

/** What the server keeps instead of the password: a salt and v = g^x. */
export interface SrpVerifier {
  readonly salt: bigint;
  readonly verifier: bigint;
}

/** Cognito's pool name in SRP: the pool id after its region (`us-east-1_AbC` → `AbC`). */
export const srpPoolName = (poolId: string) => poolId.split('_')[1] ?? '';

export function srpVerifier(poolName: string, userId: string, password: string): SrpVerifier {
  const salt = randomBig(16);
  const inner = sha256(`${poolName}${userId}:${password}`).toString('hex');
  const x = hashHex(padHex(salt) + inner);
  return { salt, verifier: modPow(SRP_G, x, SRP_N) };
}

/** The server's ephemeral pair for one sign-in: b secret, B = k·v + g^b sent as SRP_B. */
export function srpServerPair(verifier: bigint): { b: bigint; B: bigint } {
  for (;;) {
    const b = randomBig(32);
    const B = (SRP_K * verifier + modPow(SRP_G, b, SRP_N)) % SRP_N;
    if (B !== 0n) return { b, B };
  }
}

/** The client's A as the SRP_A hex it sent, or undefined when it is not a usable value (A mod N = 0). */
export function parseSrpA(hex: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,1600}$/.test(hex)) return undefined;
  const A = BigInt(`0x${hex}`);
  return A % SRP_N === 0n ? undefined : A;
}

export interface SrpProof {
  readonly poolName: string;
  readonly userId: string;
  readonly A: bigint;
  readonly B: bigint;
  readonly b: bigint;
  readonly verifier: bigint;
  /** SECRET_BLOCK as sent (base64). */
  readonly secretBlock: string;
  readonly timestamp: string;
}

/** The 16-byte key both sides derive: S = (A · v^u)^b, through Cognito's HKDF. */
export function srpSessionKey(proof: Pick<SrpProof, 'A' | 'B' | 'b' | 'verifier'>): Buffer {
  const u = hashHex(padHex(proof.A) + padHex(proof.B));
  if (u === 0n) throw new Error('SRP: u is zero');
  const S = modPow((proof.A * modPow(proof.verifier, u, SRP_N)) % SRP_N, proof.b, SRP_N);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
    .update(Buffer.from(padHex(S), 'hex'))
    .digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

/** The PASSWORD_CLAIM_SIGNATURE a client that knows the password sends. */
export function srpClaimSignature(key: Buffer, proof: Omit<SrpProof, 'A' | 'B' | 'b' | 'verifier'>): Buffer {
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(proof.poolName, 'utf8'),
        Buffer.from(proof.userId, 'utf8'),
        Buffer.from(proof.secretBlock, 'base64'),
        Buffer.from(proof.timestamp, 'utf8'),
      ]),
    )
    .digest();
}

/** Whether `signature` (base64) is the claim of someone who knows the password behind `verifier`. */
export function srpClaimMatches(proof: SrpProof, signature: string): boolean {
  let expected: Buffer;
  try {
    expected = srpClaimSignature(srpSessionKey(proof), proof);
  } catch {
    return false;
  }
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Cognito's TIMESTAMP: `ddd MMM D HH:mm:ss UTC YYYY`, as the clients write it. */
export const SRP_TIMESTAMP =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;

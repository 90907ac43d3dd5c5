export { CognitoError } from './errors.js';
export { generateSigningKey, type Jwk, jwkOf, type SigningKey, signJwt, verifyJwtSignature } from './jwt.js';
export * from './plugin.js';
export { type PoolClient, type PoolUser, UserPool, userPoolsFromModel } from './pools.js';
export { CognitoService } from './service.js';
export {
  type IssuedTokens,
  issueTokens,
  type TokenRefusal,
  type Verification,
  verifyToken,
} from './tokens.js';
export { base32Encode, matchTotp, totpCode, totpStep } from './totp.js';

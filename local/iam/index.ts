// The local IAM: policy evaluation (identity and resource policies, conditions) and who is calling.
export * from './conditions.js';
export * from './identities.js';
export * from './policy.js';

// Curated public API. Everything here is documented in README.md.
export { explain, check, compileGrant } from './explain.js';
export type {
  HttpCall,
  MethodParams,
  Explanation,
  CheckResult,
  MissingRequirement,
  SatisfiedRequirement,
  Grant,
} from './explain.js';
export type { Requirement, ExpandCandidate, UnknownItem, Resolution, ResolveOptions } from './resolve.js';
export { permissionInfo, listPermissions, impliedPermissions } from './permissions.js';
export type { PermissionInfo } from './catalog.js';
export { formatExplanation } from './format.js';
